"""Workbooks written with XlsxWriter: the import template, list exports, named lists and the
error file. Every function returns bytes; callers store them through default_storage or send
them as a download. Credit codes and phone numbers are always written as text."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .columns import COLUMNS, Column
from .models import QualificationKind
from .reader import SHEET_NAME, col_letter
from .sme_size import STANDARD_NAME

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _formats(wb: xlsxwriter.Workbook) -> dict[str, Any]:
    return {
        "title": wb.add_format({"bold": True, "font_size": 14, "font_name": "宋体"}),
        "head": wb.add_format(
            {
                "bold": True,
                "bg_color": "#DCE6F1",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
                "font_name": "宋体",
            }
        ),
        "req": wb.add_format(
            {
                "bold": True,
                "bg_color": "#FCE4D6",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
                "font_name": "宋体",
            }
        ),
        "text": wb.add_format({"num_format": "@"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "money": wb.add_format({"num_format": "#,##0.00"}),
        "err": wb.add_format({"font_color": "#C00000", "text_wrap": True}),
    }


def _safe_text(ws: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Text is written as a string cell, never interpreted as a formula or number."""
    ws.write_string(row, col, "" if value is None else str(value), fmt)


def _header_text(c: Column) -> str:
    return f"{c.header}*" if c.required else c.header


def template_bytes(*, cluster_name: str, year: int, max_rows: int = 5000) -> bytes:
    """导入模板: the data sheet with headers and dropdowns, and a 填报说明 sheet."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    f = _formats(wb)
    ws = wb.add_worksheet(SHEET_NAME)
    ws.write_string(0, 0, f"{cluster_name} {year}年度集群企业清单", f["title"])
    ws.set_row(1, 42)
    for j, c in enumerate(COLUMNS):
        ws.write_string(1, j, _header_text(c), f["req"] if c.required else f["head"])
        ws.set_column(j, j, c.width, f["text"] if c.kind in ("code", "text") else None)
        if c.note:
            ws.write_comment(1, j, c.note, {"x_scale": 2})
        last = max_rows + 1
        if c.options:
            ws.data_validation(
                2,
                j,
                last,
                j,
                {
                    "validate": "list",
                    "source": list(c.options),
                    "error_title": "请从下拉列表选择",
                    "error_message": f"「{c.header}」请从下拉列表中选择。",
                },
            )
        elif c.kind in ("number", "int"):
            ws.data_validation(
                2,
                j,
                last,
                j,
                {
                    "validate": "decimal" if c.kind == "number" else "integer",
                    "criteria": ">=",
                    "value": 0,
                    "ignore_blank": True,
                    "error_title": "请输入数字",
                    "error_message": f"「{c.header}」应为不小于0的数字（没有请填0）。",
                },
            )
        elif c.kind == "code":
            ws.data_validation(
                2,
                j,
                last,
                j,
                {
                    "validate": "length",
                    "criteria": "==",
                    "value": 18,
                    "error_title": "统一社会信用代码",
                    "error_message": "统一社会信用代码应为18位。",
                },
            )
        elif c.kind == "year":
            ws.data_validation(
                2,
                j,
                last,
                j,
                {"validate": "integer", "criteria": "between", "minimum": 1990, "maximum": 2100, "ignore_blank": True},
            )
    ws.freeze_panes(2, 2)
    _instructions(wb, f, year)
    wb.close()
    return buf.getvalue()


def _instructions(wb: xlsxwriter.Workbook, f: dict[str, Any], year: int) -> None:
    ws = wb.add_worksheet("填报说明")
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 90, f["wrap"])
    lines = [
        ("填报要求", f"填写{year}年度数据；财务数据以企业该年度会计报表期末数为准；数据有小数时保留小数点后2位。"),
        ("必填列", "带 * 的列必须填写；没有的情况填“0”或“无”，不要留空。"),
        (
            "金额单位",
            "营业收入、资产总额、产值、研发费用、出口额、外商直接投资额均以“万元”为单位（1亿元 = 10000万元）。",
        ),
        (
            "从业人员",
            "从业人员期末人数：上年度末在企业工作并取得劳动报酬的人员数，为在岗职工、劳务派遣人员及其他从业人员之和。",
        ),
        (
            "研发费用",
            "按财政部、国家税务总局、科技部《关于完善研究开发费用税前加计扣除政策的通知》（财税〔2015〕119号）归集。",
        ),
        ("企业规模", f"系统按{STANDARD_NAME}，根据划型行业、从业人员、营业收入、资产总额自动划型，无需填写。"),
        ("统一社会信用代码", "18位，按文本填写（不要存成数字）；大小写、全角半角均可，系统会统一转换并校验校验位。"),
        (
            "资质",
            "各资质列填写级别（从下拉列表选择），并在后一列填写认定年份；没有填“无”或留空。一家企业可同时具有多项资质。",
        ),
        ("主导产业相关", "“是否与主导产业相关”用于统计“主导产业相关的”各类企业数量；留空视为“是”。"),
        ("外币折算", "外商直接投资额、出口额以外币计的，按当年国民经济和社会发展统计公报的汇率折算为人民币。"),
        ("公式", "请勿使用公式；如从其他表格复制，请“粘贴为数值”。"),
        (
            "重新导入",
            "再次导入同一集群同一年度的清单时，按统一社会信用代码更新：新增、修改、删除的企业会在确认前列出。",
        ),
    ]
    ws.write_string(0, 0, "项目", f["head"])
    ws.write_string(0, 1, "说明", f["head"])
    for i, (k, v) in enumerate(lines, start=1):
        ws.write_string(i, 0, k)
        ws.write_string(i, 1, v)
    row = len(lines) + 2
    ws.write_string(row, 0, "列名", f["head"])
    ws.write_string(row, 1, "填写说明（括号内为可识别的其他列名）", f["head"])
    for i, c in enumerate(COLUMNS, start=row + 1):
        ws.write_string(i, 0, _header_text(c))
        extra = f"（亦可写作：{'、'.join(c.synonyms)}）" if c.synonyms else ""
        opts = f"可选：{'、'.join(c.options)}。" if c.options else ""
        ws.write_string(i, 1, f"{opts}{c.note}{extra}")


def _cell_value(ws: Worksheet, row: int, col: int, value: Any, f: dict[str, Any]) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否")
    elif isinstance(value, Decimal):
        ws.write_number(row, col, float(value), f["money"])
    elif isinstance(value, int):
        ws.write_number(row, col, value)
    else:
        _safe_text(ws, row, col, value)


def table_bytes(
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet_name: str = SHEET_NAME,
    widths: Sequence[int] | None = None,
    notes: Sequence[str] = (),
) -> bytes:
    """A simple titled table (exports, named lists). Streams with constant memory."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": True})
    f = _formats(wb)
    ws = wb.add_worksheet(sheet_name[:31])
    for j, _h in enumerate(headers):
        ws.set_column(j, j, (widths[j] if widths and j < len(widths) else 14))
    ws.write_string(0, 0, title, f["title"])
    for j, h in enumerate(headers):
        ws.write_string(1, j, h, f["head"])
    r = 2
    for r, row in enumerate(rows, start=2):
        for j, v in enumerate(row):
            _cell_value(ws, r, j, v, f)
    for i, note in enumerate(notes, start=r + 2):
        ws.write_string(i, 0, note)
    wb.close()
    return buf.getvalue()


