"""Summary tables (汇总表) as formatted .xlsx from plain rows.

`SummaryTable` is generic (title, columns, rows, footnotes); two column sets follow the national
notice 工信厅企业函〔2025〕77号: 附件2 推荐汇总表 and 附件4 复核情况汇总表. The notice names
these tables but its text does not reproduce their columns, so the sets below are built from
what the notice asks the province to report (推荐排序 within the quota of ≤ 8 / ≤ 2; for the
re-review, 初审 passed or not and, if not, 原因) plus the identifying fields of the forms.
A caller may pass its own columns.

Printing: A4 landscape, fit to one page wide, header rows repeated, footer “第 n 页 共 m 页”.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import xlsxwriter

Value = str | int | Decimal | None


@dataclass(frozen=True)
class SummaryColumn:
    label: str
    width: float = 14  # Excel character units
    kind: str = "text"  # text | int | decimal | percent
    total: bool = False  # summed in the 合计 row
    group: str = ""  # two-level header: columns with the same group share a merged top cell


@dataclass(frozen=True)
class SummaryTable:
    title: str
    columns: tuple[SummaryColumn, ...]
    rows: Sequence[Sequence[Value]]
    filled_by: str = ""  # 填报单位（盖章）
    filled_date: date | None = None
    notes: tuple[str, ...] = ()
    sheet_name: str = "汇总表"
    total_label: str = ""  # e.g. "合计": adds a totals row for columns with total=True
    numbered: bool = True  # first column 序号


RECOMMENDATION_COLUMNS: tuple[SummaryColumn, ...] = (
    SummaryColumn("推荐排序", 8, "int"),
    SummaryColumn("集群名称", 34),
    SummaryColumn("所属地区", 22),
    SummaryColumn("主导产业", 16),
    SummaryColumn("县级行政区划中小企业主管部门", 22),
    SummaryColumn("集群运营管理机构", 26),
    SummaryColumn("集群总产值（亿元）", 12, "decimal", total=True, group="{year}年"),
    SummaryColumn("中小企业产值占比（%）", 12, "decimal", group="{year}年"),
    SummaryColumn("主导产业产值占比（%）", 12, "decimal", group="{year}年"),
    SummaryColumn("近三年主导产业产值年均增速（%）", 14, "decimal"),
    SummaryColumn("联系人及联系电话", 20),
)

REREVIEW_COLUMNS: tuple[SummaryColumn, ...] = (
    SummaryColumn("集群名称", 34),
    SummaryColumn("所属地区", 22),
    SummaryColumn("主导产业", 16),
    SummaryColumn("复核申报主体", 22),
    SummaryColumn("运营管理机构是否变化", 12),
    SummaryColumn("初审结果", 10),
    SummaryColumn("未通过初审的原因", 36),
)


def columns_for_year(columns: tuple[SummaryColumn, ...], year: int) -> tuple[SummaryColumn, ...]:
    return tuple(
        SummaryColumn(c.label, c.width, c.kind, c.total, c.group.replace("{year}", str(year))) for c in columns
    )


def _number(v: Value) -> float | None:
    # Excel cells hold binary doubles; the exact value stays in the platform (Decimal).
    if v is None or v == "":
        return None
    if isinstance(v, int | Decimal):
        return float(v)
    return None


def render_summary_xlsx(table: SummaryTable) -> bytes:
    buf = BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    font = {"font_name": "宋体", "font_size": 11}
    f_title = wb.add_format({"font_name": "方正小标宋简体", "font_size": 18, "align": "center", "valign": "vcenter"})
    f_meta = wb.add_format({**font, "font_name": "仿宋_GB2312", "font_size": 12})
    f_head = wb.add_format(
        {
            **font,
            "font_name": "黑体",
            "bold": False,
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "bg_color": "#F2F2F2",
        }
    )
    base = {**font, "border": 1, "valign": "vcenter", "text_wrap": True}
    f_text = wb.add_format(base)
    f_center = wb.add_format({**base, "align": "center"})
    f_int = wb.add_format({**base, "align": "center", "num_format": "0"})
    f_dec = wb.add_format({**base, "align": "right", "num_format": "0.00"})
    f_total = wb.add_format({**base, "bold": True, "align": "center"})
    f_total_num = wb.add_format({**base, "bold": True, "align": "right", "num_format": "0.00"})
    f_note = wb.add_format({**font, "text_wrap": True, "valign": "top"})

    ws = wb.add_worksheet(table.sheet_name[:31])
    cols: list[SummaryColumn] = list(table.columns)
    if table.numbered:
        cols.insert(0, SummaryColumn("序号", 6, "int"))
    ncols = len(cols)
    two_level = any(c.group for c in cols)

    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页 共 &N 页")
    for i, c in enumerate(cols):
        ws.set_column(i, i, c.width)

    row = 0
    ws.set_row(row, 36)
    ws.merge_range(row, 0, row, ncols - 1, table.title, f_title)
    row += 1
    if table.filled_by or table.filled_date:
        left = f"填报单位（盖章）：{table.filled_by}" if table.filled_by else ""
        right = (
            f"填报日期：{table.filled_date.year}年{table.filled_date.month}月{table.filled_date.day}日"
            if (table.filled_date)
            else ""
        )
        split = max(ncols // 2, 1)
        ws.merge_range(row, 0, row, split - 1, left, f_meta) if split > 1 else ws.write(row, 0, left, f_meta)
        if ncols - split > 1:
            ws.merge_range(row, split, row, ncols - 1, right, f_meta)
        else:
            ws.write(row, split, right, f_meta)
        row += 1

    header_top = row
    if two_level:
        i = 0
        while i < ncols:
            c = cols[i]
            if c.group:
                j = i
                while j + 1 < ncols and cols[j + 1].group == c.group:
                    j += 1
                if j > i:
                    ws.merge_range(row, i, row, j, c.group, f_head)
                else:
                    ws.write(row, i, c.group, f_head)
                for k in range(i, j + 1):
                    ws.write(row + 1, k, cols[k].label, f_head)
                i = j + 1
            else:
                ws.merge_range(row, i, row + 1, i, c.label, f_head)
                i += 1
        ws.set_row(row, 24)
        ws.set_row(row + 1, 42)
        row += 2
    else:
        for i, c in enumerate(cols):
            ws.write(row, i, c.label, f_head)
        ws.set_row(row, 42)
        row += 1
    ws.repeat_rows(header_top, row - 1)
    ws.freeze_panes(row, 0)

    totals: dict[int, Decimal] = {}
    for n, values in enumerate(table.rows, start=1):
        cells: list[Value] = list(values)
        if table.numbered:
            cells.insert(0, n)
        for i, c in enumerate(cols):
            v = cells[i] if i < len(cells) else None
            if c.kind in ("int", "decimal", "percent") and _number(v) is not None:
                ws.write_number(row, i, _number(v), f_int if c.kind == "int" else f_dec)  # type: ignore[arg-type]
                if c.total and isinstance(v, int | Decimal):
                    totals[i] = totals.get(i, Decimal(0)) + Decimal(v)
            else:
                text = "" if v is None else str(v)
                ws.write_string(row, i, text, f_center if len(text) <= 4 else f_text)
        row += 1

    if table.total_label:
        ws.write(row, 0, table.total_label, f_total)
        for i in range(1, ncols):
            if i in totals:
                ws.write_number(row, i, float(totals[i]), f_total_num)
            else:
                ws.write_blank(row, i, None, f_total)
        row += 1

    for note in table.notes:
        ws.merge_range(row, 0, row, ncols - 1, note, f_note)
        ws.set_row(row, 18 * max(1, len(note) // 80 + 1))
        row += 1
    wb.close()
    return buf.getvalue()


def recommendation_summary(
    *, year: int, authority: str, rows: Sequence[Sequence[Value]], filled_date: date | None = None, **kw: Any
) -> SummaryTable:
    """附件2 {year}年度中小企业特色产业集群推荐汇总表."""
    return SummaryTable(
        title=f"{year}年度中小企业特色产业集群推荐汇总表",
        columns=columns_for_year(RECOMMENDATION_COLUMNS, year - 1),
        rows=rows,
        filled_by=authority,
        filled_date=filled_date,
        notes=kw.pop(
            "notes",
            (
                "注：推荐排序按择优顺序填写；省、自治区、直辖市推荐数量不超过8个，"
                "计划单列市、新疆生产建设兵团推荐数量不超过2个。",
            ),
        ),
        numbered=False,
        total_label=kw.pop("total_label", ""),
        sheet_name="推荐汇总表",
    )


def rereview_summary(
    *,
    batch_year: int,
    authority: str,
    rows: Sequence[Sequence[Value]],
    filled_date: date | None = None,
    notes: tuple[str, ...] = (),
) -> SummaryTable:
    """附件4 {batch_year}年度中小企业特色产业集群复核情况汇总表."""
    return SummaryTable(
        title=f"{batch_year}年度中小企业特色产业集群复核情况汇总表",
        columns=REREVIEW_COLUMNS,
        rows=rows,
        filled_by=authority,
        filled_date=filled_date,
        notes=notes or ("注：未通过初审的，需说明原因。",),
        sheet_name="复核情况汇总表",
    )
