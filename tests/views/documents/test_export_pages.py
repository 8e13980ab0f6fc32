"""Batch export pages: start (district and city staff), progress with htmx polling, the
permission-checked download (404 out of area, 403 before it is done), and the no-access user."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.documents.models import ExportJob, ExportStatus
from tests.factories_documents import bind_to_campaign, filed, finished_export
from tests.factories_workflow import sh_application_campaign


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def campaign_world(world: Any) -> Any:
    world.campaign = sh_application_campaign(world)
    world.f_pudong = filed(world.cluster_pudong, world.operator)
    world.f_huangpu = filed(world.cluster_huangpu, world.operator_huangpu)
    bind_to_campaign(world.campaign, world.f_pudong, world.f_huangpu)
    return world


def test_the_city_sees_the_export_page_with_campaigns_districts_and_filings(campaign_world: Any) -> None:
    w = campaign_world
    page = _client(w.city_staff).get(reverse("documents:export_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "沪经信企〔2025〕73号" in html
    assert "浦东新区科经委" in html and "黄浦区商务委" in html and "西湖区经信局" not in html
    assert w.cluster_pudong.name in html and w.cluster_huangpu.name in html


def test_the_district_page_is_fixed_to_its_district_and_lists_only_its_forms(campaign_world: Any) -> None:
    w = campaign_world
    html = _client(w.district).get(reverse("documents:export_list")).content.decode()
    assert "区县主管部门只导出本区县的申报" in html
    assert w.cluster_pudong.name in html and w.cluster_huangpu.name not in html


@pytest.mark.parametrize("role", ["operator", "expert", "evaluator", "nobody"])
def test_users_who_do_not_review_are_refused_the_export_page(campaign_world: Any, role: str) -> None:
    user = campaign_world.users_by_role()[role]
    assert _client(user).get(reverse("documents:export_list")).status_code == 403
    response = _client(user).post(reverse("documents:export_start"), {"scope": "campaign"})
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


def test_starting_an_export_leads_to_its_progress_page_and_the_zip(campaign_world: Any) -> None:
    w = campaign_world
    client = _client(w.city_staff)
    response = client.post(
        reverse("documents:export_start"), {"scope": "campaign", "campaign": w.campaign.pk, "district": w.huangpu.pk}
    )
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:export_detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and "共 1 份，成功 1 份" in page
    assert reverse("documents:export_download", args=[job.pk]) in page
    download = client.get(reverse("documents:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip" and "attachment" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert "清单.csv" in names and all(n.startswith("黄浦区/") for n in names if n != "清单.csv")


def test_a_chosen_set_of_filings_is_exported_from_the_checkboxes(campaign_world: Any) -> None:
    w = campaign_world
    response = _client(w.district).post(
        reverse("documents:export_start"), {"scope": "filings", "filings": [str(w.f_pudong.pk)]}
    )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert list(job.filings.all()) == [w.f_pudong] and job.scope_org == w.pudong


def test_a_missing_choice_comes_back_in_chinese_with_the_other_choices_kept(campaign_world: Any) -> None:
    w = campaign_world
    response = _client(w.city_staff).post(
        reverse("documents:export_start"), {"scope": "campaign", "campaign": "", "district": w.huangpu.pk}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请选择工作通知。" in html
    assert f'<option value="{w.huangpu.pk}" selected>' in html
    assert not ExportJob.objects.exists()


def test_a_district_outside_the_users_area_is_refused(campaign_world: Any) -> None:
    w = campaign_world
    response = _client(w.city_staff).post(
        reverse("documents:export_start"), {"scope": "campaign", "campaign": w.campaign.pk, "district": w.xihu.pk}
    )
    assert response.status_code == 400 and "所选区县不在您的管辖范围内。" in response.content.decode()


def test_the_progress_fragment_polls_while_running_and_stops_when_done(world: Any) -> None:
    job = finished_export(world, scope_org=world.pudong, created_by=world.district)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, total=4, done=1)
    client = _client(world.district)
    url = reverse("documents:export_detail", args=[job.pk])
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="export-status" hx-get="' + url + '" hx-trigger="every 2s"')
    assert 'aria-valuenow="25"' in fragment and "已处理 1 / 4 份" in fragment
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.DONE, done=4)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in fragment and "下载 zip" in fragment


def test_a_job_that_is_not_done_cannot_be_downloaded(world: Any) -> None:
    job = finished_export(world, scope_org=world.pudong, created_by=world.district, status=ExportStatus.RUNNING)
    response = _client(world.district).get(reverse("documents:export_download", args=[job.pk]))
    assert response.status_code == 403


def test_the_district_and_the_no_access_user_get_404_for_an_export_outside_their_area(world: Any) -> None:
    city_wide = finished_export(world, scope_org=world.shanghai, created_by=world.city_staff)
    huangpu = finished_export(world, scope_org=world.huangpu, created_by=world.city_staff)
    for job in (city_wide, huangpu):
        for user in (world.district, world.nobody, world.operator):
            for name in ("documents:export_detail", "documents:export_download"):
                assert _client(user).get(reverse(name, args=[job.pk])).status_code == 404, (user, name)
    assert _client(world.city_admin).get(reverse("documents:export_download", args=[huangpu.pk])).status_code == 200


def test_failures_are_listed_on_the_page(world: Any) -> None:
    job = finished_export(world, scope_org=world.pudong, created_by=world.district)
    ExportJob.objects.filter(pk=job.pk).update(
        failed=1,
        failures=[{"filing": "9", "label": "某集群《申报表》2025年", "folder": "x", "reason": "佐证材料“a.pdf”已损坏"}],
    )
    html = _client(world.district).get(reverse("documents:export_detail", args=[job.pk])).content.decode()
    assert "失败清单（1 份，其余各份已正常导出）" in html and "佐证材料“a.pdf”已损坏" in html
