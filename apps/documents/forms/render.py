"""The blocks of layout.py printed as .docx (python-docx) and .pdf (WeasyPrint).

Both print the same blocks, so the two files carry the same text in the same places: cover
without page number, then pages numbered "— n —" from 1 (odd right, even left), A4, 仿宋 body,
黑体 section headings, 小标宋 title, ☑/☐ in a symbol font.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from apps.filings.definitions import Template

from .. import docxkit as K
from .. import fonts as F
from ..pdf import html_to_pdf, stylesheet
from .layout import Block, Cell, Cover, EvidenceRef, FormMeta, Grid, Heading, Para, build_layout

MARGINS = {"top": 30.0, "bottom": 28.0, "left": 26.0, "right": 24.0}
TABLE_PT = F.SIZE_XIAOSI
BODY_PT = F.SIZE_SIHAO


def _title(template: Template, meta: FormMeta) -> str:
    return template.title + ("（草稿）" if meta.draft else "")


# ---- .docx ------------------------------------------------------------------------------------


def _docx_cover(doc: Any, cover: Cover, meta: FormMeta) -> None:
    for _ in range(2):
        K.paragraph(doc, "", line_pt=30)
    K.paragraph(
        doc,
        cover.title + ("（草稿）" if meta.draft else ""),
        east_asia=F.XIAOBIAOSONG,
        size=26,
        align="center",
        line_pt=40,
    )
    if cover.subtitle:
        K.paragraph(doc, cover.subtitle, east_asia=F.KAITI, size=F.SIZE_SANHAO, align="center", line_pt=30)
    for _ in range(3):
        K.paragraph(doc, "", line_pt=30)
    for line in cover.lines:
        p = K.paragraph(doc, "", align="left", line_pt=40)
        p.paragraph_format.left_indent = K.Mm(12)
        K.add_text(p, f"{line.label}：", size=F.SIZE_SANHAO)
        value = line.value
        pad = max(0, 18 - len(value)) if value else 20
        K.add_text(
            p,
            value + "\u3000" * (pad // 2 if value else 0) + (" " * pad if not value else ""),
            size=F.SIZE_SANHAO,
            underline=True,
        )
        if line.help:
            h = K.paragraph(doc, line.help, size=F.SIZE_SANHAO, align="left", line_pt=30)
            h.paragraph_format.left_indent = K.Mm(12 + 5.6 * (len(line.label) + 1))
    for _ in range(3):
        K.paragraph(doc, "", line_pt=30)
    if cover.authority:
        K.paragraph(doc, cover.authority, size=F.SIZE_SANHAO, align="center", line_pt=30)


@dataclass(frozen=True)
class _DocxStyles:
    """Style ids of one document's table text (defined once per document, see docxkit)."""

    cell: str
    head: str
    note: str
    box: str

    @classmethod
    def define(cls, doc: Any) -> _DocxStyles:
        return cls(
            cell=K.paragraph_style(doc, "Form Cell", east_asia=F.FANGSONG, size=TABLE_PT),
            head=K.paragraph_style(doc, "Form Head", east_asia=F.HEITI, size=TABLE_PT),
            note=K.paragraph_style(doc, "Form Note", east_asia=F.FANGSONG, size=F.SIZE_WUHAO),
            box=K.character_style(doc, "Check Box", east_asia=F.SYMBOL, latin=F.SYMBOL),
        )


def _docx_cell(tc: Any, c: Cell, styles: _DocxStyles) -> None:
    style = styles.head if c.kind == "head" else (styles.note if c.kind == "note" else styles.cell)
    align = "center" if c.kind == "head" else c.align
    for line in c.lines or [[]]:
        p = K.styled_paragraph(tc, style, align)
        for run in line:
            if run.box is not None:
                K.text_run(p, F.BOX_CHECKED if run.box else F.BOX_EMPTY, styles.box)
            elif run.text:
                K.text_run(p, run.text)


def _tc(width_twips: int, colspan: int, vmerge: str | None) -> Any:
    tc = OxmlElement("w:tc")
    pr = OxmlElement("w:tcPr")
    w = OxmlElement("w:tcW")
    w.set(qn("w:w"), str(width_twips))
    w.set(qn("w:type"), "dxa")
    pr.append(w)
    if colspan > 1:
        gs = OxmlElement("w:gridSpan")
        gs.set(qn("w:val"), str(colspan))
        pr.append(gs)
    if vmerge is not None:
        vm = OxmlElement("w:vMerge")
        if vmerge:
            vm.set(qn("w:val"), vmerge)
        pr.append(vm)
    va = OxmlElement("w:vAlign")
    va.set(qn("w:val"), "center")
    pr.append(va)
    tc.append(pr)
    return tc


