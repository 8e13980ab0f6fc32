"""Word import (Word 导入): read a filled official form (.docx) back into values.

The operator filled the blank that `render_form_docx(template)` produces (or the same form
re-saved by WPS/LibreOffice). The reader rebuilds the blank layout of the same template and
walks it beside the document: cover lines by their label, then table i of the layout against
table i of the document, row by row (checked against the row's label; a row moved by an added
blank line is found by its label), cell by physical grid column (gridSpan/vMerge resolved).

`import_docx(template, file) -> (values, provenance, unreadable)`:
- values: the definitions' value format (numbers as typed Decimal strings, ISO dates, option keys);
- provenance: {path: {"label", "source", "text"}} — each value beside its source cell;
- unreadable: [{"path", "label", "source", "text", "reason"}] — cells that could not be read.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import IO, Any

from docx import Document
from docx.oxml.ns import qn

from apps.core.errors import ServiceError
from apps.filings.definitions import NONE_MARK, Column, Field, Template

from .layout import Cell, Cover, Grid, build_layout

CHECKED = set("☑☒✓✔√■▣◼⊠✅")
UNCHECKED = set("☐□◻")
# Word symbol fonts: (font, char code) → mark
SYMBOLS = {
    ("wingdings 2", "f052"): "☑",
    ("wingdings 2", "f053"): "☒",
    ("wingdings 2", "f0a3"): "☐",
    ("wingdings 2", "f02a"): "☐",
    ("wingdings", "f0fe"): "☑",
    ("wingdings", "f078"): "☒",
    ("wingdings", "f0a8"): "☐",
    ("wingdings", "f06f"): "☐",
}
FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋％", "0123456789.,-+%")


@dataclass
class _DocCell:
    text: str
    row: int
    col: int


def _para_text(p: Any) -> str:
    out = []
    for el in p.iter():
        if el.tag == qn("w:t") and el.text:
            out.append(el.text)
        elif el.tag == qn("w:tab"):
            out.append("\t")
        elif el.tag == qn("w:br"):
            out.append("\n")
        elif el.tag == qn("w:sym"):
            key = ((el.get(qn("w:font")) or "").lower(), (el.get(qn("w:char")) or "").lower())
            out.append(SYMBOLS.get(key, ""))
    return "".join(out)


def _cell_text(tc: Any) -> str:
    return "\n".join(_para_text(p) for p in tc.iter(qn("w:p")))


def _table_grid(tbl: Any) -> list[dict[int, _DocCell]]:
    """{row: {start column: cell}} for the cells that start there (continuations of vMerge skipped)."""
    rows: list[dict[int, _DocCell]] = []
    for tr in tbl.iter(qn("w:tr")):
        if tr.getparent() is not tbl:
            continue
        col = 0
        row: dict[int, _DocCell] = {}
        grid_before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
        if grid_before is not None:
            col += int(grid_before.get(qn("w:val")) or 0)
        for tc in tr.findall(qn("w:tc")):
            pr = tc.find(qn("w:tcPr"))
            span = 1
            continuation = False
            if pr is not None:
                gs = pr.find(qn("w:gridSpan"))
                if gs is not None:
                    span = int(gs.get(qn("w:val")) or 1)
                vm = pr.find(qn("w:vMerge"))
                if vm is not None and (vm.get(qn("w:val")) or "continue") == "continue":
                    continuation = True
            if not continuation:
                row[col] = _DocCell(_cell_text(tc), len(rows), col)
            col += span
        rows.append(row)
    return rows


def _norm(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


def _label_of(row: list[tuple[int, Cell]]) -> str:
    for _, cell in row:
        if cell.kind in ("label", "head") and cell.text:
            return _norm(cell.text)
    return ""


def _doc_row_label(row: dict[int, _DocCell]) -> str:
    for col in sorted(row):
        if row[col].text.strip():
            return _norm(row[col].text)
    return ""


# ---- value parsing -----------------------------------------------------------------------------


class Unreadable(Exception):
    pass


def parse_number(text: str) -> str:
    t = text.translate(FULLWIDTH).strip()
    t = re.sub(r"(个|家|项|人|万元|亿元|%)$", "", t).strip()
    t = t.replace(",", "").replace(" ", "")
    if t in ("", "/", "—", "-"):
        return ""
    if t == NONE_MARK:
        return NONE_MARK
    try:
        d = Decimal(t)
    except InvalidOperation as exc:
        raise Unreadable(f"“{text.strip()}”不是数字") from exc
    if not d.is_finite():
        raise Unreadable(f"“{text.strip()}”不是数字")
    return t


def parse_date(text: str) -> str:
    t = text.translate(FULLWIDTH).strip()
    if not t or re.fullmatch(r"年\s*月\s*日", t):
        return ""
    m = re.search(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})", t)
    if not m:
        raise Unreadable(f"“{t}”不是日期（应为“2025年5月15日”）")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError as exc:
        raise Unreadable(f"“{t}”不是有效日期") from exc


def _marks(text: str, labels: list[str]) -> list[tuple[bool | None, int, int]]:
    """For each label in order: (checked?, start, end) by the mark right before it."""
    out: list[tuple[bool | None, int, int]] = []
    pos = 0
    for label in labels:
        i = text.find(label, pos)
        if i < 0:
            out.append((None, -1, -1))
            continue
        j = i - 1
        while j >= 0 and text[j] in " \t\u3000":
            j -= 1
        mark = text[j] if j >= 0 else ""
        state: bool | None = True if mark in CHECKED else (False if mark in UNCHECKED else None)
        out.append((state, i, i + len(label)))
        pos = i + len(label)
    return out


def _strip_notes(text: str, f: Field) -> str:
    lines = [
        ln for ln in text.split("\n") if ln.strip() and ln.strip() != f.note and not ln.strip().startswith("（佐证材料")
    ]
    return "\n".join(lines).strip()


def parse_choice(text: str, f: Field) -> str:
    states = _marks(text, [o.label for o in f.options])
    picked = [o.key for o, (s, _a, _b) in zip(f.options, states, strict=True) if s]
    if len(picked) > 1:
        raise Unreadable("勾选了多个选项，只能选一项")
    if not picked and any(s is None for s, _a, _b in states):
        raise Unreadable("选项框无法识别（请用☑勾选）")
    return picked[0] if picked else ""


def parse_checkboxes(text: str, f: Field) -> dict[str, Any]:
    states = _marks(text, [o.label for o in f.options])
    if any(s is None for s, _a, _b in states) and not any(s for s, _a, _b in states):
        raise Unreadable("选项框无法识别（请用☑勾选）")
    checked: list[str] = []
    out: dict[str, Any] = {}
    counts: dict[str, str] = {}
    for n, (o, (state, _start, end)) in enumerate(zip(f.options, states, strict=True)):
        if not state:
            continue
        checked.append(o.key)
        nxt = [s for _st, s, _e in states[n + 1 :] if s >= 0]
        stop = min(nxt) if nxt else len(text)
        tail = text[end:stop]
        # cut the tail at the next box mark or line end
        tail = re.split(r"[\n☐☑☒□■√✓✔]", tail)[0]
        if o.text:
            other = tail.strip().lstrip("：:").strip()
            if other:
                out["other_text"] = other
        if o.count_unit:
            m = re.search(r"([\d.,０-９]+)\s*" + re.escape(o.count_unit), tail)
            if m:
                counts[o.key] = parse_number(m.group(1))
    out["checked"] = checked
    if counts:
        out["counts"] = counts
    if not checked and _norm(text).endswith(NONE_MARK):
        out["none"] = True
    return out


def parse_count_names(text: str) -> dict[str, str] | str:
    t = text.translate(FULLWIDTH)
    m_count = re.search(r"数量[：:]\s*([^\s个]*)\s*个?", t)
    m_names = re.search(r"名称[：:]\s*(.*)", t)
    count = parse_number(m_count.group(1)) if m_count and m_count.group(1) else ""
    names = m_names.group(1).strip() if m_names else ""
    if not count and not names:
        return {}
    return {"count": count, "names": names}


def parse_declaration(text: str, f: Field) -> dict[str, Any]:
    signatures: dict[str, str] = {}
    for i, signer in enumerate(f.signers):
        m = re.search(re.escape(signer) + r"[：:][ \t\u3000]*([^\n]*)", text)
        if m and m.group(1).strip():
            signatures[str(i)] = m.group(1).strip()
    out: dict[str, Any] = {}
    if signatures:
        out["signatures"] = signatures
    m = re.search(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", text)
    if m:
        out["date"] = parse_date(m.group(0))
    return out


# ---- the walk ----------------------------------------------------------------------------------

_REF = re.compile(r"^([a-z0-9_]+)((?:\[[^\]]*\])*)$")


def _split_ref(ref: str) -> tuple[str, list[str]]:
    m = _REF.match(ref)
    if not m:
        return ref, []
    return m.group(1), re.findall(r"\[([^\]]*)\]", m.group(2))


def _human(template: Template, ref: str) -> str:
    key, parts = _split_ref(ref)
    f = template.fields.get(key)
    label = f.label if f else key
    extra = []
    for p in parts:
        if p.isdigit() and len(p) == 4:
            extra.append(f"{p}年")
        elif f is not None and f.kind == "target_table":
            row = next((r for r in f.rows if r.key == p), None)
            col = next((c for c in f.columns if c.key == p), None)
            if row:
                extra.append(f"{row.direction}·{row.label}")
            elif col:
                extra.append(col.label)
        elif f is not None and f.kind == "standards_matrix":
            from apps.filings.definitions.types import STANDARD_CATEGORIES, STANDARD_ROLES

            extra.append(dict(STANDARD_CATEGORIES + STANDARD_ROLES).get(p, p))
    return label + ("（" + "，".join(extra) + "）" if extra else "")


def _set(values: dict[str, Any], key: str, parts: list[str], value: Any) -> None:
    if not parts:
        values[key] = value
        return
    node = values.setdefault(key, {})
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


def import_docx(
    template: Template, file: bytes | IO[bytes]
) -> tuple[dict[str, Any], dict[str, dict[str, str]], list[dict[str, str]]]:
    data = file if isinstance(file, bytes) else file.read()
    try:
        doc = Document(BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ServiceError(
            "上传的文件不是有效的 Word（.docx）文件；.doc 格式请先在 Word 中另存为 .docx。", field="file"
        ) from exc

    values: dict[str, Any] = {}
    provenance: dict[str, dict[str, str]] = {}
    unreadable: list[dict[str, str]] = []
    blocks = build_layout(template, {})

    def record(ref: str, text: str, source: str, parse: Any) -> None:
        key, parts = _split_ref(ref)
        f = template.fields.get(key)
        if f is None or f.kind in ("computed", "attachment"):
            return
        try:
            value = parse(text, f, parts)
        except Unreadable as exc:
            unreadable.append(
                {
                    "path": ref,
                    "label": _human(template, ref),
                    "source": source,
                    "text": text.strip(),
                    "reason": str(exc),
                }
            )
            return
        if value in ("", None, {}) or value == {"checked": []}:
            return
        _set(values, key, parts, value)
        provenance[ref] = {"label": _human(template, ref), "source": source, "text": text.strip()}

    # cover: "label：value" paragraphs before the first table
    cover = next((b.item for b in blocks if isinstance(b.item, Cover)), None)
    if cover is not None:
        paragraphs = [_para_text(p._p) for p in doc.paragraphs]
        for line in cover.lines:
            prefix = _norm(line.label) + "："
            hit = next((t for t in paragraphs if _norm(t).startswith(prefix)), None)
            if hit is None:
                if line.ref in template.fields:
                    unreadable.append(
                        {
                            "path": line.ref,
                            "label": line.label,
                            "source": "封面",
                            "text": "",
                            "reason": "封面上找不到该栏目",
                        }
                    )
                continue
            raw = hit.split("：", 1)[1] if "：" in hit else hit.split(":", 1)[-1]
            record(line.ref, raw.strip(" \u3000"), "封面", _parse_cell)

    grids = [b.item for b in blocks if isinstance(b.item, Grid)]
    tables = [t._tbl for t in doc.tables]
    if len(tables) < len(grids):
        unreadable.append(
            {
                "path": "",
                "label": "表格",
                "source": "全文",
                "text": "",
                "reason": f"文档中只有{len(tables)}个表格，空白表有{len(grids)}个：表格样式被改动，部分内容无法读取",
            }
        )
    for t_index, (grid, tbl) in enumerate(zip(grids, tables, strict=False)):
        doc_rows = _table_grid(tbl)
        row_table = template.fields.get(grid.key)
        if row_table is not None and row_table.kind == "row_table":
            _read_row_table(template, row_table, grid, doc_rows, values, provenance, unreadable, t_index)
            continue
        doc_labels = [_doc_row_label(r) for r in doc_rows]
        offset = 0
        matched: set[int] = set()
        for r, row in enumerate(grid.rows):
            label = _label_of(row)
            target = r + offset
            if label and (target >= len(doc_rows) or doc_labels[target] != label):
                found = next((i for i in range(len(doc_rows)) if doc_labels[i] == label and i >= r), None)
                if found is not None:
                    offset = found - r
                    target = found
            matched.add(target)
            # Cells are matched by their order within the row, not by grid column: Word, WPS and
            # LibreOffice may merge grid columns that no row uses on their own.
            doc_cells = [doc_rows[target][c] for c in sorted(doc_rows[target])] if target < len(doc_rows) else []
            for ordinal, (_col, cell) in enumerate(sorted(row, key=lambda pc: pc[0])):
                if not cell.ref:
                    continue
                source = f"第{t_index + 1}个表格 第{target + 1}行 第{ordinal + 1}格"
                doc_cell = doc_cells[ordinal] if ordinal < len(doc_cells) else None
                if doc_cell is None:
                    unreadable.append(
                        {
                            "path": cell.ref,
                            "label": _human(template, cell.ref),
                            "source": source,
                            "text": "",
                            "reason": "表格中找不到该单元格（表格样式被改动）",
                        }
                    )
                    continue
                record(cell.ref, doc_cell.text, source, _parse_cell)
        # rows added by the operator below a target table's fixed rows
        _read_added_target_rows(template, grid, doc_rows, matched, values, provenance, t_index)
    return values, provenance, unreadable


def _parse_cell(text: str, f: Field, parts: list[str]) -> Any:
    text = _strip_notes(text, f)
    kind = f.kind
    if kind in ("year_series", "number"):
        return parse_number(text)
    if kind == "standards_matrix":
        return parse_number(text)
    if kind == "target_table":
        if parts and parts[-1] == "label":
            return text
        row = next((r for r in f.rows if parts and r.key == parts[1]), None) if len(parts) > 1 else None
        if row is not None and row.qualitative:
            return text
        try:
            return parse_number(text)
        except Unreadable:
            return text  # a target may be written in words (e.g. 逐年增加)
    if kind == "row_table":
        return text
    if kind == "date":
        return parse_date(text)
    if kind == "choice":
        return parse_choice(text, f)
    if kind == "checkboxes":
        return parse_checkboxes(text, f)
    if kind == "count_names":
        return parse_count_names(text)
    if kind == "declaration":
        return parse_declaration(text, f)
    return text


def parse_column(text: str, column: Column) -> str:
    """One cell of a row table in the definitions' value format."""
    t = text.strip()
    if column.type in ("number", "percent", "count", "year"):
        return parse_number(t)
    if column.type == "date":
        return parse_date(t)
    if column.type == "choice":
        for o in column.options:
            if _norm(t) in (_norm(o.label), o.key):
                return o.key
        raise Unreadable(f"“{t}”不是可选项（可选：{'、'.join(o.label for o in column.options)}）")
    return t


