"""A filing's documents from its page: .docx, .pdf and the evidence bundle, for whoever may view
the filing (404 for anyone else, including the no-access user); cached by revision."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from apps.documents.batch import CACHE_DIR
from apps.filings.models import Filing
from tests.factories_documents import CHAIN_MAP, corrupt, filed


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def filing(world: Any) -> Filing:
    return filed(world.cluster_pudong, world.operator, evidence=(CHAIN_MAP,))


def test_the_operator_downloads_the_form_as_word_named_after_the_form(world: Any, filing: Filing) -> None:
    response = _client(world.operator).get(reverse("documents:filing_docx", args=[filing.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert quote("上海市中小企业特色产业集群申报表（2025年）.docx") in response["Content-Disposition"]
    doc = Document(BytesIO(_body(response)))
    assert doc.core_properties.subject == "sh_municipal_application/2025"
    text = "".join(p.text for p in doc.paragraphs)
    assert "上海市浦东新区集成电路产业集群" in text and "（草稿）" not in text


def test_the_district_downloads_the_pdf_and_the_bundle_with_the_evidence_after_the_form(
    world: Any, filing: Filing
) -> None:
    client = _client(world.district)
    pdf = PdfReader(BytesIO(_body(client.get(reverse("documents:filing_pdf", args=[filing.pk])))))
    bundle_response = client.get(reverse("documents:filing_bundle", args=[filing.pk]))
    assert bundle_response.status_code == 200 and bundle_response["Content-Type"] == "application/pdf"
    bundle = PdfReader(BytesIO(_body(bundle_response)))
    assert len(bundle.pages) == len(pdf.pages) + 1
    assert [b.title for b in bundle.outline[2]] == ["1. 集群产业链培育情况：绘制了产业链图谱——证明材料（P1）"]
    assert "（佐证材料：P1）" in "".join(p.extract_text() for p in pdf.pages).replace("\n", "")


@pytest.mark.parametrize("role", ["nobody", "expert", "evaluator"])
def test_users_who_cannot_see_the_filing_get_404_for_every_document(world: Any, filing: Filing, role: str) -> None:
    client = _client(world.users_by_role()[role])
    for name in ("documents:filing_docx", "documents:filing_pdf", "documents:filing_bundle"):
        assert client.get(reverse(name, args=[filing.pk])).status_code == 404


def test_another_district_gets_404(world: Any, filing: Filing) -> None:
    assert _client(world.district_huangpu).get(reverse("documents:filing_pdf", args=[filing.pk])).status_code == 404


def test_a_second_download_comes_from_the_cache_and_a_new_revision_renders_afresh(world: Any, filing: Filing) -> None:
    client = _client(world.operator)
    url = reverse("documents:filing_docx", args=[filing.pk])
    first = _body(client.get(url))
    folder = f"{CACHE_DIR}/filing-{filing.pk}"

    def cached() -> list[str]:  # folders holding files (earlier tests may have left empty ones)
        return [d for d in default_storage.listdir(folder)[0] if default_storage.listdir(f"{folder}/{d}")[1]]

    keys = cached()
    assert len(keys) == 1
    assert _body(client.get(url)) == first
    data = {**filing.data, "area_km2": "12.34"}
    Filing.objects.filter(pk=filing.pk).update(data=data, revision=filing.revision + 1)
    text = "".join(c.text for t in Document(BytesIO(_body(client.get(url)))).tables for r in t.rows for c in r.cells)
    assert "12.34" in text
    assert len(cached()) == 1 and cached() != keys  # the older revision's files are deleted


def test_a_damaged_evidence_file_refuses_the_bundle_with_a_message_but_not_the_form(world: Any, filing: Filing) -> None:
    corrupt(filing.evidence.get())
    client = _client(world.operator)
    response = client.get(reverse("documents:filing_bundle", args=[filing.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("filings:detail", args=[filing.pk])
    page = client.get(response["Location"])
    assert "无法生成佐证材料汇编" in page.content.decode() and "已损坏" in page.content.decode()
    docx = client.get(reverse("documents:filing_docx", args=[filing.pk]))
    assert docx.status_code == 200
    cells = [c.text for t in Document(BytesIO(_body(docx))).tables for r in t.rows for c in r.cells]
    assert any("证明材料" in c for c in cells)  # still listed, without page numbers


def test_the_download_include_links_the_three_documents(filing: Filing) -> None:
    html = render_to_string("documents/_filing_downloads.html", {"filing": filing})
    for name in ("documents:filing_docx", "documents:filing_pdf", "documents:filing_bundle"):
        assert reverse(name, args=[filing.pk]) in html
    assert "佐证材料汇编" in html


def test_the_filings_detail_page_offers_the_three_downloads(world: Any, filing: Filing) -> None:
    html = _client(world.district).get(reverse("filings:detail", args=[filing.pk])).content.decode()
    assert 'id="filing-downloads"' in html
    assert reverse("documents:filing_bundle", args=[filing.pk]) in html
