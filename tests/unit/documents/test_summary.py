"""Summary tables (推荐汇总表, 复核情况汇总表) as formatted .xlsx, read back with python-calamine:
title, filled-by line, headers (two levels where columns share a year), rows and totals in place."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from python_calamine import load_workbook

from apps.documents.listings import summary_file
from apps.documents.summary import SummaryColumn, SummaryTable, recommendation_summary, rereview_summary


def _rows(data: bytes, sheet: str) -> list[list[Any]]:
    book = load_workbook(BytesIO(data))
    assert book.sheet_names == [sheet]
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


RECOMMENDED = [
    [
        1,
        "上海市浦东新区集成电路产业集群",
        "上海市 浦东新区",
        "集成电路",
        "浦东新区科经委",
        "张江集成电路园区运营有限公司",
        Decimal("512.30"),
        Decimal("78.50"),
        Decimal("81.20"),
        Decimal("14.35"),
        "张某 021-50000000",
    ],
    [
        2,
        "上海市黄浦区时尚消费品产业集群",
        "上海市 黄浦区",
        "时尚消费品",
        "黄浦区商务委",
        "黄浦时尚园区管理中心",
        Decimal("96.70"),
        Decimal("88.00"),
        Decimal("72.10"),
        Decimal("11.02"),
        "李某 021-63000000",
    ],
]


def test_the_recommendation_summary_has_its_title_two_header_rows_and_every_row_in_place() -> None:
    table = recommendation_summary(
        year=2025,
        authority="上海市经济和信息化委员会",
        rows=RECOMMENDED,
        filled_date=date(2025, 7, 10),
        total_label="合计",
    )
    name, data = summary_file(table)
    assert name == "2025年度中小企业特色产业集群推荐汇总表.xlsx"
    rows = _rows(data, "推荐汇总表")
    assert rows[0][0] == "2025年度中小企业特色产业集群推荐汇总表"
    assert rows[1][0] == "填报单位（盖章）：上海市经济和信息化委员会"
    assert "填报日期：2025年7月10日" in rows[1]
    top, bottom = rows[2], rows[3]
    assert top[:6] == [
        "推荐排序",
        "集群名称",
        "所属地区",
        "主导产业",
        "县级行政区划中小企业主管部门",
        "集群运营管理机构",
    ]
    assert top[6] == "2024年"  # the data year heads the three year columns (merged)
    assert bottom[6:9] == ["集群总产值（亿元）", "中小企业产值占比（%）", "主导产业产值占比（%）"]
    assert top[9] == "近三年主导产业产值年均增速（%）" and top[10] == "联系人及联系电话"
    for i, expected in enumerate(RECOMMENDED):
        got = rows[4 + i]
        assert got[0] == expected[0]
        assert got[1:6] == expected[1:6]
        assert [round(Decimal(str(v)), 2) for v in got[6:10]] == expected[6:10]
        assert got[10] == expected[10]
    total = rows[6]
    assert total[0] == "合计" and round(Decimal(str(total[6])), 2) == Decimal("609.00")
    assert "推荐数量不超过8个" in rows[7][0]


def test_the_rereview_summary_lists_each_cluster_with_its_result_and_reason() -> None:
    rows_in = [
        ["上海市浦东新区集成电路产业集群", "上海市 浦东新区", "集成电路", "浦东新区科经委", "否", "通过", ""],
        [
            "上海市黄浦区时尚消费品产业集群",
            "上海市 黄浦区",
            "时尚消费品",
            "黄浦区商务委",
            "是",
            "未通过",
            "主导产业产值占比低于50%",
        ],
    ]
    data = summary_file(rereview_summary(batch_year=2022, authority="上海市经济和信息化委员会", rows=rows_in))[1]
    rows = _rows(data, "复核情况汇总表")
    assert rows[0][0] == "2022年度中小企业特色产业集群复核情况汇总表"
    header = rows[2]
    assert header == [
        "序号",
        "集群名称",
        "所属地区",
        "主导产业",
        "复核申报主体",
        "运营管理机构是否变化",
        "初审结果",
        "未通过初审的原因",
    ]
    assert rows[3] == [1, *rows_in[0]]
    assert rows[4] == [2, *rows_in[1]]
    assert rows[5][0] == "注：未通过初审的，需说明原因。"


def test_a_custom_list_keeps_text_such_as_codes_as_text() -> None:
    table = SummaryTable(
        title="2025年度拟认定名单",
        columns=(
            SummaryColumn("集群名称", 30),
            SummaryColumn("统一社会信用代码", 22),
            SummaryColumn("企业数", 8, "int"),
        ),
        rows=[["上海市浦东新区集成电路产业集群", "091310115MA1K3Y8XH", 320]],
    )
    rows = _rows(summary_file(table)[1], "汇总表")
    assert rows[1] == ["序号", "集群名称", "统一社会信用代码", "企业数"]
    assert rows[2] == [1, "上海市浦东新区集成电路产业集群", "091310115MA1K3Y8XH", 320]
