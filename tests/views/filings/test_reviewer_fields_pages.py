"""The pages for the parts of a form another party fills: the operator's edit page shows the
district's fields read-only with 「由区级中小企业主管部门填写」 and a posted value for them is
refused; the county department fills the national application from its own pages; the district
types its opinion on the review page (the transition form), which writes it into the form."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.filings.models import Filing
from apps.orgs.models import Role
from apps.workflow.models import Submission
from apps.workflow.services import application_start, transition_apply
from tests import factories as f
from tests import factories_filings as ff
from tests import factories_workflow as fw

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def filing(world: Any) -> Filing:
    return ff.pudong_application(world)


def test_the_edit_page_shows_the_districts_fields_read_only_with_who_fills_them(world: Any, filing: Filing) -> None:
    html = _client(world.operator).get(reverse("filings:edit", args=[filing.pk])).content.decode()
    start = html.index('id="field-district_recommendation"')
    block = html[start : html.index('id="field-district_recommendation_date"')]
    assert "由区级中小企业主管部门填写" in block
    assert 'name="f:district_recommendation"' not in block and "disabled" in block
    assert 'name="f:cover_cluster_name"' in html  # the operator's own fields stay editable


def test_a_posted_district_field_is_refused_naming_it_and_nothing_is_saved(world: Any, filing: Filing) -> None:
    response = _client(world.operator).post(
        reverse("filings:save", args=[filing.pk]),
        {
            "revision": filing.revision,
            "f:district_recommendation": "1",
            "v:district_recommendation": "同意推荐",
            "f:area_km2": "1",
            "v:area_km2": "12.00",
        },
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 400
    assert response.json()["message"] == (
        "栏目“区级中小企业主管部门推荐意见”由区级中小企业主管部门填写，申报（填报）单位不能更改。"
    )
    filing.refresh_from_db()
    assert "district_recommendation" not in filing.data and "area_km2" not in filing.data


@pytest.mark.parametrize(
    ("who", "edit", "detail"),
    [
        ("county", 200, 200),
        ("operator_xihu", 403, 200),
        ("operator", 404, 404),
        ("district", 404, 404),
        ("nobody", 404, 404),
    ],
)
def test_the_county_fills_the_national_form_and_the_operator_only_reads_it(
    world: Any, who: str, edit: int, detail: int
) -> None:
    users = {
        "county": f.user_with(world.xihu, Role.DISTRICT_REVIEWER, username="county_xihu"),
        "operator_xihu": f.user_with(world.op_xihu, Role.OPERATOR_STAFF, username="op_xihu"),
        "operator": world.operator,
        "district": world.district,
        "nobody": world.nobody,
    }
    c = fw.campaign(
        world.zhejiang,
        world.province_zj_admin,
        document_number="浙经信企〔2025〕1号",
        tracks=(("national_application", "new_applicants"),),
        templates={"national_application": "national_application"},
        quotas={"province": 8},
    )
    c.tracks.update(template_version="2025.2")
    sub = fw.submission(c, world.cluster_xihu, workflow_key="national_application")
    page = _client(users["county"]).get(reverse("workflow:submission_detail", args=[sub.pk])).content.decode()
    assert 'id="form-open"' in page  # 开始填报 for the applicant
    response = _client(users["county"]).post(reverse("workflow:submission_open_form", args=[sub.pk]))
    sub.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == reverse("filings:edit", args=[sub.subject_id])
    user = users[who]
    assert _client(user).get(reverse("filings:edit", args=[sub.subject_id])).status_code == edit
    assert _client(user).get(reverse("filings:detail", args=[sub.subject_id])).status_code == detail


def test_the_district_types_its_recommendation_on_the_review_page(world: Any) -> None:
    c = fw.sh_application_campaign(world)
    c.tracks.update(template_version="2025.2")
    sub: Submission = application_start(
        actor=world.operator, campaign=c, track=c.tracks.get(), cluster=world.cluster_pudong
    )
    fw.complete_application(world, sub.subject)
    transition_apply(actor=world.operator, instance=sub, transition="submit", comment="", expected_state="draft")
    url = reverse("workflow:submission_detail", args=[sub.pk])
    page = _client(world.district).get(url).content.decode()
    assert 'name="sv__district_recommendation_seal"' in page and f'value="{world.pudong.name}"' in page
    assert "sv__district_recommendation_seal" not in _client(world.operator).get(url).content.decode()
    for outsider in (world.district_huangpu, world.nobody):
        assert _client(outsider).get(url).status_code == 404
    response = _client(world.district).post(
        reverse("workflow:submission_transition", args=[sub.pk]),
        {
            "transition": "district_recommend",
            "expected_state": "district_review",
            "comment": "材料齐全，同意推荐。",
            "sv__district_recommendation_seal": "浦东新区科技和经济委员会",
            "sv__district_recommendation_date": "2025-06-03",
        },
    )
    assert response.status_code == 302
    filing = Filing.objects.get(pk=sub.subject_id)
    assert filing.data["district_recommendation"] == "材料齐全，同意推荐。"
    assert filing.data["district_recommendation_seal"] == "浦东新区科技和经济委员会"
    printed = _client(world.district).get(reverse("filings:print", args=[filing.pk])).content.decode()
    assert "材料齐全，同意推荐。" in printed


def test_on_a_first_2025_filing_the_edit_page_refuses_the_districts_opinion(world: Any) -> None:
    old = ff.pudong_application(world, "2025")
    html = _client(world.operator).get(reverse("filings:edit", args=[old.pk])).content.decode()
    block = html[html.index('id="field-district_recommendation"') :][:3000]
    assert "由区级中小企业主管部门填写" in block and 'name="f:district_recommendation"' not in block
    response = _client(world.operator).post(
        reverse("filings:save", args=[old.pk]),
        {"revision": old.revision, "f:district_recommendation": "1", "v:district_recommendation": "同意推荐"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 400
    assert "由区级中小企业主管部门填写，申报（填报）单位不能更改" in response.json()["message"]
    assert _client(world.nobody).get(reverse("filings:edit", args=[old.pk])).status_code == 404
    old.refresh_from_db()
    assert "district_recommendation" not in old.data
