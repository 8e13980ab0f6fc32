"""新建填报 offers each user the forms it applies with (the template's 申报主体): the operator its
Shanghai forms, the county department the national forms for its district's clusters; a form of
another applicant posted directly is refused in Chinese and nothing is created."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.filings.definitions import current_templates
from apps.filings.models import ApplicantKind, Filing

CURRENT = {t.code: t.version for t in current_templates()}


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(user: Any, cluster: Any, code: str) -> Any:
    return _client(user).post(
        reverse("filings:new"), {"cluster": cluster.pk, "template": f"{code}@{CURRENT[code]}", "year": "2025"}
    )


def test_the_operators_new_filing_page_does_not_offer_the_national_forms(world: Any) -> None:
    html = _client(world.operator).get(reverse("filings:new")).content.decode()
    assert f'value="sh_municipal_application@{CURRENT["sh_municipal_application"]}"' in html
    assert "national_application@" not in html and "national_rereview@" not in html


@pytest.mark.parametrize("code", ["national_application", "national_rereview"])
def test_an_operator_posting_a_national_form_is_refused_and_nothing_is_created(world: Any, code: str) -> None:
    response = _post(world.operator, world.cluster_pudong, code)
    assert response.status_code == 403
    assert "由县级（区级）中小企业主管部门作为申报主体填写" in response.content.decode()
    assert not Filing.objects.exists()


def test_the_county_is_offered_the_national_forms_for_its_districts_clusters_only(world: Any) -> None:
    html = _client(world.district).get(reverse("filings:new")).content.decode()
    assert f'value="national_application@{CURRENT["national_application"]}"' in html
    assert f'value="national_rereview@{CURRENT["national_rereview"]}"' in html
    assert "sh_municipal_application@" not in html and "sh_annual_report@" not in html
    assert world.cluster_pudong.name in html
    assert world.cluster_huangpu.name not in html and world.cluster_xihu.name not in html


def test_the_county_creates_a_national_application_as_its_applicant(world: Any) -> None:
    response = _post(world.district, world.cluster_pudong, "national_application")
    filing = Filing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("filings:edit", args=[filing.pk])
    assert filing.applicant == ApplicantKind.COUNTY and filing.cluster == world.cluster_pudong


def test_the_county_cannot_post_a_cluster_of_another_district_or_an_operators_form(world: Any) -> None:
    response = _post(world.district, world.cluster_huangpu, "national_application")
    assert response.status_code == 400 and "请选择本辖区的集群。" in response.content.decode()
    response = _post(world.district, world.cluster_pudong, "sh_municipal_application")
    assert response.status_code == 403 and "由集群运营管理机构填报" in response.content.decode()
    assert not Filing.objects.exists()


@pytest.mark.parametrize("role", ["city_staff", "ministry", "expert", "evaluator"])
def test_users_who_apply_with_no_form_are_refused_the_page(world: Any, role: str) -> None:
    user = world.users_by_role()[role]
    assert _client(user).get(reverse("filings:new")).status_code == 403
    assert _post(user, world.cluster_pudong, "national_application").status_code == 403
    assert not Filing.objects.exists()


def test_the_no_access_user_has_no_cluster_and_cannot_post_a_national_form(world: Any) -> None:
    html = _client(world.nobody).get(reverse("filings:new")).content.decode()
    assert world.cluster_pudong.name not in html and "national_application@" not in html
    response = _post(world.nobody, world.cluster_pudong, "national_application")
    assert response.status_code == 400 and "请选择本机构运营的集群。" in response.content.decode()
    assert not Filing.objects.exists()
