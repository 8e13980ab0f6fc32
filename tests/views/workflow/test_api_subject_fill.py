"""/api/workflow/ transition with `subject_values`: the reviewer's own form fields (推荐单位（公章）,
推荐日期 …) of a `subject_fill` transition go through the same service call as the page's sv__
inputs, validated by the form template with Chinese errors naming the field; nothing changes
when one is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from apps.filings.models import Filing
from apps.workflow.models import Submission
from apps.workflow.services import application_start, transition_apply
from tests import factories_workflow as fw

pytestmark = pytest.mark.django_db

RECOMMENDATION = "材料齐全，符合申报条件，同意推荐。"


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(user: Any, sub: Submission, body: dict[str, Any]) -> Any:
    return _client(user).post(
        f"/api/workflow/submissions/{sub.pk}/transition", data=json.dumps(body), content_type="application/json"
    )


def _submitted(world: Any, version: str = "2025.2") -> Submission:
    camp = fw.sh_application_campaign(world)
    camp.tracks.update(template_version=version)
    sub = application_start(actor=world.operator, campaign=camp, track=camp.tracks.get(), cluster=world.cluster_pudong)
    fw.complete_application(world, sub.subject)
    transition_apply(actor=world.operator, instance=sub, transition="submit", comment="", expected_state="draft")
    sub.refresh_from_db()
    return sub


def _recommend(**subject_values: str) -> dict[str, Any]:
    return {
        "transition": "district_recommend",
        "expected_state": "district_review",
        "comment": RECOMMENDATION,
        "subject_values": subject_values,
    }


def test_the_district_sends_its_seal_and_date_and_the_form_holds_them_with_the_opinion(world: Any) -> None:
    sub = _submitted(world)
    listed = _client(world.district).get(f"/api/workflow/submissions/{sub.pk}").json()
    recommend = next(t for t in listed["transitions"] if t["key"] == "district_recommend")
    assert [f["key"] for f in recommend["subject_fields"]] == [
        "district_recommendation_seal",
        "district_recommendation_date",
    ]
    assert recommend["subject_fields"][0]["value"] == world.pudong.name  # as pre-filled on the page
    response = _post(
        world.district,
        sub,
        _recommend(district_recommendation_seal="浦东新区科技和经济委员会", district_recommendation_date="2025-06-03"),
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "city_formal_review"
    filing = Filing.objects.get(pk=sub.subject.pk)
    assert filing.data["district_recommendation"] == RECOMMENDATION
    assert filing.data["district_recommendation_seal"] == "浦东新区科技和经济委员会"
    assert filing.data["district_recommendation_date"] == "2025-06-03"


def test_a_malformed_date_is_refused_naming_the_field_and_nothing_changes(world: Any) -> None:
    sub = _submitted(world)
    response = _post(world.district, sub, _recommend(district_recommendation_date="六月三日"))
    assert response.status_code == 400
    body = response.json()
    assert "区级中小企业主管部门填写的栏目" in body["detail"] and "日期" in body["detail"]
    assert [i["field"] for i in body["issues"]] == ["district_recommendation_date"]
    sub.refresh_from_db()
    assert sub.state == "district_review"
    assert "district_recommendation" not in Filing.objects.get(pk=sub.subject.pk).data


def test_the_applicants_field_or_an_unknown_one_is_refused_by_name(world: Any) -> None:
    sub = _submitted(world)
    theirs = _post(world.district, sub, _recommend(cluster_name="改过的集群名称"))
    assert theirs.status_code == 400
    assert "由申报（填报）单位填写，区级中小企业主管部门不能填写" in theirs.json()["detail"]
    assert theirs.json()["field"] == "cluster_name"
    unknown = _post(world.district, sub, _recommend(seal="浦东"))
    assert unknown.status_code == 400 and unknown.json()["detail"] == "表单中没有栏目“seal”。"
    opinion = _post(world.district, sub, _recommend(district_recommendation="写在别处的意见"))
    assert opinion.status_code == 400 and "请填写在意见（comment）中" in opinion.json()["detail"]
    sub.refresh_from_db()
    assert sub.state == "district_review"


def test_subject_values_on_a_transition_that_fills_nothing_are_refused(world: Any) -> None:
    sub = _submitted(world)
    response = _post(
        world.district,
        sub,
        {
            "transition": "district_return",
            "expected_state": "district_review",
            "comment": "请补充材料。",
            "field_reasons": {"cluster_name": "名称与营业执照不一致"},
            "subject_values": {"district_recommendation_seal": "浦东"},
        },
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "“退回修改”不填写表单栏目，不能提交栏目“district_recommendation_seal”。"
    sub.refresh_from_db()
    assert sub.state == "district_review"


def test_a_first_2025_form_takes_the_opinion_but_has_no_seal_line(world: Any) -> None:
    # The published 2025 file has only the opinion; its filled_by overlay gives it to the district.
    sub = _submitted(world, version="2025")
    listed = _client(world.district).get(f"/api/workflow/submissions/{sub.pk}").json()
    assert all(t["subject_fields"] == [] for t in listed["transitions"])
    response = _post(world.district, sub, _recommend(district_recommendation_seal="浦东"))
    assert response.status_code == 400 and response.json()["detail"] == "表单中没有栏目“district_recommendation_seal”。"
    assert _post(world.district, sub, _recommend()).status_code == 200
    assert Filing.objects.get(pk=sub.subject.pk).data["district_recommendation"] == RECOMMENDATION


def test_the_operator_and_the_no_access_user_cannot_fill_the_district_part(world: Any) -> None:
    sub = _submitted(world)
    assert _post(world.operator, sub, _recommend(district_recommendation_seal="运营机构")).status_code == 403
    assert _post(world.nobody, sub, _recommend(district_recommendation_seal="某单位")).status_code == 404
    sub.refresh_from_db()
    assert sub.state == "district_review"
    assert "district_recommendation_seal" not in Filing.objects.get(pk=sub.subject.pk).data