def _read_row_table(
    template: Template,
    f: Field,
    grid: Grid,
    doc_rows: list[dict[int, _DocCell]],
    values: dict[str, Any],
    provenance: dict[str, dict[str, str]],
    unreadable: list[dict[str, str]],
    t_index: int,
) -> None:
    """A row table (名单/清单) has as many rows as the operator wrote: every document row after the
    header, up to the 合计 row, is one entry (序号 first, then the columns); empty rows are skipped."""
    cols = list(f.columns)
    rows: list[dict[str, str]] = []
    for r in range(grid.header_rows, len(doc_rows)):
        cells = [doc_rows[r][c] for c in sorted(doc_rows[r])]
        if not cells:
            continue
        first = _norm(cells[0].text)
        if first == "合计":
            break
        source = f"第{t_index + 1}个表格 第{r + 1}行"
        if len(cells) == 1 and first == NONE_MARK:
            values[f.key] = {"none": True}
            provenance[f"{f.key}[none]"] = {"label": f"{f.label}（无）", "source": source, "text": NONE_MARK}
            return
        data = cells[1 : 1 + len(cols)]
        if all(not d.text.strip() for d in data):
            continue
        n = len(rows)
        if len(data) < len(cols):
            unreadable.append(
                {
                    "path": f"{f.key}[rows][{n}]",
                    "label": f"{f.label}（第{n + 1}行）",
                    "source": source,
                    "text": " | ".join(d.text.strip() for d in data),
                    "reason": f"该行只有{len(data)}列，表格应有{len(cols)}列（表格样式被改动）",
                }
            )
            continue
        entry: dict[str, str] = {}
        for c_i, (column, cell) in enumerate(zip(cols, data, strict=False)):
            text = cell.text.strip()
            if not text:
                continue
            path = f"{f.key}[rows][{n}][{column.key}]"
            label = f"{f.label}（第{n + 1}行·{column.label}）"
            where = f"{source} 第{c_i + 2}格"
            try:
                entry[column.key] = parse_column(text, column)
            except Unreadable as exc:
                unreadable.append({"path": path, "label": label, "source": where, "text": text, "reason": str(exc)})
                continue
            provenance[path] = {"label": label, "source": where, "text": text}
        rows.append(entry)
    if rows:
        values[f.key] = {"rows": rows}


