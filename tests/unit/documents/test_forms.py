"""Golden tests of the generic form renderer: every template, filled with demo-like data, as .docx
and .pdf — every label present and each value between its label and the next field's label; one
page image per template kept in test-artifacts/documents/; every .docx converts in LibreOffice
headless.

The expected texts come from the template definitions and the values (tests/unit/documents/
expected.py), never from the layout code under test."""

from __future__ import annotations

import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from apps.documents.forms import EvidenceRef, FormMeta, render_form_docx, render_form_pdf
from apps.documents.forms.layout import no_page_run_sections
from apps.documents.office import convert
from apps.filings.definitions import list_templates, load_template
from tests.factories_documents import filled_values

from .expected import misplaced, squash

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "documents"
TEMPLATES = [(i.code, i.version) for i in list_templates()]
NATIONAL = [(c, v) for c, v in TEMPLATES if c.startswith("national_")]


def _docx_text(data: bytes) -> str:
    """The document body's text in reading order (paragraphs and table cells as they come)."""
    body = Document(BytesIO(data)).element.body
    return "".join(t.text or "" for t in body.iter(qn("w:t")))


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def _row_cells(data: bytes, label: str) -> list[str]:
    """Texts of the distinct cells of the first .docx table row whose first cell starts with `label`."""
    for table in Document(BytesIO(data)).tables:
        for row in table.rows:
            cells, seen = [], set()
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    cells.append(cell.text)
            if cells and squash(cells[0]).startswith(squash(label)):
                return cells
    raise AssertionError(f"no row labelled {label}")


@pytest.mark.parametrize(("code", "version"), TEMPLATES)
def test_filled_form_docx_prints_every_label_with_its_values_after_it(code: str, version: str) -> None:
    template = load_template(code, version)
    values = filled_values(template)
    text = squash(_docx_text(render_form_docx(template, values)))
    assert squash(template.title) in text
    problems = misplaced(text, template, values)
    assert not problems, "\n".join(problems[:15])


@pytest.mark.parametrize(("code", "version"), TEMPLATES)
def test_filled_form_pdf_prints_every_label_with_its_values_and_numbered_a4_pages(code: str, version: str) -> None:
    template = load_template(code, version)
    values = filled_values(template)
    data = render_form_pdf(template, values)
    reader = PdfReader(BytesIO(data))
    text = squash(_pdf_text(data))
    assert squash(template.title) in text
    problems = misplaced(text, template, values)
    assert not problems, "\n".join(problems[:15])
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert "—1—" not in squash(reader.pages[0].extract_text())  # the cover has no page number
    assert "—1—" in squash(reader.pages[1].extract_text())
    assert f"—{len(reader.pages) - 1}—" in squash(reader.pages[-1].extract_text())
    fonts = set()
    for page in reader.pages[:3]:
        for f in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(f.get_object()["/BaseFont"]))
    assert any("CJK" in f for f in fonts), fonts  # Noto CJK (or an official font) embedded, not a sans fallback
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{code}_{version}.pdf").write_bytes(data)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-f",
            "2",
            "-l",
            "5",
            str(ARTIFACTS / f"{code}_{version}.pdf"),
            str(ARTIFACTS / f"{code}_{version}"),
        ],
        check=True,
    )
    assert list(ARTIFACTS.glob(f"{code}_{version}-*.png"))


@pytest.mark.parametrize(("code", "version"), NATIONAL)
def test_the_statement_rows_print_none_when_answered_no_and_the_evidence_when_answered_yes(
    code: str, version: str
) -> None:
    """情况说明 rows of the national forms: 无 after a “否”, the evidence pages (or 未附) after a “是”."""
    template = load_template(code, version)
    values = {**filled_values(template), "major_accidents": "yes", "tax_evasion": "no"}
    evidence = [EvidenceRef("事故情况说明", "major_accidents_statement", "P7–P8")]
    data = render_form_docx(template, values, FormMeta(), evidence)
    accidents = _row_cells(data, template.field("major_accidents_statement").label)
    tax = _row_cells(data, template.field("tax_evasion_statement").label)
    assert squash(accidents[-1]) == "见佐证材料P7–P8"
    assert squash(tax[-1]) == "无"
    text = squash(_pdf_text(render_form_pdf(template, values, FormMeta(), evidence)))
    assert not misplaced(text, template, values, [("事故情况说明", "major_accidents_statement", "P7–P8")])
    nothing_attached = render_form_docx(template, {**values, "tax_evasion": "yes"})
    assert squash(_row_cells(nothing_attached, template.field("tax_evasion_statement").label)[-1]) == "未附"


def test_a_blank_form_leaves_every_value_cell_empty_for_the_operator_to_fill() -> None:
    template = load_template("national_rereview", "2025")
    data = render_form_docx(template)
    assert squash(_row_cells(data, template.field("major_accidents_statement").label)[-1]) == ""
    assert squash(_row_cells(data, "集群占地面积")[-1]) == ""


def test_checked_and_unchecked_boxes_print_as_symbols() -> None:
    template = load_template("sh_municipal_application", "2025")
    values = {"domain": {"checked": ["automotive"]}, "not_banned_industry": "yes"}
    text = squash(_pdf_text(render_form_pdf(template, values)))
    assert "☑汽车" in text
    assert "☐集成电路" in text
    assert "☑是" in text and "☐否" in text
    docx_text = squash(_docx_text(render_form_docx(template, values)))
    assert "☑汽车" in docx_text and "☐生物医药" in docx_text


def test_sections_the_original_forbids_to_run_together_start_on_a_new_page() -> None:
    template = load_template("sh_municipal_application", "2025")
    assert no_page_run_sections(template) == {"一", "二", "三", "四", "五", "六", "七"}
    reader = PdfReader(BytesIO(render_form_pdf(template, filled_values(template))))
    starts = {}
    for i, page in enumerate(reader.pages):
        first = page.extract_text().strip().split("\n")[0]
        for s in template.sections:
            if s.number and first.startswith(s.heading):
                starts[s.number] = i
    assert set("一二三四五六七八") <= set(starts), starts
    assert sorted(starts.values()) == [starts[n] for n in "一二三四五六七八九" if n in starts]


def test_evidence_is_cited_by_the_field_and_listed_with_its_pages() -> None:
    template = load_template("sh_municipal_application", "2025")
    evidence = [
        EvidenceRef("集群企业产值清单", "output_value", "P1–P3"),
        EvidenceRef("创新中心批文", "platforms_national", "P4"),
    ]
    text = squash(_pdf_text(render_form_pdf(template, filled_values(template), FormMeta(), evidence)))
    assert "（佐证材料：P1–P3）" in text and "（佐证材料：P4）" in text
    assert "佐证材料目录" in text and "集群企业产值清单" in text


def test_a_draft_is_marked_on_the_cover() -> None:
    template = load_template("sh_municipal_application", "2025")
    text = _pdf_text(render_form_pdf(template, {}, FormMeta(draft=True)))
    assert "申报表（草稿）" in squash(text)


@pytest.mark.slow
@pytest.mark.parametrize(("code", "version"), TEMPLATES)
def test_every_filled_docx_opens_and_converts_in_libreoffice(code: str, version: str) -> None:
    template = load_template(code, version)
    data = render_form_docx(template, filled_values(template))
    pdf = convert(data, f"{code}.docx", "pdf")
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) >= 3
    assert squash(template.title) in squash(_pdf_text(pdf))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{code}_{version}_libreoffice.pdf").write_bytes(pdf)