def error_file_bytes(
    *, header: dict[int, str], failing_rows: dict[int, list[Any]], messages: dict[int, list[str]]
) -> bytes:
    """错误清单: the failing rows as uploaded, with their original row number and an error column.

    Fix the rows here and import them together with the rows that passed (or re-import the
    whole list): the headers are the ones the upload used, so the file imports as it is.
    """
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    f = _formats(wb)
    ws = wb.add_worksheet(SHEET_NAME)
    cols = sorted(header)
    ws.write_string(0, 0, "原行号", f["head"])
    ws.write_string(0, 1, "错误说明", f["head"])
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 50)
    for j, idx in enumerate(cols, start=2):
        ws.write_string(0, j, header[idx], f["head"])
        ws.set_column(j, j, 16, f["text"])
    for i, rownum in enumerate(sorted(failing_rows), start=1):
        cells = failing_rows[rownum]
        ws.write_number(i, 0, rownum)
        ws.write_string(i, 1, "；".join(messages.get(rownum, [])), f["err"])
        for j, idx in enumerate(cols, start=2):
            v = cells[idx] if idx < len(cells) else None
            if v is None or v == "":
                continue
            if isinstance(v, bool):
                ws.write_boolean(i, j, v)
            elif isinstance(v, int | float):
                ws.write_number(i, j, v)
            else:
                _safe_text(ws, i, j, v)
    ws.freeze_panes(1, 2)
    wb.close()
    return buf.getvalue()


def qualification_title(kind: str, level_label: str = "") -> str:
    return f"{level_label}{QualificationKind(kind).label}名单"


__all__ = ["XLSX_MIME", "col_letter", "error_file_bytes", "qualification_title", "table_bytes", "template_bytes"]