def _docx_grid(doc: Any, grid: Grid, width_mm: float, new_page: bool, styles: _DocxStyles) -> None:
    """The grid as a Word table with gridSpan/vMerge written directly (python-docx's merge() is
    quadratic on large tables)."""
    if new_page:
        K.paragraph(doc, "", size=6, page_break_before=True)
    total = sum(grid.widths)
    widths = [width_mm * w / total for w in grid.widths]
    twips = [int(w / 25.4 * 1440) for w in widths]
    ncols = len(widths)
    t = K.table(doc, 0, ncols, widths)
    tbl = t._tbl
    covered: dict[tuple[int, int], tuple[int, bool]] = {}  # (row, col) → (colspan, is_start)
    for r, row in enumerate(grid.rows):
        for col, c in row:
            for rr in range(r, r + c.rowspan):
                covered[(rr, col)] = (c.colspan, rr == r)
    for r, row in enumerate(grid.rows):
        starts = dict(row)
        tr = OxmlElement("w:tr")
        tr_pr = OxmlElement("w:trPr")
        tr_pr.append(_on("w:cantSplit"))
        if r < grid.header_rows:
            tr_pr.append(_on("w:tblHeader"))
        height = grid.min_row_mm[r] if r < len(grid.min_row_mm) else 0
        h = OxmlElement("w:trHeight")
        h.set(qn("w:val"), str(int((height or 8) / 25.4 * 1440)))
        h.set(qn("w:hRule"), "atLeast")
        tr_pr.append(h)
        tr.append(tr_pr)
        col = 0
        cells: list[tuple[Any, Cell]] = []
        while col < ncols:
            if col in starts:
                c = starts[col]
                tc = _tc(sum(twips[col : col + c.colspan]), c.colspan, "restart" if c.rowspan > 1 else None)
                cells.append((tc, c))
                span = c.colspan
            elif (r, col) in covered:
                span, _ = covered[(r, col)]
                tc = _tc(sum(twips[col : col + span]), span, "")
                K.styled_paragraph(tc, styles.cell)
            else:
                span = 1
                tc = _tc(twips[col], 1, None)
                K.styled_paragraph(tc, styles.cell)
            tr.append(tc)
            col += span
        tbl.append(tr)
        for tc, c in cells:
            _docx_cell(tc, c, styles)
    # a paragraph after each table keeps Word from gluing consecutive tables together
    K.paragraph(doc, "", size=6)


def _on(tag: str) -> Any:
    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    return el


def render_blocks_docx(blocks: Sequence[Block], template: Template, meta: FormMeta) -> bytes:
    doc = K.new_document(
        size=BODY_PT, top=MARGINS["top"], bottom=MARGINS["bottom"], left=MARGINS["left"], right=MARGINS["right"]
    )
    doc.core_properties.title = _title(template, meta)
    doc.core_properties.subject = f"{template.code}/{template.version}"
    doc.core_properties.keywords = meta.reference
    doc.settings.odd_and_even_pages_header_footer = True
    styles = _DocxStyles.define(doc)
    cover_section = doc.sections[0]
    width = K.content_width_mm(cover_section)
    rest = list(blocks)
    if rest and isinstance(rest[0].item, Cover):
        cover = rest.pop(0).item
        assert isinstance(cover, Cover)
        _docx_cover(doc, cover, meta)
    body = K.new_section(doc)
    K.restart_page_numbers(body, 1)
    K.page_numbers(doc, body)
    first = True
    for block in rest:
        item = block.item
        new_page = block.new_page and not first
        first = False
        if isinstance(item, Heading):
            if item.level == 0:
                K.paragraph(
                    doc,
                    item.text,
                    east_asia=F.HEITI,
                    size=F.SIZE_SANHAO,
                    align="center",
                    line_pt=32,
                    space_after=8,
                    keep_with_next=True,
                    page_break_before=new_page,
                )
            elif item.level == 1:
                K.paragraph(
                    doc,
                    item.text,
                    east_asia=F.HEITI,
                    size=F.SIZE_SANHAO,
                    align="left",
                    line_pt=32,
                    space_after=6,
                    keep_with_next=True,
                    page_break_before=new_page,
                )
            else:
                K.paragraph(
                    doc,
                    item.text,
                    east_asia=F.KAITI,
                    size=F.SIZE_SIHAO,
                    align="left",
                    line_pt=26,
                    bold=True,
                    keep_with_next=True,
                    page_break_before=new_page,
                )
        elif isinstance(item, Para):
            style = {
                "body": (F.FANGSONG, BODY_PT, 2.0, 28.0),
                "help": (F.KAITI, TABLE_PT, 0.0, 22.0),
                "note": (F.FANGSONG, F.SIZE_WUHAO, 0.0, 18.0),
                "small": (F.FANGSONG, F.SIZE_XIAOWU, 0.0, 14.0),
            }.get(item.style, (F.FANGSONG, BODY_PT, 2.0, 28.0))
            K.paragraph(
                doc,
                item.text,
                east_asia=style[0],
                size=style[1],
                indent_chars=style[2],
                line_pt=style[3],
                page_break_before=new_page,
                keep_with_next=item.style == "help",
            )
        elif isinstance(item, Grid):
            _docx_grid(doc, item, width, new_page, styles)
    return K.to_bytes(doc)


