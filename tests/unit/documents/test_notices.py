"""公示 and 认定 notices (.docx and .pdf) in the authority's notice format: 文号, 标题, 正文,
every row of the 附件名单, 落款 and 日期 — built through apps.documents.listings from workflow
submissions, as the workflow issues them."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from apps.documents.listings import listed_clusters, notice_files
from apps.documents.notices import Notice, publicity_notice, recognition_notice
from apps.documents.office import convert
from tests.factories_workflow import sh_application_campaign, submission

BASIS = "《上海市促进中小企业特色产业集群发展管理办法》（沪经信规范〔2024〕1号）"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _docx_text(data: bytes) -> str:
    doc = Document(BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.append("|".join(c.text for c in row.cells))
    return "\n".join(parts)


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages)


@pytest.fixture
def listed(world: Any) -> list[Any]:
    campaign = sh_application_campaign(world)
    world.cluster_huangpu.leading_industry = "时尚消费品"
    world.cluster_huangpu.save()
    subs = [submission(campaign, world.cluster_pudong), submission(campaign, world.cluster_huangpu)]
    return listed_clusters(subs)


def _publicity(listed: list[Any]) -> Notice:
    return publicity_notice(
        issuer="上海市经济和信息化委员会",
        number="沪经信企〔2025〕88号",
        year=2025,
        level="上海市",
        clusters=listed,
        period_start=date(2025, 6, 3),
        period_end=date(2025, 6, 9),
        signed_date=date(2025, 5, 30),
        basis=BASIS,
        contact="企业处 张某某 021-23110000",
    )


def _recognition(listed: list[Any]) -> Notice:
    return recognition_notice(
        issuer="上海市经济和信息化委员会",
        number="沪经信企〔2025〕101号",
        year=2025,
        level="上海市",
        clusters=listed,
        valid_from=date(2025, 7, 1),
        valid_to=date(2028, 6, 30),
        signed_date=date(2025, 6, 20),
        basis=BASIS,
        duties=("各区中小企业主管部门要加强对集群的指导和服务。",),
        printed_by="上海市经济和信息化委员会办公室",
    )


def _pieces(notice: Notice) -> list[str]:
    """What every copy of the notice must say, from the notice's own data."""
    rows = [cell for att in notice.attachments for row in att.rows for cell in row]
    body = [p.text for p in notice.body]
    date_text = f"{notice.signed_date.year}年{notice.signed_date.month}月{notice.signed_date.day}日"
    return [notice.number, notice.title, *body, *(a.title for a in notice.attachments), *rows, notice.signer, date_text]


def test_listed_clusters_come_from_the_submissions_in_their_order(listed: list[Any], world: Any) -> None:
    assert [c.name for c in listed] == [world.cluster_pudong.name, world.cluster_huangpu.name]
    assert listed[0].district == "浦东新区" and listed[0].operator == "张江集成电路园区运营有限公司"
    assert listed[1].leading_industry == "时尚消费品"


@pytest.mark.parametrize("kind", ["publicity", "recognition"])
def test_the_notice_docx_carries_number_title_body_every_listed_row_signature_and_date(
    listed: list[Any], kind: str
) -> None:
    notice = _publicity(listed) if kind == "publicity" else _recognition(listed)
    files = notice_files(notice)
    docx = files[f"{notice.title}.docx"]
    text = squash(_docx_text(docx))
    missing = [p for p in _pieces(notice) if squash(p) not in text]
    assert not missing, missing
    table = Document(BytesIO(docx)).tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header[:3] == ["序号", "所属区", "集群名称"]
    assert [c.text for c in table.rows[2].cells][:3] == ["2", "黄浦区", "上海市黄浦区时尚消费品产业集群"]
    paragraphs = [p.text for p in Document(BytesIO(docx)).paragraphs]
    assert paragraphs.index(notice.number) < paragraphs.index(notice.title)  # 文号 above the 标题
    sig = paragraphs.index(notice.signer, paragraphs.index(notice.title))
    assert paragraphs[sig + 1] == f"{notice.signed_date.year}年{notice.signed_date.month}月{notice.signed_date.day}日"


@pytest.mark.parametrize("kind", ["publicity", "recognition"])
def test_the_notice_pdf_carries_the_same_text_on_numbered_a4_pages(listed: list[Any], kind: str) -> None:
    notice = _publicity(listed) if kind == "publicity" else _recognition(listed)
    pdf = notice_files(notice)[f"{notice.title}.pdf"]
    text = squash(_pdf_text(pdf))
    missing = [p for p in _pieces(notice) if squash(p) not in text]
    assert not missing, missing
    reader = PdfReader(BytesIO(pdf))
    assert (round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height))) == (595, 842)
    assert "—1—" in squash(reader.pages[0].extract_text())
    assert squash(notice.attachments[0].title) in squash(reader.pages[-1].extract_text())  # 附件 on its own page


def test_the_recognition_notice_states_the_three_year_validity(listed: list[Any]) -> None:
    text = squash(
        _docx_text(notice_files(_recognition(listed))["关于公布2025年度上海市中小企业特色产业集群名单的通知.docx"])
    )
    assert "有效期自2025年7月1日至2028年6月30日" in text
    assert "上海市经济和信息化委员会办公室" in text and "2025年6月20日印发" in text


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["publicity", "recognition"])
def test_the_notice_docx_converts_in_libreoffice_with_its_text(listed: list[Any], kind: str) -> None:
    notice = _publicity(listed) if kind == "publicity" else _recognition(listed)
    pdf = convert(notice_files(notice)[f"{notice.title}.docx"], "notice.docx", "pdf")
    text = squash(_pdf_text(pdf))
    missing = [p for p in _pieces(notice) if squash(p) not in text]
    assert not missing, missing
