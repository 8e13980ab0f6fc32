"""Batch export (批量导出) as a service: scope by campaign, district and jurisdiction, the zip's
contents, a corrupt evidence file reported without sinking the batch, two worker processes."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from django.core.files.storage import default_storage
from docx import Document
from pypdf import PdfReader

from apps.core.errors import AccessDenied, ServiceError
from apps.core.models import AuditEvent
from apps.documents.models import ExportJob, ExportScope, ExportStatus
from apps.documents.services import export_job_start
from tests.factories_documents import CHAIN_MAP, bind_to_campaign, corrupt, filed
from tests.factories_workflow import sh_application_campaign


def _zip(job: ExportJob) -> zipfile.ZipFile:
    with default_storage.open(job.result_name, "rb") as fh:
        return zipfile.ZipFile(io.BytesIO(fh.read()))


def _manifest(zf: zipfile.ZipFile) -> list[dict[str, str]]:
    text = zf.read("清单.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _with_campaign(world: Any, *, pudong_evidence: tuple[Any, ...] = (), huangpu_evidence: tuple[Any, ...] = ()) -> Any:
    """The Shanghai campaign with one submitted application in Pudong and one in Huangpu."""
    world.campaign = sh_application_campaign(world)
    world.f_pudong = filed(world.cluster_pudong, world.operator, evidence=pudong_evidence)
    world.f_huangpu = filed(world.cluster_huangpu, world.operator_huangpu, evidence=huangpu_evidence)
    bind_to_campaign(world.campaign, world.f_pudong, world.f_huangpu)
    return world


@pytest.fixture
def campaign_world(world: Any) -> Any:
    return _with_campaign(world)


def test_a_district_exports_only_the_forms_of_its_own_district(campaign_world: Any) -> None:
    w = campaign_world
    job = export_job_start(actor=w.district, campaign=w.campaign)
    assert job.status == ExportStatus.DONE
    assert list(job.filings.all()) == [w.f_pudong]
    assert job.scope_org == w.pudong and job.scope == ExportScope.CAMPAIGN
    names = _zip(job).namelist()
    assert any(n.startswith("浦东新区/上海市浦东新区集成电路产业集群/") for n in names)
    assert not any("黄浦" in n for n in names)


def test_the_city_exports_every_district_with_docx_pdf_bundle_and_evidence_per_form(world: Any) -> None:
    w = _with_campaign(world, pudong_evidence=(CHAIN_MAP,))
    job = export_job_start(actor=w.city_staff, campaign=w.campaign)
    assert job.status == ExportStatus.DONE, job.message
    assert (job.total, job.done, job.failed) == (2, 2, 0)
    assert job.warnings == []  # the evidence went into the bundle as it is, no conversion problem
    zf = _zip(job)
    folder = "浦东新区/上海市浦东新区集成电路产业集群/"
    stem = f"{folder}上海市中小企业特色产业集群申报表（2025年）"
    names = set(zf.namelist())
    assert {f"{stem}.docx", f"{stem}.pdf", f"{stem}（含佐证材料汇编）.pdf"} <= names
    assert f"{stem}_佐证材料/01_证明材料.pdf" in names
    docx_text = "".join(p.text for p in Document(io.BytesIO(zf.read(f"{stem}.docx"))).paragraphs)
    assert "上海市浦东新区集成电路产业集群" in docx_text
    form_pages = len(PdfReader(io.BytesIO(zf.read(f"{stem}.pdf"))).pages)
    bundle = PdfReader(io.BytesIO(zf.read(f"{stem}（含佐证材料汇编）.pdf")))
    assert len(bundle.pages) == form_pages + 1
    assert any(n.startswith("黄浦区/") for n in names)
    rows = _manifest(zf)
    assert [r["结果"] for r in rows] == ["成功", "成功"]
    assert rows[0]["申报"] == "上海市浦东新区集成电路产业集群《上海市中小企业特色产业集群申报表》2025年"


def test_an_item_whose_evidence_file_is_corrupt_is_reported_and_the_others_are_exported(world: Any) -> None:
    w = _with_campaign(world, pudong_evidence=(CHAIN_MAP,), huangpu_evidence=(CHAIN_MAP,))
    damaged = w.f_pudong.evidence.get()
    assert damaged.sha256 != w.f_huangpu.evidence.get().sha256
    corrupt(damaged)
    job = export_job_start(actor=w.city_staff, campaign=w.campaign)
    assert job.status == ExportStatus.DONE
    assert (job.total, job.done, job.failed) == (2, 2, 1)
    assert len(job.failures) == 1
    failure = job.failures[0]
    assert failure["filing"] == str(w.f_pudong.pk)
    assert "证明材料.pdf" in failure["reason"] and "已损坏" in failure["reason"]
    assert "失败 1 份" in job.message
    zf = _zip(job)
    assert not any(n.startswith("浦东新区/") for n in zf.namelist())
    assert any(n.startswith("黄浦区/") and n.endswith(".pdf") for n in zf.namelist())
    rows = {r["申报"]: r for r in _manifest(zf)}
    pudong = rows["上海市浦东新区集成电路产业集群《上海市中小企业特色产业集群申报表》2025年"]
    assert pudong["结果"] == "失败" and "已损坏" in pudong["说明"]
    done = AuditEvent.objects.get(action="documents.export_done", object_id=str(job.pk))
    assert done.changes == {"成功": 1, "失败": 1}


def test_two_worker_processes_render_every_item(world: Any, settings: Any) -> None:
    settings.DOCUMENTS_EXPORT_WORKERS = 2
    w = _with_campaign(world, huangpu_evidence=(CHAIN_MAP,))
    job = export_job_start(actor=w.city_staff, campaign=w.campaign)
    assert job.status == ExportStatus.DONE and job.failed == 0, job.failures
    names = _zip(job).namelist()
    assert sum(n.endswith(".docx") for n in names) == 2
    assert sum(n.endswith("（含佐证材料汇编）.pdf") for n in names) == 1


def test_drafts_are_left_out_unless_asked_for(world: Any) -> None:
    campaign = sh_application_campaign(world)
    draft = filed(world.cluster_pudong, world.operator, status="draft")
    bind_to_campaign(campaign, draft)
    with pytest.raises(ServiceError, match="没有可导出的申报（草稿不导出）"):
        export_job_start(actor=world.city_staff, campaign=campaign)
    assert not ExportJob.objects.exists()
    job = export_job_start(actor=world.city_staff, campaign=campaign, include_drafts=True)
    assert list(job.filings.all()) == [draft]
    assert "（草稿）" in "".join(p.text for p in Document(io.BytesIO(_zip(job).read(_first_docx(job)))).paragraphs)


def _first_docx(job: ExportJob) -> str:
    return next(n for n in _zip(job).namelist() if n.endswith(".docx"))


def test_a_chosen_set_of_filings_must_lie_in_the_users_area(world: Any) -> None:
    own = filed(world.cluster_pudong, world.operator)
    other = filed(world.cluster_huangpu, world.operator_huangpu)
    with pytest.raises(ServiceError, match="有 1 份不存在或不在所选区域内"):
        export_job_start(actor=world.district, filing_ids=[own.pk, other.pk])
    job = export_job_start(actor=world.district, filing_ids=[own.pk])
    assert job.scope == ExportScope.FILINGS and job.total == 1 and job.status == ExportStatus.DONE


def test_the_city_may_limit_an_export_to_one_district_but_not_to_one_outside_its_area(campaign_world: Any) -> None:
    w = campaign_world
    job = export_job_start(actor=w.city_staff, campaign=w.campaign, district=w.huangpu)
    assert list(job.filings.all()) == [w.f_huangpu] and job.scope_org == w.huangpu
    with pytest.raises(ServiceError, match="不在您的管辖范围内"):
        export_job_start(actor=w.city_staff, campaign=w.campaign, district=w.xihu)


def test_operators_experts_and_the_no_access_user_cannot_start_an_export(campaign_world: Any) -> None:
    w = campaign_world
    for user in (w.operator, w.expert, w.evaluator, w.nobody):
        with pytest.raises(AccessDenied):
            export_job_start(actor=user, campaign=w.campaign)
    assert not ExportJob.objects.exists()


def test_starting_an_export_is_audited_with_its_scope(campaign_world: Any) -> None:
    w = campaign_world
    job = export_job_start(actor=w.city_staff, campaign=w.campaign)
    event = AuditEvent.objects.get(action="documents.export_start")
    assert event.actor == w.city_staff and event.object_id == str(job.pk)
    assert event.changes["份数"] == 2 and "沪经信企〔2025〕73号" in event.changes["范围"]


def test_a_campaign_the_user_cannot_see_is_refused(world: Any) -> None:
    campaign = sh_application_campaign(world)
    with pytest.raises(ServiceError, match="不存在或您无权查看"):
        export_job_start(actor=world.province_zj_admin, campaign=campaign)
