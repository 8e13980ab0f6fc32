"""Golden tests of the generic form renderer: every template, filled with demo-like data, as .docx
and .pdf — every label present and each value in its place; one page image per template kept in
test-artifacts/documents/; every .docx converts in LibreOffice headless."""

from __future__ import annotations

import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from apps.documents.forms import EvidenceRef, FormMeta, render_form_docx, render_form_pdf
from apps.documents.forms.layout import Grid, build_layout, no_page_run_sections
from apps.documents.office import convert
from apps.filings.definitions import list_templates, load_template
from tests.factories_documents import filled_values

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "documents"
TEMPLATES = [(i.code, i.version) for i in list_templates()]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _docx_text(data: bytes) -> str:
    doc = Document(BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def _expected_pieces(template, values) -> list[str]:  # type: ignore[no-untyped-def]
    """Every label and every value as printed text, from the layout's cells and cover lines."""
    pieces = [template.title]
    for block in build_layout(template, values):
        item = block.item
        if isinstance(item, Grid):
            for row in item.rows:
                for _col, cell in row:
                    for line in cell.lines:
                        text = "".join(r.text if r.box is None else ("☑" if r.box else "☐") for r in line).strip()
                        if text:
                            pieces.append(text)
    for f in template.fields.values():
        pieces.append(f.label)
    return pieces


@pytest.mark.parametrize(("code", "version"), TEMPLATES)
def test_filled_form_docx_has_every_label_and_value_in_its_cell(code: str, version: str) -> None:
    template = load_template(code, version)
    values = filled_values(template)
    data = render_form_docx(template, values)
    text = _squash(_docx_text(data))
    missing = [p for p in _expected_pieces(template, values) if _squash(p) not in text]
    assert not missing, f"not in the .docx: {missing[:10]}"
    doc = Document(BytesIO(data))
    cells = {(ti, ri): [c.text for c in row.cells] for ti, t in enumerate(doc.tables) for ri, row in enumerate(t.rows)}
    # each year value sits in the row of its field, under its year's column
    for f in template.fields.values():
        if f.kind != "year_series":
            continue
        row_texts = [texts for texts in cells.values() if texts and _squash(f.label) in _squash("".join(texts[:2]))]
        assert row_texts, f"row of {f.key} not found"
        row = row_texts[0]
        for y in f.years:
            assert values[f.key][str(y)] in row, f"{f.key} {y}: {values[f.key][str(y)]} not in {row}"


@pytest.mark.parametrize(("code", "version"), TEMPLATES)
def test_filled_form_pdf_has_every_label_and_value_and_numbered_pages(code: str, version: str) -> None:
    template = load_template(code, version)
    values = filled_values(template)
    data = render_form_pdf(template, values)
    reader = PdfReader(BytesIO(data))
    text = _squash(_pdf_text(data))
    missing = [p for p in _expected_pieces(template, values) if _squash(p) not in text]
    assert not missing, f"not in the PDF: {missing[:10]}"
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert "—1—" not in _squash(reader.pages[0].extract_text())  # the cover has no page number
    assert "—1—" in _squash(reader.pages[1].extract_text())
    assert f"—{len(reader.pages) - 1}—" in _squash(reader.pages[-1].extract_text())
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


def test_checked_and_unchecked_boxes_print_as_symbols() -> None:
    template = load_template("sh_municipal_application", "2025")
    values = {"domain": {"checked": ["automotive"]}, "not_banned_industry": "yes"}
    text = _pdf_text(render_form_pdf(template, values))
    assert "☑汽车" in _squash(text)
    assert "☐集成电路" in _squash(text)
    assert "☑是" in _squash(text) and "☐否" in _squash(text)
    docx_text = _squash(_docx_text(render_form_docx(template, values)))
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
    text = _squash(_pdf_text(render_form_pdf(template, filled_values(template), FormMeta(), evidence)))
    assert "（佐证材料：P1–P3）" in text and "（佐证材料：P4）" in text
    assert "佐证材料目录" in text and "集群企业产值清单" in text


def test_a_draft_is_marked_on_the_cover() -> None:
    template = load_template("sh_municipal_application", "2025")
    text = _pdf_text(render_form_pdf(template, {}, FormMeta(draft=True)))
    assert "申报表（草稿）" in _squash(text)


@pytest.mark.slow
@pytest.mark.parametrize(("code", "version"), TEMPLATES)
def test_every_filled_docx_opens_and_converts_in_libreoffice(code: str, version: str) -> None:
    template = load_template(code, version)
    data = render_form_docx(template, filled_values(template))
    pdf = convert(data, f"{code}.docx", "pdf")
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) >= 3
    assert _squash(template.title) in _squash(_pdf_text(pdf))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{code}_{version}_libreoffice.pdf").write_bytes(pdf)