# ---- .pdf -------------------------------------------------------------------------------------


def _html_cell(c: Cell) -> str:
    """One cell, lines joined by <br> (no element per line: the layout engine's cost grows with
    the number of boxes, and a 30-page form has thousands of lines)."""
    tag = "th" if c.kind == "head" else "td"
    attrs = ""
    if c.colspan > 1:
        attrs += f' colspan="{c.colspan}"'
    if c.rowspan > 1:
        attrs += f' rowspan="{c.rowspan}"'
    classes = [k for k in ("note",) if c.kind == k] + (["a-center"] if c.align == "center" and tag == "td" else [])
    if classes:
        attrs += f' class="{" ".join(classes)}"'
    lines = []
    for line in c.lines:
        out = []
        for run in line:
            if run.box is not None:
                out.append(f'<span class="box">{F.BOX_CHECKED if run.box else F.BOX_EMPTY}</span>')
            else:
                out.append(html.escape(run.text))
        lines.append("".join(out))
    return f"<{tag}{attrs}>{'<br>'.join(lines)}</{tag}>"


def _html_grid(grid: Grid, new_page: bool) -> str:
    total = sum(grid.widths)
    cols = "".join(f'<col style="width:{100 * w / total:.2f}%">' for w in grid.widths)
    head: list[str] = []
    body: list[str] = []
    for r, row in enumerate(grid.rows):
        height = grid.min_row_mm[r] if r < len(grid.min_row_mm) else 0
        style = f' style="height:{height}mm"' if height else ""
        tr = f"<tr{style}>{''.join(_html_cell(c) for _, c in row)}</tr>"
        (head if r < grid.header_rows else body).append(tr)
    cls = "grid page-break" if new_page else "grid"
    thead = f"<thead>{''.join(head)}</thead>" if head else ""
    return f'<table class="{cls}"><colgroup>{cols}</colgroup>{thead}<tbody>{"".join(body)}</tbody></table>'


def render_blocks_html(blocks: Sequence[Block], template: Template, meta: FormMeta) -> str:
    out: list[str] = []
    first = True
    for block in blocks:
        item = block.item
        pb = " page-break" if block.new_page and not first else ""
        if isinstance(item, Cover):
            lines = "".join(
                f'<div class="cl"><span class="lbl">{html.escape(line.label)}：</span>'
                f'<span class="val">{html.escape(line.value) or "&nbsp;"}</span></div>'
                + (f'<div class="ch">{html.escape(line.help)}</div>' if line.help else "")
                for line in item.lines
            )
            sub = f'<div class="subtitle">{html.escape(item.subtitle)}</div>' if item.subtitle else ""
            out.append(
                f'<section class="cover"><div class="ctitle">{html.escape(_title(template, meta))}</div>{sub}'
                f'<div class="clines">{lines}</div><div class="authority">{html.escape(item.authority)}</div></section>'
            )
        elif isinstance(item, Heading):
            out.append(f'<h{item.level + 1} class="h{item.level}{pb}">{html.escape(item.text)}</h{item.level + 1}>')
        elif isinstance(item, Para):
            out.append(f'<p class="{item.style}{pb}">{html.escape(item.text)}</p>')
        elif isinstance(item, Grid):
            out.append(_html_grid(item, bool(pb)))
        first = False
    return render_to_string("documents/form.html", {"title": _title(template, meta), "body": "".join(out)})


def form_stylesheet() -> Any:
    """The parsed print stylesheet of forms (cached per thread by pdf.stylesheet)."""
    margins = f"{MARGINS['top']}mm {MARGINS['right']}mm {MARGINS['bottom']}mm {MARGINS['left']}mm"
    return stylesheet("documents/form.css", margins=margins)


# ---- entry points -------------------------------------------------------------------------------


def render_form_docx(
    template: Template,
    values: Mapping[str, Any] | None = None,
    meta: FormMeta | None = None,
    evidence: Sequence[EvidenceRef] = (),
) -> bytes:
    meta = meta or FormMeta()
    return render_blocks_docx(build_layout(template, values, meta, evidence), template, meta)


def render_form_pdf(
    template: Template,
    values: Mapping[str, Any] | None = None,
    meta: FormMeta | None = None,
    evidence: Sequence[EvidenceRef] = (),
) -> bytes:
    meta = meta or FormMeta()
    html_text = render_blocks_html(build_layout(template, values, meta, evidence), template, meta)
    return html_to_pdf(html_text, stylesheets=(form_stylesheet(),))
