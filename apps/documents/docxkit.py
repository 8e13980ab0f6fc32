"""Small helpers over python-docx for official-format documents.

Chinese text needs ``w:eastAsia`` on ``w:rFonts`` (``font.name`` alone sets only the Latin
slots, and Word then shows 宋体 or Calibri); every run written here goes through `font()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from . import fonts as F

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
RED = RGBColor(0xE6, 0x00, 0x12)


def font(
    run: Run,
    east_asia: str = F.FANGSONG,
    size: float = F.SIZE_SANHAO,
    *,
    bold: bool = False,
    latin: str = F.LATIN,
    color: RGBColor | None = None,
) -> Run:
    run.font.name = latin
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    return run


def new_document(
    *,
    top: float = 37,
    bottom: float = 35,
    left: float = 28,
    right: float = 26,
    east_asia: str = F.FANGSONG,
    size: float = F.SIZE_SANHAO,
) -> DocumentObject:
    """An empty A4 document whose Normal style is the given Chinese font (default 仿宋 三号)."""
    doc = Document()
    section = doc.sections[0]
    set_a4(section, top=top, bottom=bottom, left=left, right=right)
    normal = doc.styles["Normal"]
    normal.font.name = F.LATIN
    normal.font.size = Pt(size)
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    # Chinese documents: language tag so Word hyphenates/justifies as Chinese.
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    doc.core_properties.language = "zh-CN"
    return doc


def set_a4(section: Section, *, top: float, bottom: float, left: float, right: float, footer: float = 20) -> None:
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(top)
    section.bottom_margin = Mm(bottom)
    section.left_margin = Mm(left)
    section.right_margin = Mm(right)
    section.footer_distance = Mm(footer)
    section.header_distance = Mm(15)


def content_width_mm(section: Section) -> float:
    width = int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)
    return width / 36000


def paragraph(
    container: Any,
    text: str = "",
    *,
    east_asia: str = F.FANGSONG,
    size: float = F.SIZE_SANHAO,
    bold: bool = False,
    align: str = "justify",
    indent_chars: float = 0,
    line_pt: float | None = None,
    space_before: float = 0,
    space_after: float = 0,
    color: RGBColor | None = None,
    keep_with_next: bool = False,
    page_break_before: bool = False,
) -> Paragraph:
    p: Paragraph = container.add_paragraph()
    pf = p.paragraph_format
    pf.alignment = ALIGN[align]
    pf.space_before = Pt(space_before)
    pf.space_after = Pt(space_after)
    if line_pt:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line_pt)
    if indent_chars:
        pf.first_line_indent = Pt(size * indent_chars)
    if keep_with_next:
        pf.keep_with_next = True
    if page_break_before:
        pf.page_break_before = True
    if text:
        font(p.add_run(text), east_asia, size, bold=bold, color=color)
    return p


def add_text(
    p: Paragraph,
    text: str,
    *,
    east_asia: str = F.FANGSONG,
    size: float = F.SIZE_SANHAO,
    bold: bool = False,
    underline: bool = False,
) -> Run:
    run = font(p.add_run(text), east_asia, size, bold=bold)
    if underline:
        run.font.underline = True
    return run


def add_box(p: Paragraph, checked: bool, size: float) -> Run:
    """☑ / ☐ in a symbol font (Noto CJK lacks them)."""
    return font(p.add_run(F.BOX_CHECKED if checked else F.BOX_EMPTY), F.SYMBOL, size, latin=F.SYMBOL)


def page_break(doc: DocumentObject) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _field(p: Paragraph, instr: str, cached: str, east_asia: str, size: float) -> None:
    def fld(kind: str) -> Run:
        r = font(p.add_run(), east_asia, size, latin=F.SONGTI)
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        r._element.append(el)
        return r

    fld("begin")
    r = font(p.add_run(), east_asia, size, latin=F.SONGTI)
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = f" {instr} "
    r._element.append(it)
    fld("separate")
    font(p.add_run(cached), east_asia, size, latin=F.SONGTI)
    fld("end")


def _page_number_paragraph(footer: Any, align: str) -> None:
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.paragraph_format.alignment = ALIGN[align]
    # 单页码居右空一字，双页码居左空一字 (GB/T 9704-2012 7.5)
    if align == "right":
        p.paragraph_format.right_indent = Pt(F.SIZE_SIHAO)
    else:
        p.paragraph_format.left_indent = Pt(F.SIZE_SIHAO)
    font(p.add_run("— "), F.SONGTI, F.SIZE_SIHAO, latin=F.SONGTI)
    _field(p, "PAGE", "1", F.SONGTI, F.SIZE_SIHAO)
    font(p.add_run(" —"), F.SONGTI, F.SIZE_SIHAO, latin=F.SONGTI)


def page_numbers(doc: DocumentObject, section: Section, *, skip_first: bool = False) -> None:
    """Footer "— n —": odd pages right, even pages left; none on the first page if asked (cover)."""
    doc.settings.odd_and_even_pages_header_footer = True
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    _page_number_paragraph(section.footer, "right")
    _page_number_paragraph(section.even_page_footer, "left")
    if skip_first:
        section.different_first_page_header_footer = True
        section.first_page_footer.is_linked_to_previous = False


def restart_page_numbers(section: Section, start: int = 1) -> None:
    sect_pr = section._sectPr
    pg = sect_pr.find(qn("w:pgNumType"))
    if pg is None:
        pg = OxmlElement("w:pgNumType")
        sect_pr.append(pg)
    pg.set(qn("w:start"), str(start))


def new_section(doc: DocumentObject) -> Section:
    return doc.add_section(WD_SECTION.NEW_PAGE)


# ---- tables ---------------------------------------------------------------------------------


def table(container: Any, rows: int, cols: int, widths_mm: Iterable[float], *, border: float = 0.5) -> Table:
    t: Table = container.add_table(rows=rows, cols=cols)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    widths = list(widths_mm)
    tbl_pr = t._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(int(border * 8)))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)
    for i, col in enumerate(t.columns):
        col.width = Mm(widths[i])
    for row in t.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Mm(widths[i])
    return t


def cell_text(
    cell: _Cell,
    text: str,
    *,
    east_asia: str = F.FANGSONG,
    size: float = F.SIZE_XIAOSI,
    bold: bool = False,
    align: str = "left",
    valign: str = "center",
) -> Paragraph:
    """Replace the cell's content by `text` (lines split on \\n into paragraphs)."""
    cell.vertical_alignment = {
        "top": WD_CELL_VERTICAL_ALIGNMENT.TOP,
        "center": WD_CELL_VERTICAL_ALIGNMENT.CENTER,
        "bottom": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM,
    }[valign]
    lines = text.split("\n") if text else [""]
    first = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    p = first
    for i, line in enumerate(lines):
        if i:
            p = cell.add_paragraph()
        p.paragraph_format.alignment = ALIGN[align]
        if line:
            font(p.add_run(line), east_asia, size, bold=bold)
    return first


def repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def cant_split(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def min_height(row: Any, mm: float) -> None:
    from docx.enum.table import WD_ROW_HEIGHT_RULE

    row.height = Mm(mm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def shade(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    el = OxmlElement("w:shd")
    el.set(qn("w:val"), "clear")
    el.set(qn("w:color"), "auto")
    el.set(qn("w:fill"), fill)
    tc_pr.append(el)


def bottom_rule(p: Paragraph, *, color: str = "E60012", size_eighths: int = 12) -> None:
    """A horizontal rule under the paragraph (the red 分隔线 of 红头 documents)."""
    p_pr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size_eighths))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), color)
    bdr.append(bottom)
    p_pr.append(bdr)


def top_rule(p: Paragraph, *, color: str = "000000", size_eighths: int = 8) -> None:
    p_pr = p._p.get_or_add_pPr()
    bdr = p_pr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        p_pr.append(bdr)
    top = OxmlElement("w:top")
    top.set(qn("w:val"), "single")
    top.set(qn("w:sz"), str(size_eighths))
    top.set(qn("w:space"), "1")
    top.set(qn("w:color"), color)
    bdr.insert(0, top)


# ---- styles and fast runs (large tables) -----------------------------------------------------
#
# Setting fonts run by run through python-docx's property setters dominates the time of a large
# form (hundreds of cells). Table text therefore takes its font from a paragraph style defined
# once per document, and runs are written as bare <w:r><w:t> elements with lxml.

JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
_W_P, _W_PPR, _W_PSTYLE, _W_JC = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:jc")
_W_R, _W_RPR, _W_RSTYLE, _W_T, _W_VAL = qn("w:r"), qn("w:rPr"), qn("w:rStyle"), qn("w:t"), qn("w:val")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _style_fonts(style: Any, east_asia: str, size: float, latin: str, bold: bool) -> None:
    style.font.name = latin
    style.font.size = Pt(size)
    style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(slot), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def paragraph_style(
    doc: DocumentObject,
    name: str,
    *,
    east_asia: str = F.FANGSONG,
    size: float = F.SIZE_XIAOSI,
    latin: str = F.LATIN,
    bold: bool = False,
) -> str:
    """Add a paragraph style (no spacing, given Chinese font) and return its style id."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = False
    _style_fonts(style, east_asia, size, latin, bold)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)
    return str(style.style_id)


def character_style(doc: DocumentObject, name: str, *, east_asia: str, latin: str, size: float | None = None) -> str:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    _style_fonts(style, east_asia, size or F.SIZE_XIAOSI, latin, False)
    if size is None:
        style.font.size = None
    return str(style.style_id)


def styled_paragraph(parent: Any, style_id: str, align: str = "left") -> Any:
    """Append a <w:p> with the paragraph style and alignment to `parent` (a <w:tc>, say)."""
    from lxml import etree

    p = etree.SubElement(parent, _W_P)
    ppr = etree.SubElement(p, _W_PPR)
    etree.SubElement(ppr, _W_PSTYLE).set(_W_VAL, style_id)
    etree.SubElement(ppr, _W_JC).set(_W_VAL, JC[align])
    return p


def text_run(p: Any, text: str, char_style: str = "") -> Any:
    """Append a run with `text` (and a character style) to the <w:p> element `p`."""
    from lxml import etree

    r = etree.SubElement(p, _W_R)
    if char_style:
        etree.SubElement(etree.SubElement(r, _W_RPR), _W_RSTYLE).set(_W_VAL, char_style)
    t = etree.SubElement(r, _W_T)
    t.text = text
    t.set(_XML_SPACE, "preserve")
    return r


def to_bytes(doc: DocumentObject) -> bytes:
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()