def _read_added_target_rows(
    template: Template,
    grid: Grid,
    doc_rows: list[dict[int, _DocCell]],
    matched: set[int],
    values: dict[str, Any],
    provenance: dict[str, dict[str, str]],
    t_index: int,
) -> None:
    """Rows the operator added to a target table (鼓励集群根据自身特色增加考核指标): every document row
    that no row of the blank matched, with the direction of the (merged) 方向 cell above it."""
    f = template.fields.get(grid.key)
    if f is None or f.kind != "target_table":
        return
    cols = list(f.columns)
    added: list[dict[str, Any]] = []
    direction = ""
    for r in range(grid.header_rows, len(doc_rows)):
        row = doc_rows[r]
        cells = [row[c] for c in sorted(row)]
        values_start = len(cells) - len(cols)
        if values_start == 2 and cells[0].text.strip():
            direction = cells[0].text.strip()
        if r in matched or values_start < 1:
            continue
        label = cells[values_start - 1].text.strip()
        if not label:
            continue
        entry: dict[str, Any] = {"direction": direction or "其它", "label": label}
        m = re.match(r"^(.*?)（([^（）]+)）$", label)
        if m:
            entry["label"], entry["unit"] = m.group(1), m.group(2)
        for i, c in enumerate(cols):
            cell = cells[values_start + i]
            if cell.text.strip():
                try:
                    entry[c.key] = parse_number(cell.text)
                except Unreadable:
                    entry[c.key] = cell.text.strip()
        n = len(added)
        added.append(entry)
        provenance[f"{f.key}[added][{n}]"] = {
            "label": f"{f.label}（新增：{label}）",
            "source": f"第{t_index + 1}个表格 第{r + 1}行",
            "text": label,
        }
    if added:
        node = values.setdefault(f.key, {})
        node["added"] = [*node.get("added", []), *added]
