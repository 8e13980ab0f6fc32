"""The filled form in the original's layout (原表样式): read-only view and browser print view.

Each numbered section (一、二、…) is one table as in the document: labels on the left, values
on the right; a run of year-series rows gets the original's “年度 | 2022年 | 2023年 | 2024年”
header row and the other rows span the year columns; grouped rows (创新平台建设情况 …) share a
left cell; checkbox lists and 是/否 answers print as ☑/☐ boxes; footnotes sit under their
section. Sections without a number (the cover) print as the cover page's “label：value” lines.
Narrative sections (未来三年发展规划) print as headed text with the target table.

The pieces are computed here so the template only walks rows and cells.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .definitions import Field, Template, is_blank
from .definitions.display import column_text
from .definitions.types import STANDARD_CATEGORIES, STANDARD_ROLES
from .pages import FieldView, SectionView

_FOOTNOTE = re.compile(r"^\s*(\d+)\s*(.*)$", re.S)


@dataclass
class Box:
    """One ☐/☑ choice."""

    label: str
    checked: bool
    text: str = ""  # 其他：… / a count with its unit
    key: str = ""  # the option key (evidence is filed under it)


@dataclass
class Cell:
    text: str = ""
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    cls: str = ""


@dataclass
class Row:
    """One table row: `kind` is yearhead, years, value or wide (label row + full-width content)."""

    kind: str
    fv: FieldView | None = None
    label: str = ""
    marker: str = ""  # footnote number after the label
    group: str = ""
    group_rows: int = 0  # >0 on the first row of a group: rowspan of the group cell
    in_group: bool = False
    cells: list[Cell] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    years: tuple[int, ...] = ()
    matrix: list[list[str]] = field(default_factory=list)


@dataclass
class Footnote:
    marker: str
    text: str


@dataclass
class PaperSection:
    sv: SectionView
    kind: str  # cover | table | narrative
    rows: list[Row]
    columns: int  # value columns (year count, at least 1)
    footnotes: list[Footnote]
    page_break: bool
    targets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def heading(self) -> str:
        return self.sv.s.heading


def footnote_parts(text: str) -> tuple[str, str]:
    """("3", "集群近三年产值…") from the template's footnote text "3 集群近三年产值…"."""
    m = _FOOTNOTE.match(text or "")
    return (m.group(1), m.group(2).strip()) if m else ("", (text or "").strip())


def cn_date(text: Any) -> str:
    """2025-05-08 → 2025年5月8日 (as dates are written in the documents)."""
    try:
        d = date.fromisoformat(str(text).strip())
    except ValueError:
        return str(text or "")
    return f"{d.year}年{d.month}月{d.day}日"


def _num(value: Any) -> str:
    return "" if is_blank(value) else str(value)


def checkbox_boxes(f: Field, value: Any) -> list[Box]:
    data = value if isinstance(value, Mapping) else {}
    checked = set(data.get("checked") or [])
    counts = data.get("counts") or {}
    boxes = []
    for o in f.options:
        extra = ""
        if o.text and o.key in checked and data.get("other_text"):
            extra = f"：{data['other_text']}"
        elif o.count_unit and o.key in counts:
            extra = f" {counts[o.key]} {o.count_unit}"
        boxes.append(Box(o.label, o.key in checked, extra, o.key))
    if data.get("none"):
        boxes.append(Box("无", True))
    return boxes


def choice_boxes(f: Field, value: Any) -> list[Box]:
    return [Box(o.label, str(value) == o.key, key=o.key) for o in f.options]


def _matrix(f: Field, value: Any) -> list[list[str]]:
    """Rows 类别 × (each year: 主持, 参与) of the standards matrix, with a header row."""
    data = value if isinstance(value, Mapping) else {}
    head = ["类别"] + [f"{y}年{rl[:2]}" for y in f.years for _, rl in STANDARD_ROLES]
    rows = [head]
    for cat, cat_label in STANDARD_CATEGORIES:
        row = [cat_label]
        for y in f.years:
            cats = data.get(str(y)) or {}
            roles = cats.get(cat) or {} if isinstance(cats, Mapping) else {}
            row += [_num(roles.get(r) if isinstance(roles, Mapping) else "") for r, _ in STANDARD_ROLES]
        rows.append(row)
    return rows


