"""新建填报 and the pages of the district summary (区级发展总结报告, 沪经信企〔2025〕73号 附件2), a
district-level form: the district department opens it for its own district — the page offers no
cluster for it, and a cluster posted with it is refused in Chinese (nothing created) — fills it
and sees it in its list, print view included; an operator is not offered it and a direct post is
refused (403, Chinese reason, nothing created); another district's user and the no-access user
get 404 on the pages of Pudong's summary."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.filings import services
from apps.filings.definitions import current_templates
from apps.filings.models import ApplicantKind, Filing

KEY = next(f"{t.code}@{t.version}" for t in current_templates() if t.code == "sh_district_summary")


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(user: Any, cluster: Any = None) -> Any:
    body = {"cluster": cluster.pk if cluster is not None else "", "template": KEY, "year": "2025"}
    return _client(user).post(reverse("filings:new"), body)


def _typed(overview: str) -> dict[str, str]:
    return {"revision": "1", "f:overview": "1", "v:overview": overview}


def _summary(world: Any) -> Filing:
    return services.filing_create(
        actor=world.district, district=world.pudong, template_code="sh_district_summary", reporting_year=2025
    )


def test_the_district_is_offered_the_summary_for_its_district_without_choosing_a_cluster(world: Any) -> None:
    html = _client(world.district).get(reverse("filings:new")).content.decode()
    assert f'value="{KEY}" data-subject="district"' in html and "〔区级表单，为本区填写〕" in html
    assert "不选择集群" in html and "本区：浦东新区" in html
    assert 'name="cluster" required' not in html
    # Nothing chosen yet: the cluster field (for the national forms) shows, the district line waits.
    assert '<div class="mb-3" id="cluster-field">' in html and '<div class="mb-3" id="district-field" hidden>' in html


def test_with_the_summary_chosen_the_page_leaves_the_cluster_out(world: Any) -> None:
    html = _client(world.district).get(reverse("filings:new"), {"template": KEY}).content.decode()
    assert f'value="{KEY}" data-subject="district" selected' in html
    assert '<div class="mb-3" id="cluster-field" hidden>' in html and 'name="cluster" disabled' in html
    assert '<div class="mb-3" id="district-field">' in html and "本区：浦东新区" in html


def test_the_district_creates_the_summary_for_its_district_from_the_new_filing_page(world: Any) -> None:
    response = _post(world.district)
    filing = Filing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("filings:edit", args=[filing.pk])
    assert filing.district == world.pudong and filing.cluster is None
    assert filing.template_code == "sh_district_summary" and filing.applicant == ApplicantKind.COUNTY
    page = _client(world.district).get(reverse("filings:edit", args=[filing.pk])).content.decode()
    assert "区级表单 · 报送单位：浦东新区科经委（浦东新区）" in page and "运营管理机构" not in page


@pytest.mark.parametrize("cluster", ["cluster_pudong", "cluster_huangpu"])
def test_a_cluster_posted_with_the_summary_is_refused_in_chinese_and_nothing_is_created(
    world: Any, cluster: str
) -> None:
    response = _post(world.district, getattr(world, cluster))
    html = response.content.decode()
    assert response.status_code == 400
    assert "是区级表单，为本区（浦东新区）整体填写，不选择集群，请将“集群”留空。" in html
    assert 'name="cluster" disabled' in html  # the page offered again leaves the cluster out
    assert not Filing.objects.exists()
    assert _post(world.district).status_code == 302 and Filing.objects.get().cluster is None


def test_a_cluster_form_still_needs_a_cluster_of_the_district(world: Any) -> None:
    national = next(f"{t.code}@{t.version}" for t in current_templates() if t.code == "national_application")
    body = {"cluster": "", "template": national, "year": "2025"}
    response = _client(world.district).post(reverse("filings:new"), body)
    assert response.status_code == 400 and "请选择本辖区的集群。" in response.content.decode()
    assert not Filing.objects.exists()


def test_the_operator_is_not_offered_the_summary_and_a_direct_post_is_refused(world: Any) -> None:
    html = _client(world.operator).get(reverse("filings:new")).content.decode()
    assert "sh_district_summary@" not in html
    response = _post(world.operator, world.cluster_pudong)
    assert response.status_code == 403
    assert "区级表单由区级中小企业主管部门填写" in response.content.decode()
    assert not Filing.objects.exists()


def test_the_no_access_user_is_not_offered_the_summary_and_creates_nothing(world: Any) -> None:
    html = _client(world.nobody).get(reverse("filings:new")).content.decode()
    assert "sh_district_summary@" not in html and world.cluster_pudong.name not in html
    assert _post(world.nobody).status_code == 403
    assert not Filing.objects.exists()


def test_the_summary_is_listed_shown_and_printed_for_the_district_and_the_city(world: Any) -> None:
    filing = _summary(world)
    for user in (world.district, world.city_staff):
        listing = _client(user).get(reverse("filings:list")).content.decode()
        assert "浦东新区科经委" in listing and "区级" in listing
        for name in ("filings:detail", "filings:print"):
            response = _client(user).get(reverse(name, args=[filing.pk]))
            assert response.status_code == 200 and "浦东新区" in response.content.decode()


def test_another_district_an_operator_and_the_no_access_user_get_404(world: Any) -> None:
    filing = _summary(world)
    for user in (world.district_huangpu, world.operator, world.nobody):
        assert "浦东新区科经委" not in _client(user).get(reverse("filings:list")).content.decode()
        for name in ("filings:detail", "filings:print", "filings:edit"):
            assert _client(user).get(reverse(name, args=[filing.pk])).status_code == 404
        response = _client(user).post(reverse("filings:save", args=[filing.pk]), _typed("x"))
        assert response.status_code == 404
    assert "overview" not in Filing.objects.get().data


def test_the_district_saves_the_summary_from_its_page_and_the_city_may_not(world: Any) -> None:
    filing = _summary(world)
    url = reverse("filings:save", args=[filing.pk])
    assert _client(world.city_staff).post(url, _typed("市里改的")).status_code == 403
    response = _client(world.district).post(url, _typed("本区集群总体情况良好。"))
    assert response.status_code == 302
    assert Filing.objects.get().data["overview"] == "本区集群总体情况良好。"
