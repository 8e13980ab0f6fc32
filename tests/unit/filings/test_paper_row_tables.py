"""The print view (原表样式, apps.filings.paper) prints a row table's cells as the Word document
does: a choice by its label (国家级、是), a date in Chinese — never the stored key."""

from __future__ import annotations

from typing import Any

from apps.filings import paper
from apps.filings.definitions import load_template
from apps.filings.pages import FieldView, SectionView

TEMPLATE = load_template("provincial_competition", "2026")


def _printed_matrix(field_key: str, value: Any) -> list[list[str]]:
    f = TEMPLATE.field(field_key)
    section = next(s for s in TEMPLATE.sections if s.key == f.section_key)
    fv = FieldView(
        f=f, number="1", inputs={}, issues=[], evidence={}, computed=[], editable=False, filled=True, raw=value
    )
    (printed,) = paper.build_paper(TEMPLATE, [SectionView(section, [fv])])
    (row,) = [r for r in printed.rows if r.fv is fv]
    return row.matrix


def test_a_row_tables_choice_and_date_cells_print_as_label_and_chinese_date() -> None:
    matrix = _printed_matrix(
        "innovation_carriers",
        {
            "rows": [
                {"name": "甲智能装备创新中心", "level": "national", "approved_on": "2024-05-08", "approver": "工信部"},
                {"name": "乙工程研究中心", "level": "provincial", "approved_on": "2023-11-20", "approver": "省发改委"},
            ]
        },
    )
    assert matrix[0] == ["序号", "技术创新载体名称", "级别", "批准时间", "批准单位"]
    assert matrix[1] == ["1", "甲智能装备创新中心", "国家级", "2024年5月8日", "工信部"]
    assert matrix[2] == ["2", "乙工程研究中心", "省级", "2023年11月20日", "省发改委"]


def test_a_row_tables_yes_no_column_prints_yes_or_no_and_blank_stays_blank() -> None:
    matrix = _printed_matrix(
        "existing_firms",
        {"rows": [{"name": "丙科技有限公司", "above_scale": "yes"}, {"name": "丁材料有限公司", "above_scale": "no"}]},
    )
    column = matrix[0].index("是否为规上企业")
    assert [r[column] for r in matrix[1:]] == ["是", "否"]
    assert matrix[1][matrix[0].index("企业概况")] == ""
    assert not any("yes" in cell or cell == "no" for r in matrix[1:] for cell in r)
