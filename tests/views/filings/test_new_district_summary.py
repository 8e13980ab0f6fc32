"""新建填报 and the district summary (区级发展总结报告, 沪经信企〔2025〕73号 附件2): the district
department is offered it for its district's clusters and creates it; an operator is not offered it
and a direct post is refused (403, Chinese reason, nothing created); the no-access user gets nothing."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from apps.filings.definitions import current_templates
from apps.filings.models import ApplicantKind, Filing

KEY = next(f"{t.code}@{t.version}" for t in current_templates() if t.code == "sh_district_summary")


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(user: Any, cluster: Any) -> Any:
    return _client(user).post(reverse("filings:new"), {"cluster": cluster.pk, "template": KEY, "year": "2025"})


def test_the_district_is_offered_the_summary_for_its_own_clusters(world: Any) -> None:
    html = _client(world.district).get(reverse("filings:new")).content.decode()
    assert f'value="{KEY}"' in html and "区级发展总结报告" in html
    assert world.cluster_pudong.name in html and world.cluster_huangpu.name not in html


def test_the_district_creates_the_summary_from_the_new_filing_page(world: Any) -> None:
    response = _post(world.district, world.cluster_pudong)
    filing = Filing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("filings:edit", args=[filing.pk])
    assert filing.template_code == "sh_district_summary" and filing.applicant == ApplicantKind.COUNTY
    assert _client(world.district).get(reverse("filings:edit", args=[filing.pk])).status_code == 200


def test_the_district_cannot_post_the_summary_for_another_districts_cluster(world: Any) -> None:
    response = _post(world.district, world.cluster_huangpu)
    assert response.status_code == 400 and "请选择本辖区的集群。" in response.content.decode()
    assert not Filing.objects.exists()


def test_the_operator_is_not_offered_the_summary_and_a_direct_post_is_refused(world: Any) -> None:
    html = _client(world.operator).get(reverse("filings:new")).content.decode()
    assert "sh_district_summary@" not in html
    response = _post(world.operator, world.cluster_pudong)
    assert response.status_code == 403
    assert "由县级（区级）中小企业主管部门作为申报主体填写" in response.content.decode()
    assert not Filing.objects.exists()


def test_the_no_access_user_is_not_offered_the_summary_and_creates_nothing(world: Any) -> None:
    html = _client(world.nobody).get(reverse("filings:new")).content.decode()
    assert "sh_district_summary@" not in html and world.cluster_pudong.name not in html
    response = _post(world.nobody, world.cluster_pudong)
    assert response.status_code == 400
    assert not Filing.objects.exists()
