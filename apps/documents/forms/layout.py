"""Template + values → blocks of the printed form (shared by the .docx and .pdf writers and the reader).

How a template maps to the original's layout (all derived from the definition, never per form):

- a first section without a number is the cover (封面): title, one underlined line per field,
  the template's `authority` ("上海市经济和信息化委员会 制") at the foot;
- `instructions` become the 填报说明 page, `indicator_notes` the closing 部分指标填报说明 page;
- each numbered section is one grid: a label area (two columns, the second used when fields
  share a `group`, e.g. 创新平台建设情况) and a value area with one column per data year when the
  section has year series (header row 年度 | 2022年 | …), split in three per year when it holds
  a standards matrix (类别 | 主持数量 | 参与数量, as in the original);
- target tables and row tables are grids of their own; narratives are label/value rows;
- the 串页 rule is read from the instructions ("其中一至七部分不得串页"): those sections, and the
  one after the last of them, start on a new page;
- fields with evidence cite the evidence pages (佐证 P3–P5) when a bundle numbered them;
- a field shown only under a condition (``visible_when``, e.g. the 情况说明 that a “是” answer
  requires) prints 无 when the condition does not hold in a filled form, as the 填报说明 ask
  (“无相关情况时应填写‘无’”); an attachment row prints where its file is (见佐证材料 P3 or the
  file's title) or 未附 — never an empty value cell in a filled form.

Every value cell carries `ref`, the path of the value it shows (e.g. ``output_value[2022]``,
``standards[2024][national][lead]``, ``plan_targets[fixed][iip][target_2025]``), which is how the
Word import knows what a cell holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from apps.filings.definitions import (
    NONE_MARK,
    Field,
    FormulaError,
    Section,
    Template,
    compute,
    evaluate,
    parse_decimal,
)
from apps.filings.definitions.display import cn_date_text, column_text, plain
from apps.filings.definitions.formula import MissingValue, Ref
from apps.filings.definitions.types import STANDARD_CATEGORIES, STANDARD_ROLES

# ---- block model --------------------------------------------------------------------------------


@dataclass
class Run:
    text: str
    box: bool | None = None  # None: text; True/False: ☑/☐


@dataclass
class Cell:
    lines: list[list[Run]] = field(default_factory=list)
    ref: str = ""
    kind: str = "value"  # value | label | head | note
    colspan: int = 1
    rowspan: int = 1
    align: str = "left"
    field_key: str = ""

    @property
    def text(self) -> str:
        return "\n".join("".join(r.text for r in line) for line in self.lines)


@dataclass
class Grid:
    widths: list[float]
    rows: list[list[tuple[int, Cell]]]  # (start column, cell) per row
    header_rows: int = 0
    min_row_mm: list[float] = field(default_factory=list)
    key: str = ""


@dataclass
class Heading:
    text: str
    level: int = 1  # 1: section 一、…; 2: subheading inside a section


@dataclass
class Para:
    text: str
    style: str = "body"  # body | note | help | title | subtitle | authority | small


@dataclass
class CoverLine:
    label: str
    value: str
    ref: str
    help: str = ""


@dataclass
class Cover:
    title: str
    subtitle: str
    lines: list[CoverLine]
    authority: str


@dataclass
class Block:
    item: Heading | Para | Grid | Cover
    new_page: bool = False


@dataclass(frozen=True)
class FormMeta:
    """What the renderer needs beyond the values (for the file, not printed as data)."""

    reference: str = ""  # e.g. filing number, printed in the document properties
    draft: bool = False  # prints “草稿” beside the title
    cluster_name: str = ""


@dataclass(frozen=True)
class EvidenceRef:
    """One evidence file as the form cites it."""

    title: str
    field_key: str = ""  # "<field>" or "<field>.<option>"
    pages: str = ""  # 佐证页码, e.g. "P3–P5" (empty when not bundled)
    filename: str = ""


# ---- value formatting -----------------------------------------------------------------------------

CN_NUM = "一二三四五六七八九十"


def cn_numeral_value(text: str) -> int | None:
    """一 → 1 … 十九 → 19 (enough for section numbers)."""
    if not text:
        return None
    if text == "十":
        return 10
    if text.startswith("十"):
        rest = CN_NUM.find(text[1]) + 1 if len(text) > 1 else 0
        return 10 + rest
    if len(text) == 1 and text in CN_NUM:
        return CN_NUM.index(text) + 1
    if len(text) >= 2 and text[1] == "十":
        tens = CN_NUM.index(text[0]) + 1
        ones = CN_NUM.index(text[2]) + 1 if len(text) > 2 else 0
        return tens * 10 + ones
    return None


def no_page_run_sections(template: Template) -> set[str]:
    """Section numbers that must not share pages (“其中一至七部分不得串页”)."""
    out: set[str] = set()
    for text in template.instructions:
        m = re.search(r"其中([一二三四五六七八九十]+)至([一二三四五六七八九十]+)部分不得串页", text)
        if not m:
            continue
        lo, hi = cn_numeral_value(m.group(1)), cn_numeral_value(m.group(2))
        if lo is None or hi is None:
            continue
        for s in template.sections:
            n = cn_numeral_value(s.number)
            if n is not None and lo <= n <= hi:
                out.add(s.number)
    return out


def _years_of_section(section: Section) -> tuple[int, ...]:
    years: list[int] = []
    for f in section.fields:
        if f.kind in ("year_series", "standards_matrix"):
            for y in f.years:
                if y not in years:
                    years.append(y)
    return tuple(sorted(years))


def _label_text(f: Field) -> str:
    text = f.label
    if f.help.startswith("（") and f.kind != "checkboxes":
        text += "\n" + f.help
    return text


def _footnote_number(f: Field) -> str:
    m = re.match(r"\s*(\d+)", f.footnote)
    return m.group(1) if m else ""


# ---- building -------------------------------------------------------------------------------------


class _Builder:
    def __init__(
        self,
        template: Template,
        values: Mapping[str, Any],
        meta: FormMeta,
        evidence: Sequence[EvidenceRef],
    ) -> None:
        self.t = template
        self.v = values
        self.meta = meta
        self.evidence = list(evidence)
        self.blocks: list[Block] = []
        try:
            self.computed = compute(template, values)
        except Exception:
            self.computed = {}

    # evidence citations
    def pages_for(self, key: str) -> str:
        pages = [
            e.pages for e in self.evidence if e.pages and (e.field_key == key or e.field_key.startswith(key + "."))
        ]
        return "、".join(pages)

    def evidence_for(self, key: str) -> list[EvidenceRef]:
        return [e for e in self.evidence if e.field_key == key or e.field_key.startswith(key + ".")]

    def applies(self, f: Field) -> bool | None:
        """Whether a conditional field (visible_when) applies to these values: None for the blank
        form or while the answer it depends on is blank."""
        if not f.visible_when:
            return True
        if not self.v:
            return None
        try:
            return bool(evaluate(f.visible_when, self._resolve))
        except MissingValue:
            return None
        except FormulaError:
            return True

    def _resolve(self, ref: Ref) -> Any:
        f = self.t.fields.get(ref.name)
        raw = self.v.get(ref.name)
        if f is None or raw is None or raw == "":
            return None
        if f.kind in ("text", "narrative", "date", "choice"):
            return str(raw).strip() or None
        if f.kind == "checkboxes":
            return tuple(raw.get("checked") or ()) if isinstance(raw, dict) else None
        node: Any = raw
        for part in ref.path:
            node = node.get(str(part)) if isinstance(node, dict) else None
        return parse_decimal(node) if isinstance(node, str | int) else None

    def attachment_text(self, f: Field) -> str:
        """What an attachment row (e.g. 情况说明) prints in its value cell."""
        applies = self.applies(f)
        if applies is None:
            return ""
        if not applies:
            return NONE_MARK
        refs = self.evidence_for(f.key)
        pages = "、".join(e.pages for e in refs if e.pages)
        if pages:
            return f"见佐证材料 {pages}"
        if refs:
            return "见佐证材料：" + "、".join(e.title for e in refs)
        return "未附" if self.v else ""

    def add(self, item: Heading | Para | Grid | Cover, new_page: bool = False) -> None:
        self.blocks.append(Block(item, new_page))

    def build(self) -> list[Block]:
        sections = list(self.t.sections)
        if sections and not sections[0].number:
            self.cover(sections.pop(0))
        else:
            self.add(Cover(self.t.title, self.t.subtitle, [], self.t.authority))
        if self.t.instructions:
            self.add(Heading("填报说明", level=0), new_page=True)
            for i, text in enumerate(self.t.instructions, start=1):
                self.add(Para(f"{i}.{text}"))
        no_run = no_page_run_sections(self.t)
        previous_isolated = True
        for s in sections:
            isolated = s.number in no_run
            self.section(s, new_page=isolated or previous_isolated or not no_run)
            previous_isolated = isolated
        if self.t.indicator_notes:
            self.add(Heading("部分指标填报说明和要求", level=0), new_page=True)
            for i, text in enumerate(self.t.indicator_notes, start=1):
                self.add(Para(f"{i}.{text}"))
        if self.evidence:
            self.evidence_list()
        return self.blocks

    def cover(self, s: Section) -> None:
        lines = []
        for f in s.fields:
            raw = self.v.get(f.key)
            value = cn_date_text(raw) if f.kind == "date" else plain(raw)
            help_text = f.help if f.help.startswith("（") else ""
            lines.append(CoverLine(f.label, value, f.key, help_text))
        self.add(Cover(self.t.title, self.t.subtitle, lines, self.t.authority))

    # -- sections
    def section(self, s: Section, new_page: bool) -> None:
        self.add(Heading(s.heading), new_page=new_page)
        if s.help:
            self.add(Para(s.help, "help"))
        years = _years_of_section(s)
        sub = 3 if any(f.kind == "standards_matrix" for f in s.fields) else 1
        grid = _SectionGrid(self, years, sub, s.key)
        footnotes: list[str] = []
        for f in s.fields:
            if f.footnote:
                footnotes.append(f.footnote)
            if f.kind in ("target_table", "row_table"):
                grid.flush()
                self.standalone_table(f)
            elif f.kind == "narrative":
                grid.narrative(f)
            else:
                grid.field(f)
        grid.flush()
        for note in footnotes:
            self.add(Para(note, "small"))

    def standalone_table(self, f: Field) -> None:
        if f.group:
            self.add(Heading(f.group, level=2))
        self.add(Heading(f.label, level=2))
        if f.help:
            self.add(Para(f.help, "help"))
        if f.kind == "target_table":
            self.add(self.target_grid(f))
        else:
            self.add(self.row_grid(f))
        if f.note:
            self.add(Para(f.note, "note"))

    def target_grid(self, f: Field) -> Grid:
        raw = self.v.get(f.key) or {}
        fixed = raw.get("fixed", {}) if isinstance(raw, dict) else {}
        added = raw.get("added", []) if isinstance(raw, dict) else []
        cols = list(f.columns)
        widths = [1.3, 2.6, *([1.2] * len(cols))]
        head: list[tuple[int, Cell]] = [
            (0, _cell("方向", kind="head")),
            (1, _cell("指标", kind="head")),
            *[(2 + i, _cell(c.label, kind="head")) for i, c in enumerate(cols)],
        ]
        entries: list[tuple[str, str, str, dict[str, Any]]] = []  # direction, label, ref-prefix, values
        directions: list[str] = []
        for r in f.rows:
            if r.direction not in directions:
                directions.append(r.direction)
        for a in added:
            d = str(a.get("direction", "")) if isinstance(a, dict) else ""
            if d and d not in directions:
                directions.append(d)
        for d in directions:
            for r in f.rows:
                if r.direction == d:
                    label = r.label + (f"（{r.unit}）" if r.unit else "")
                    entries.append((d, label, f"{f.key}[fixed][{r.key}]", fixed.get(r.key, {}) or {}))
            for i, a in enumerate(added):
                if isinstance(a, dict) and a.get("direction") == d:
                    label = str(a.get("label", "")) + (f"（{a['unit']}）" if a.get("unit") else "")
                    entries.append((d, label, f"{f.key}[added][{i}]", a))
        rows: list[list[tuple[int, Cell]]] = [head]
        i = 0
        while i < len(entries):
            d = entries[i][0]
            j = i
            while j + 1 < len(entries) and entries[j + 1][0] == d:
                j += 1
            for k in range(i, j + 1):
                _, label, prefix, vals = entries[k]
                row: list[tuple[int, Cell]] = []
                if k == i:
                    row.append((0, _cell(d, kind="label", rowspan=j - i + 1, align="center")))
                row.append((1, _cell(label, kind="label", ref=f"{prefix}[label]" if "[added]" in prefix else "")))
                for c_i, c in enumerate(cols):
                    row.append((2 + c_i, _cell(plain(vals.get(c.key)), ref=f"{prefix}[{c.key}]", align="center")))
                rows.append(row)
            i = j + 1
        return Grid(widths, rows, header_rows=1, key=f.key)

    def row_grid(self, f: Field) -> Grid:
        raw = self.v.get(f.key) or {}
        data_rows = raw.get("rows", []) if isinstance(raw, dict) else []
        none = isinstance(raw, dict) and raw.get("none")
        cols = list(f.columns)
        widths = [0.6] + [max(1.0, min(3.0, len(c.label) / 4)) for c in cols]
        two_level = any(c.group for c in cols)
        rows: list[list[tuple[int, Cell]]] = []
        if two_level:
            top: list[tuple[int, Cell]] = [(0, _cell("序号", kind="head", rowspan=2))]
            bottom: list[tuple[int, Cell]] = []
            i = 0
            while i < len(cols):
                g = cols[i].group
                j = i
                if g:
                    while j + 1 < len(cols) and cols[j + 1].group == g:
                        j += 1
                    top.append((1 + i, _cell(g, kind="head", colspan=j - i + 1)))
                    for k in range(i, j + 1):
                        bottom.append((1 + k, _cell(cols[k].label, kind="head")))
                else:
                    top.append((1 + i, _cell(cols[i].label, kind="head", rowspan=2)))
                i = j + 1
            rows += [top, bottom]
        else:
            rows.append(
                [(0, _cell("序号", kind="head"))] + [(1 + i, _cell(c.label, kind="head")) for i, c in enumerate(cols)]
            )
        header_rows = len(rows)
        if none:
            rows.append([(0, _cell(NONE_MARK, ref=f"{f.key}[none]", colspan=len(cols) + 1, align="center"))])
        count = max(len(data_rows), f.min_rows or 0, 3 if not data_rows else 0)
        for n in range(count if not none else 0):
            vals = data_rows[n] if n < len(data_rows) and isinstance(data_rows[n], dict) else {}
            row = [(0, _cell(str(n + 1), kind="label", align="center"))]
            for i, c in enumerate(cols):
                row.append((1 + i, _cell(column_text(c, vals.get(c.key)), ref=f"{f.key}[rows][{n}][{c.key}]")))
            rows.append(row)
        total_cols = [i for i, c in enumerate(cols) if c.total]
        if total_cols and data_rows and not none:
            row = [(0, _cell("合计", kind="label", align="center"))]
            for i, c in enumerate(cols):
                if c.total:
                    s = Decimal(0)
                    for r in data_rows:
                        try:
                            s += Decimal(str(r.get(c.key) or 0))
                        except (ArithmeticError, ValueError):
                            continue
                    row.append((1 + i, _cell(f"{s:.2f}", kind="label", align="center")))
                else:
                    row.append((1 + i, _cell("", kind="label")))
            rows.append(row)
        return Grid(widths, rows, header_rows=header_rows, key=f.key)

    def evidence_list(self) -> None:
        self.add(Heading("佐证材料目录", level=0), new_page=True)
        rows: list[list[tuple[int, Cell]]] = [
            [
                (0, _cell("序号", kind="head")),
                (1, _cell("材料名称", kind="head")),
                (2, _cell("对应填报项", kind="head")),
                (3, _cell("佐证页码", kind="head")),
            ]
        ]
        for i, e in enumerate(self.evidence, start=1):
            rows.append(
                [
                    (0, _cell(str(i), kind="label", align="center")),
                    (1, _cell(e.title)),
                    (2, _cell(self.slot_label(e.field_key))),
                    (3, _cell(e.pages or "见附件", align="center")),
                ]
            )
        self.add(Grid([0.6, 3.4, 3.4, 1.2], rows, header_rows=1, key="_evidence"))

    def slot_label(self, slot: str) -> str:
        if not slot:
            return ""
        key, _, option = slot.partition(".")
        f = self.t.fields.get(key)
        if f is None:
            return slot
        if option:
            o = f.option(option)
            return f"{f.label}：{o.label}" if o else f.label
        return f.label


def _cell(
    text: str = "", *, kind: str = "value", ref: str = "", colspan: int = 1, rowspan: int = 1, align: str = "left"
) -> Cell:
    lines = [[Run(line)] for line in text.split("\n")] if text else []
    return Cell(lines=lines, ref=ref, kind=kind, colspan=colspan, rowspan=rowspan, align=align)


class _SectionGrid:
    """Accumulates the rows of one section's grid (label area + value area)."""

    def __init__(self, b: _Builder, years: tuple[int, ...], sub: int, key: str) -> None:
        self.b = b
        self.years = years
        self.sub = sub
        self.key = key
        self.vcols = max(1, len(years)) * sub
        self.rows: list[list[tuple[int, Cell]]] = []
        self.heights: list[float] = []
        self.header = 0
        self.counter = 0
        if years:
            self.year_header()

    @property
    def ncols(self) -> int:
        return 2 + self.vcols

    def year_header(self) -> None:
        row: list[tuple[int, Cell]] = [(0, _cell("年度", kind="head", colspan=2))]
        for i, y in enumerate(self.years):
            row.append((2 + i * self.sub, _cell(f"{y}年", kind="head", colspan=self.sub, align="center")))
        self.rows.append(row)
        self.heights.append(0)
        self.header = 1

    def flush(self) -> None:
        if len(self.rows) > self.header:
            self.counter += 1
            label = [1.5, 1.6] if self.sub > 1 else [2.0, 2.4]
            widths = label + [(10 - sum(label)) / self.vcols] * self.vcols
            grid = Grid(
                widths, self.rows, header_rows=self.header, min_row_mm=self.heights, key=f"{self.key}#{self.counter}"
            )
            self.b.add(grid)
        self.rows, self.heights, self.header = [], [], 0
        if self.years:
            self.year_header()

    def _label_cells(self, f: Field, rowspan: int = 1) -> list[tuple[int, Cell]]:
        label = _label_text(f)
        n = _footnote_number(f)
        if n:
            label = f"{label}（注{n}）" if "\n" not in label else label.replace("\n", f"（注{n}）\n", 1)
        if f.group:
            prev = self._group_cell(f.group)
            cells = [] if prev else [(0, _cell(f.group, kind="label"))]
            cells.append((1, _cell(label, kind="label", rowspan=rowspan)))
            cells[-1][1].field_key = f.key
            return cells
        c = _cell(label, kind="label", colspan=2, rowspan=rowspan)
        c.field_key = f.key
        return [(0, c)]

    def _group_cell(self, group: str) -> Cell | None:
        """Extend the group cell of the previous rows (vertical merge) when the group continues."""
        for row in reversed(self.rows):
            for col, cell in row:
                if col == 0 and cell.kind == "label" and cell.colspan == 1:
                    if cell.text == group:
                        cell.rowspan += 1
                        return cell
                    return None
                if col == 0:
                    return None
        return None

    def _value(self, text_or_cell: str | Cell, f: Field, ref: str) -> list[tuple[int, Cell]]:
        cell = text_or_cell if isinstance(text_or_cell, Cell) else _cell(text_or_cell, ref=ref)
        cell.ref = cell.ref or ref
        cell.colspan = self.vcols
        cell.field_key = f.key
        return [(2, cell)]

    def _with_notes(self, cell: Cell, f: Field) -> Cell:
        pages = self.b.pages_for(f.key) if f.evidence or f.kind == "checkboxes" else ""
        if f.note:
            cell.lines.append([Run(f.note)])
        if pages:
            cell.lines.append([Run(f"（佐证材料：{pages}）")])
        return cell

    def add_row(self, cells: list[tuple[int, Cell]], height: float = 0) -> None:
        self.rows.append(cells)
        self.heights.append(height)

    def field(self, f: Field) -> None:
        v = self.b.v.get(f.key)
        kind = f.kind
        if kind == "year_series":
            series = v if isinstance(v, dict) else {}
            cells = self._label_cells(f)
            for i, y in enumerate(self.years):
                if y in f.years:
                    c = _cell(plain(series.get(str(y))), ref=f"{f.key}[{y}]", colspan=self.sub, align="center")
                else:
                    c = _cell("—", kind="label", colspan=self.sub, align="center")
                c.field_key = f.key
                cells.append((2 + i * self.sub, c))
            pages = self.b.pages_for(f.key)
            if f.note or pages:
                self.add_row(cells)
                note = (f.note + (f"（佐证材料：{pages}）" if pages else "")).strip()
                self.add_row(
                    [(0, _cell("", kind="label", colspan=2)), (2, _cell(note, kind="note", colspan=self.vcols))]
                )
            else:
                self.add_row(cells)
            return
        if kind == "standards_matrix":
            self.matrix(f, v if isinstance(v, dict) else {})
            return
        if kind == "checkboxes":
            cell = self.checkbox_cell(f, v if isinstance(v, dict) else {})
        elif kind == "choice":
            cell = self.choice_cell(f, v)
        elif kind == "count_names":
            d = v if isinstance(v, dict) else {}
            if v == NONE_MARK or d.get("none"):
                cell = Cell(lines=[[Run("数量：0 个")], [Run("名称：无")]], ref=f.key)
            else:
                cell = Cell(
                    lines=[[Run(f"数量：{plain(d.get('count'))} 个")], [Run(f"名称：{plain(d.get('names'))}")]],
                    ref=f.key,
                )
        elif kind == "declaration":
            cell = self.declaration_cell(f, v if isinstance(v, dict) else {})
        elif kind == "computed":
            comp = self.b.computed.get(f.key)
            text = f"{comp.value:.2f}" if comp is not None and comp.value is not None else ""
            cell = _cell(text, ref=f.key, align="center")
        elif kind == "attachment":
            cell = _cell(self.b.attachment_text(f), ref=f.key)
        elif self.b.applies(f) is False:
            cell = _cell(NONE_MARK, ref=f.key)
        elif kind == "date":
            cell = _cell(cn_date_text(v), ref=f.key)
        elif kind == "number":
            text = plain(v)
            if f.unit == "个" and text and text != NONE_MARK:
                text = f"{text} 个"
            cell = _cell(text, ref=f.key, align="center" if self.years else "left")
        else:
            cell = _cell(plain(v), ref=f.key)
        self._with_notes(cell, f)
        height = 40.0 if kind == "declaration" else (24.0 if kind == "text" and (f.max_chars or 0) > 200 else 0.0)
        self.add_row(self._label_cells(f) + self._value(cell, f, f.key), height)

    def narrative(self, f: Field) -> None:
        if f.group:
            self.add_row([(0, _cell(f.group, kind="label", colspan=self.ncols))])
        head = f.label + (f"（{f.max_chars}字以内）" if f.max_chars and not self.b_section_limit(f) else "")
        label = _cell(head, kind="label", colspan=self.ncols)
        label.field_key = f.key
        if f.help:
            label.lines.append([Run(f.help)])
        self.add_row([(0, label)])
        text = NONE_MARK if self.b.applies(f) is False else plain(self.b.v.get(f.key))
        value = _cell(text, ref=f.key, colspan=self.ncols)
        value.field_key = f.key
        self.add_row([(0, value)], 30.0)

    def b_section_limit(self, f: Field) -> bool:
        # The section heading already says “（2000 字以内）”: do not repeat it on every part.
        for s in self.b.t.sections:
            if f in s.fields:
                return bool(s.max_chars and s.max_chars == f.max_chars)
        return False

    def checkbox_cell(self, f: Field, v: dict[str, Any]) -> Cell:
        checked = set(v.get("checked") or [])
        counts = v.get("counts") or {}
        cell = Cell(ref=f.key)
        if f.help and not f.help.startswith("（"):
            cell.lines.append([Run(f.help)])
        long = any(len(o.label) > 8 for o in f.options)
        line: list[Run] = []
        for o in f.options:
            runs = [Run("", box=o.key in checked), Run(o.label)]
            if o.text:
                other = plain(v.get("other_text")) if o.key in checked else ""
                runs.append(Run(f"：{other}" if other else "："))
            if o.count_unit:
                runs.append(Run(f" {plain(counts.get(o.key))} {o.count_unit}"))
            if long:
                cell.lines.append(runs)
            else:
                if line:
                    line.append(Run("  "))
                line.extend(runs)
                if len([r for r in line if r.box is not None]) == 4:
                    cell.lines.append(line)
                    line = []
        if line:
            cell.lines.append(line)
        if v.get("none"):
            cell.lines.append([Run(NONE_MARK)])
        return cell

    def choice_cell(self, f: Field, v: Any) -> Cell:
        cell = Cell(ref=f.key)
        inline = len(f.options) <= 3 and all(len(o.label) <= 4 for o in f.options) and bool(self.years)
        line: list[Run] = []
        for o in f.options:
            runs = [Run("", box=(v == o.key)), Run(o.label)]
            if inline:
                if line:
                    line.append(Run("  "))
                line.extend(runs)
            else:
                cell.lines.append(runs)
        if line:
            cell.lines.append(line)
        return cell

    def declaration_cell(self, f: Field, v: dict[str, Any]) -> Cell:
        cell = Cell(ref=f.key)
        if f.statement:
            cell.lines.append([Run(f.statement)])
        cell.lines.append([Run("")])
        signatures = v.get("signatures") or {}
        for i, signer in enumerate(f.signers):
            cell.lines.append([Run(f"{signer}：{plain(signatures.get(str(i)))}")])
            cell.lines.append([Run("")])
        when = cn_date_text(v.get("date")) or "年    月    日"
        cell.lines.append([Run(when)])
        return cell

    def matrix(self, f: Field, v: dict[str, Any]) -> None:
        label = self._label_cells(f, rowspan=1 + len(STANDARD_CATEGORIES))
        head = list(label)
        for i, _y in enumerate(self.years):
            base = 2 + i * self.sub
            head.append((base, _cell("类别", kind="head", align="center")))
            for r_i, (_k, role_label) in enumerate(STANDARD_ROLES):
                head.append((base + 1 + r_i, _cell(role_label, kind="head", align="center")))
        self.add_row(head)
        for cat_key, cat_label in STANDARD_CATEGORIES:
            row: list[tuple[int, Cell]] = []
            for i, y in enumerate(self.years):
                base = 2 + i * self.sub
                yv = v.get(str(y))
                year_vals: dict[str, Any] = yv if isinstance(yv, dict) else {}
                cv = year_vals.get(cat_key)
                cat_vals: dict[str, Any] = cv if isinstance(cv, dict) else {}
                row.append((base, _cell(cat_label, kind="label", align="center")))
                for r_i, (role_key, _l) in enumerate(STANDARD_ROLES):
                    c = _cell(plain(cat_vals.get(role_key)), ref=f"{f.key}[{y}][{cat_key}][{role_key}]", align="center")
                    c.field_key = f.key
                    row.append((base + 1 + r_i, c))
            self.add_row(row)
        pages = self.b.pages_for(f.key)
        if f.note or pages:
            note = (f.note + (f"（佐证材料：{pages}）" if pages else "")).strip()
            self.add_row([(0, _cell("", kind="label", colspan=2)), (2, _cell(note, kind="note", colspan=self.vcols))])


def build_layout(
    template: Template,
    values: Mapping[str, Any] | None = None,
    meta: FormMeta | None = None,
    evidence: Sequence[EvidenceRef] = (),
) -> list[Block]:
    """The printed form as blocks; `values` empty gives the blank form."""
    return _Builder(template, values or {}, meta or FormMeta(), evidence).build()


def grid_matrix(grid: Grid) -> list[list[Cell | None]]:
    """Physical grid: for each row and column the cell whose top-left is there (None when covered)."""
    ncols = len(grid.widths)
    out: list[list[Cell | None]] = [[None] * ncols for _ in grid.rows]
    for r, row in enumerate(grid.rows):
        for c, cell in row:
            out[r][c] = cell
    return out