def _value_row(fv: FieldView, columns: int) -> Row:
    f, value = fv.f, fv.raw
    marker, _ = footnote_parts(f.footnote) if f.footnote else ("", "")
    row = Row("value", fv, label=f.label, marker=marker)
    kind = f.kind
    if kind == "year_series":
        row.kind = "years"
        series = value if isinstance(value, Mapping) else {}
        row.cells = [Cell(_num(series.get(str(y))), cls="num") for y in f.years]
        if len(f.years) < columns:
            row.cells[-1:] = [Cell(row.cells[-1].text, colspan=columns - len(f.years) + 1, cls="num")]
    elif kind == "checkboxes":
        row.boxes = checkbox_boxes(f, value)
    elif kind == "choice":
        row.boxes = choice_boxes(f, value)
    elif kind == "count_names":
        data = value if isinstance(value, Mapping) else {}
        unit = f.unit or "个"
        row.lines = [f"数量：{_num(data.get('count')) or '　'} {unit}", f"名称：{_num(data.get('names'))}"]
    elif kind == "standards_matrix":
        row.kind = "wide"  # the matrix needs the page's width: label row, then the matrix
        row.matrix = _matrix(f, value)
    elif kind == "computed":
        row.lines = [f"{c.value} {c.unit}".strip() if c.value is not None else "（待计算）" for c in fv.computed] or [
            "（待计算）"
        ]
    elif kind == "date":
        row.lines = [cn_date(value) if not is_blank(value) else ""]
    elif kind == "row_table":
        data = value if isinstance(value, Mapping) else {}
        table_rows = [r for r in data.get("rows") or [] if isinstance(r, Mapping)]
        head = ["序号"] + [f"{c.label}（{c.unit}）" if c.unit else c.label for c in f.columns]
        row.kind = "wide"
        # A cell as the Word document prints it: a choice by its label (国家级), a date in Chinese.
        row.matrix = [head] + [
            [str(i)] + [column_text(c, r.get(c.key)) for c in f.columns] for i, r in enumerate(table_rows, 1)
        ]
        if data.get("none"):
            row.lines = ["无"]
    elif kind == "declaration":
        data = value if isinstance(value, Mapping) else {}
        sigs = data.get("signatures") or {}
        row.lines = [f.statement] if f.statement else []
        row.lines += [f"{signer}：{_num(sigs.get(str(i)))}" for i, signer in enumerate(f.signers)]
        row.lines.append(cn_date(data["date"]) if not is_blank(data.get("date")) else "年　月　日")
        row.boxes = [Box("已阅读并承诺以上声明", data.get("agreed") is True)]
    elif kind in ("number", "text", "narrative"):
        row.lines = [_num(value)]
    return row


def _year_count(sv: SectionView) -> int:
    return max((len(fv.f.years) for fv in sv.fields if fv.f.kind == "year_series"), default=0)


def _table_rows(sv: SectionView, columns: int) -> list[Row]:
    rows: list[Row] = []
    current_years: tuple[int, ...] = ()
    fields = sv.fields
    for i, fv in enumerate(fields):
        f = fv.f
        if f.kind == "year_series" and f.years != current_years:
            rows.append(Row("yearhead", years=f.years))
            current_years = f.years
        elif f.kind != "year_series":
            current_years = ()
        row = _value_row(fv, columns)
        if f.group:
            row.in_group = True
            row.group = f.group
            if i == 0 or fields[i - 1].f.group != f.group:
                row.group_rows = sum(1 for _ in _run(fields, i))
        rows.append(row)
    return rows


def _run(fields: list[FieldView], start: int) -> list[FieldView]:
    group = fields[start].f.group
    out = []
    for fv in fields[start:]:
        if fv.f.group != group:
            break
        out.append(fv)
    return out


def target_rows(fv: FieldView) -> list[dict[str, Any]]:
    """Rows of a target table as printed: 方向 (merged down equal neighbours), 指标, values."""
    f = fv.f
    data = fv.raw if isinstance(fv.raw, Mapping) else {}
    fixed = data.get("fixed") or {}
    rows: list[dict[str, Any]] = []
    for r in f.rows:
        cells = fixed.get(r.key) or {} if isinstance(fixed, Mapping) else {}
        label = f"{r.label}（{r.unit}）" if r.unit else r.label
        rows.append({"direction": r.direction, "label": label, "cells": [_num(cells.get(c.key)) for c in f.columns]})
    for a in data.get("added") or []:
        if not isinstance(a, Mapping):
            continue
        unit = _num(a.get("unit"))
        label = _num(a.get("label")) + (f"（{unit}）" if unit else "")
        rows.append(
            {"direction": _num(a.get("direction")), "label": label, "cells": [_num(a.get(c.key)) for c in f.columns]}
        )
    for i, row in enumerate(rows):
        if i and rows[i - 1]["direction"] == row["direction"]:
            row["span"] = 0
            continue
        span = 1
        while i + span < len(rows) and rows[i + span]["direction"] == row["direction"]:
            span += 1
        row["span"] = span
    return rows


def build_paper(template: Template, sections: list[SectionView]) -> list[PaperSection]:
    out: list[PaperSection] = []
    for sv in sections:
        s = sv.s
        footnotes = [Footnote(*footnote_parts(fv.f.footnote)) for fv in sv.fields if fv.f.footnote]
        if not s.number:
            out.append(PaperSection(sv, "cover", [], 1, footnotes, page_break=False))
            continue
        narrative = any(fv.f.kind in ("narrative", "target_table") for fv in sv.fields) and not any(
            fv.f.kind in ("year_series", "checkboxes") for fv in sv.fields
        )
        columns = max(1, _year_count(sv))
        kind = "narrative" if narrative else "table"
        rows = [] if narrative else _table_rows(sv, columns)
        targets = {fv.f.key: target_rows(fv) for fv in sv.fields if fv.f.kind == "target_table"}
        # 填报说明“一至七部分不得串页”: every numbered part starts on a new page.
        out.append(PaperSection(sv, kind, rows, columns, footnotes, page_break=True, targets=targets))
    return out


def evidence_index(sections: list[SectionView]) -> list[dict[str, Any]]:
    """Every evidence file with the section, field and option it supports (佐证材料清单)."""
    out = []
    n = 0
    for sv in sections:
        for fv in sv.fields:
            for slot, files in fv.evidence.items():
                option = slot.split(":", 1)[1] if ":" in slot else ""
                opt = fv.f.option(option) if option else None
                for e in files:
                    n += 1
                    out.append(
                        {
                            "n": n,
                            "section": sv.s.heading,
                            "field": fv.f.label,
                            "option": opt.label if opt else "",
                            "file": e,
                        }
                    )
    return out
