"""/api/workflow/ and the submission page apply one rule to the service-evaluation result
(permissions.can_view_evaluation_result): the operator sees no score, proposed grade or
evaluators' opinions until the city confirms the grade; out of scope → 404."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.assessment import services as assessment
from apps.workflow.models import Submission
from apps.workflow.permissions import can_view_evaluation_result
from apps.workflow.services import transition_apply
from apps.workflow.services.evaluation import service_evaluation_assign
from tests.factories_assessment import score_all
from tests.factories_evaluation import second_evaluator, submitted_evaluation

pytestmark = pytest.mark.django_db
OPINION = "服务体系健全，特色服务突出（评价人员甲）"


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _api(user: Any, sub: Submission) -> Any:
    return _client(user).get(f"/api/workflow/submissions/{sub.pk}")


def _scored(world: Any) -> Submission:
    """Scored by the one assigned evaluator: at 市级确认等级 with score and proposed grade."""
    sub = submitted_evaluation(world)
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator])
    score_all(evaluation, world.evaluator, "0.9", submit=False)
    assessment.evaluation_submit(actor=world.evaluator, evaluation=evaluation, opinion=OPINION)
    sub.refresh_from_db()
    assert sub.state == "city_confirmation"
    return sub


def test_the_operator_gets_no_score_grade_or_opinions_through_the_api_before_the_city_confirms(world: Any) -> None:
    sub = _scored(world)
    response = _api(world.operator, sub)
    assert response.status_code == 200
    result = response.json()["evaluation_result"]
    assert result["visible"] is False
    assert "确认评价等级后公布" in result["reason"]
    assert (result["score"], result["proposed_grade"], result["grade"], result["opinions"]) == ("", "", "", "")
    body = response.content.decode("unicode_escape")
    assert OPINION not in body and sub.data["score"] not in body
    listed = _client(world.operator).get("/api/workflow/submissions").json()
    assert [r["evaluation_result"]["visible"] for r in listed] == [False]
    # The page applies the same rule.
    page = _client(world.operator).get(reverse("workflow:submission_detail", args=[sub.pk])).content.decode()
    assert OPINION not in page and sub.data["score"] not in page and 'id="evaluation-explanation"' not in page


def test_the_city_and_the_district_get_the_result_through_the_api_and_nobody_gets_404(world: Any) -> None:
    sub = _scored(world)
    for user in (world.city_staff, world.district):
        result = _api(user, sub).json()["evaluation_result"]
        assert result["visible"] is True
        assert result["score"] == sub.data["score"] and result["proposed_grade"] == sub.data["proposed_grade"]
        assert OPINION in result["opinions"] and result["grade"] == ""
    assert _api(world.nobody, sub).status_code == 404
    assert _client(world.nobody).get("/api/workflow/submissions").json() == []


def test_the_operator_gets_the_confirmed_grade_score_and_opinions_through_the_api_after_confirmation(
    world: Any,
) -> None:
    sub = _scored(world)
    transition_apply(
        actor=world.city_staff,
        instance=sub,
        transition="city_confirm_grade",
        comment="",
        expected_state="city_confirmation",
        data={"grade": sub.data["proposed_grade"]},
    )
    result = _api(world.operator, sub).json()["evaluation_result"]
    assert result["visible"] is True
    assert result["grade"] == sub.data["proposed_grade"] and result["score"] == sub.data["score"]
    assert OPINION in result["opinions"]
    page = _client(world.operator).get(reverse("workflow:submission_detail", args=[sub.pk])).content.decode()
    assert OPINION in page and 'id="confirmed-grade"' in page


def test_an_evaluator_sees_the_result_only_after_submitting_their_own_scores(world: Any) -> None:
    sub = submitted_evaluation(world)
    other = second_evaluator(world)
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator, other])
    score_all(evaluation, world.evaluator, "0.9", submit=False)
    assessment.evaluation_submit(actor=world.evaluator, evaluation=evaluation, opinion=OPINION)
    sub.refresh_from_db()
    assert can_view_evaluation_result(world.evaluator, sub)[0] is True
    ok, reason = can_view_evaluation_result(other, sub)
    assert ok is False and "请先提交本人评分" in reason
    assert _api(other, sub).json()["evaluation_result"]["visible"] is False


def test_other_workflows_carry_no_evaluation_result_in_the_api(world: Any) -> None:
    from tests import factories_workflow as fw

    camp = fw.campaign(world.shanghai, world.city_staff)
    sub = fw.submission(camp, world.cluster_pudong, state="district_review")
    assert _api(world.operator, sub).json()["evaluation_result"] is None
    assert json.loads(_api(world.city_staff, sub).content)["evaluation_result"] is None
