"""Filing pages: every role of the world, out of scope → 404, bad input kept on the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.filings import services
from tests import factories_filings as ff


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def filing(world: Any) -> Any:
    return services.filing_create(
        actor=world.operator, cluster=world.cluster_pudong, template_code=ff.SH_APPLICATION, reporting_year=2025
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("operator", 200),
        ("district", 403),
        ("city_staff", 403),
        ("city_admin", 403),
        ("ministry", 403),
        ("expert", 404),
        ("evaluator", 404),
        ("nobody", 404),
    ],
)
def test_edit_page_is_for_the_clusters_operator_only(world: Any, filing: Any, role: str, status: int) -> None:
    response = _client(world.users_by_role()[role]).get(reverse("filings:edit", args=[filing.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [("operator", 200), ("district", 200), ("city_staff", 200), ("ministry", 200), ("expert", 404), ("nobody", 404)],
)
def test_read_only_and_print_views_follow_the_scope(world: Any, filing: Any, role: str, status: int) -> None:
    client = _client(world.users_by_role()[role])
    assert client.get(reverse("filings:detail", args=[filing.pk])).status_code == status
    assert client.get(reverse("filings:print", args=[filing.pk])).status_code == status


def test_edit_page_shows_sections_footnotes_and_the_computed_growth_formula(world: Any, filing: Any) -> None:
    services.filing_save_draft(
        actor=world.operator,
        filing=filing,
        values={
            "output_value": {"2022": "100.00", "2023": "110.00", "2024": "121.00"},
            "leading_industry_output_share": {"2022": "60.00", "2023": "60.00", "2024": "60.00"},
        },
        expected_revision=filing.revision,
    )
    html = _client(world.operator).get(reverse("filings:edit", args=[filing.pk])).content.decode()
    assert "一、基本情况" in html and "九、真实性声明及推荐意见" in html
    assert "注2 占地面积一般不超过 100 平方公里。" in html
    # 主导产业产值 60.00 → 72.60 亿元 over two years: geometric mean 10.00 %, with formula and inputs.
    assert "((72.60 / 60.00)^(1 / 2) − 1) × 100 = 10.00 %" in html


def test_autosave_with_text_in_a_number_answers_422_and_saves_nothing(world: Any, filing: Any) -> None:
    response = _client(world.operator).post(
        reverse("filings:save", args=[filing.pk]),
        {"revision": filing.revision, "f:area_km2": "1", "v:area_km2": "十二点五"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 422
    assert "不是数字" in response.json()["issues"][0]["message"]
    filing.refresh_from_db()
    assert "area_km2" not in filing.data


def test_a_rejected_page_save_rerenders_with_the_users_typing(world: Any, filing: Any) -> None:
    response = _client(world.operator).post(
        reverse("filings:save", args=[filing.pk]),
        {"revision": filing.revision, "f:area_km2": "1", "v:area_km2": "12.345"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="12.345"' in html
    assert "最多保留2位小数" in html


def test_a_stale_save_answers_409_with_the_merge_panel(world: Any, filing: Any) -> None:
    client = _client(world.operator)
    url = reverse("filings:save", args=[filing.pk])
    base = filing.revision
    ok = client.post(url, {"revision": base, "f:area_km2": "1", "v:area_km2": "12.00"}, HTTP_X_REQUESTED_WITH="fetch")
    assert ok.status_code == 200
    stale = client.post(
        url, {"revision": base, "f:area_km2": "1", "v:area_km2": "15.00"}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert stale.status_code == 409
    body = stale.json()
    assert "其他人已保存" in body["message"]
    assert "12.00" in body["html"] and "15.00" in body["html"]


def test_the_merge_panel_keeps_the_others_change_where_this_user_changed_nothing(world: Any, filing: Any) -> None:
    client = _client(world.operator)
    url = reverse("filings:save", args=[filing.pk])
    base = filing.revision
    first = {"revision": base, "f:district_contact": "1", "v:district_contact": "李文娟", "f:area_km2": "1"}
    assert client.post(url, {**first, "v:area_km2": "12.00"}, HTTP_X_REQUESTED_WITH="fetch").status_code == 200
    # The stale window posts every field: its (blank) contact and its own area.
    stale = client.post(
        url,
        {
            "revision": base,
            "f:district_contact": "1",
            "v:district_contact": "",
            "f:area_km2": "1",
            "v:area_km2": "15.00",
        },
        HTTP_X_REQUESTED_WITH="fetch",
    )
    html = stale.json()["html"]
    assert "一、基本情况 · 联系人" in html
    assert 'value="theirs" id="pt-district_contact" checked' in html  # unchanged here: keep theirs
    assert 'value="mine" id="pm-area_km2" checked' in html  # changed by both: mine preselected, shown side by side
    assert _client(world.nobody).post(url, first).status_code == 404


def test_evidence_download_is_404_outside_scope_and_never_a_media_url(world: Any, filing: Any) -> None:
    client = _client(world.operator)
    up = client.post(
        reverse("filings:evidence_upload", args=[filing.pk]),
        {"field": "chain_cultivation", "option": "chain_map", "file": SimpleUploadedFile("图谱.pdf", ff.pdf_bytes())},
    )
    assert up.status_code == 200, up.content
    ev_id = up.json()["id"]
    url = reverse("filings:evidence_download", args=[ev_id])
    assert client.get(url).status_code == 200
    assert _client(world.district).get(url).status_code == 200
    assert _client(world.nobody).get(url).status_code == 404
    assert _client(world.province_zj_admin).get(url).status_code == 404


def test_uploading_an_executable_named_pdf_is_refused_on_the_page(world: Any, filing: Any) -> None:
    response = _client(world.operator).post(
        reverse("filings:evidence_upload", args=[filing.pk]),
        {"field": "chain_cultivation", "option": "chain_map", "file": SimpleUploadedFile("证明.pdf", ff.exe_bytes())},
    )
    assert response.status_code == 400
    assert "内容不是允许的类型" in response.json()["message"]


def test_new_filing_page_is_for_applicants_and_creates_a_draft(world: Any) -> None:
    assert _client(world.city_staff).get(reverse("filings:new")).status_code == 403
    response = _client(world.operator).post(
        reverse("filings:new"),
        {"cluster": world.cluster_pudong.pk, "template": f"{ff.SH_APPLICATION}@2025.2", "year": "2025"},
    )
    assert response.status_code == 302
    assert (
        _client(world.operator).get(reverse("filings:list")).content.decode().count("上海市中小企业特色产业集群申报表")
        >= 1
    )
    assert "上海市浦东新区" not in _client(world.nobody).get(reverse("filings:list")).content.decode()


def test_district_may_download_but_not_delete_evidence(world: Any, filing: Any) -> None:
    item = ff.evidence_for(filing, field_key="chain_cultivation", option_key="chain_map", uploaded_by=world.operator)
    client = _client(world.district)
    assert client.post(reverse("filings:evidence_delete", args=[item.pk])).status_code == 403
    assert _client(world.nobody).post(reverse("filings:evidence_delete", args=[item.pk])).status_code == 404
    assert filing.evidence.count() == 1
