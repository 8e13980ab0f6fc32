"""The evidence bundle (佐证材料汇编): the form followed by every evidence file, one bookmark per item,
page count = form pages + evidence pages, and the 佐证页码 the form cites are where each evidence
file starts (its pages stamped P1, P2, …)."""

from __future__ import annotations

import re
from io import BytesIO

from pypdf import PdfReader, PdfWriter

from apps.documents.bundle import EvidenceFile, build_bundle, prepare_evidence
from apps.documents.forms import EvidenceRef, FormMeta, render_form_pdf
from apps.filings.definitions import load_template
from tests.factories_documents import filled_values
from tests.factories_filings import pdf_bytes, png_bytes


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_of(pages: int, text: str) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue() if pages > 1 else pdf_bytes(text)


def _evidence() -> list[EvidenceFile]:
    return [
        EvidenceFile("集群企业产值清单", "产值清单.pdf", data=_pdf_of(3, "list"), cited_by="output_value"),
        EvidenceFile("产业链图谱", "图谱.png", data=png_bytes(), cited_by="chain_cultivation.chain_map"),
        EvidenceFile("损坏的批文", "批文.pdf", data=b"%PDF-1.4 broken", cited_by="platforms_national"),
        EvidenceFile("标准文本", "标准.pdf", data=_pdf_of(2, "std"), cited_by="standards"),
    ]


def test_the_bundle_has_one_bookmark_per_item_and_the_pages_the_form_cites() -> None:
    template = load_template("sh_municipal_application", "2025")
    prepared = prepare_evidence(_evidence())
    assert [p.pages for p in prepared] == [3, 1, 1, 2]  # the broken file becomes one explanatory page
    assert [p.page_label for p in prepared] == ["P1–P3", "P4", "P5", "P6–P7"]
    refs = [EvidenceRef(p.item.title, p.item.cited_by, p.page_label, p.item.filename) for p in prepared]
    form = render_form_pdf(template, filled_values(template), FormMeta(), refs)
    bundle = build_bundle(form, prepared, form_title=template.title)
    reader = PdfReader(BytesIO(bundle.pdf))
    form_pages = len(PdfReader(BytesIO(form)).pages)
    assert bundle.form_pages == form_pages
    assert len(reader.pages) == form_pages + 3 + 1 + 1 + 2

    outline = reader.outline
    assert outline[0].title == template.title and reader.get_destination_page_number(outline[0]) == 0
    assert outline[1].title == "佐证材料"
    items = outline[2]
    assert [i.title for i in items] == [
        "1. 集群企业产值清单（P1–P3）",
        "2. 产业链图谱（P4）",
        "3. 损坏的批文（P5）［无法转换］",
        "4. 标准文本（P6–P7）",
    ]
    form_text = squash("".join(p.extract_text() for p in PdfReader(BytesIO(form)).pages))
    for prep, bookmark in zip(prepared, items, strict=True):
        start = reader.get_destination_page_number(bookmark)
        assert start == form_pages + prep.first_page - 1  # P1 is the first page after the form
        assert squash(reader.pages[start].extract_text()).endswith(f"P{prep.first_page}")  # stamped
        assert f"（佐证材料：{prep.page_label}）" in form_text or prep.item.cited_by == "platforms_national"
    assert "（佐证材料：P1–P3）" in form_text  # 集群总产值 cites its list
    assert bundle.problems == ["“批文.pdf”不是有效的 PDF 文件。"]
    failure_page = squash(reader.pages[form_pages + 4].extract_text())
    assert "佐证材料无法转换" in failure_page and "损坏的批文" in failure_page


def test_a_damaged_file_with_a_checksum_is_reported_as_damaged() -> None:
    import hashlib

    good = pdf_bytes("original")
    item = EvidenceFile("批文", "批文.pdf", data=b"%PDF-1.4 replaced", sha256=hashlib.sha256(good).hexdigest())
    prepared = prepare_evidence([item])
    assert "已损坏" in prepared[0].error and prepared[0].pages == 1
