"""The service-evaluation result explains its inputs: once the city has confirmed the grade the
operator sees each evaluator's total as 评价人员一、二… (highest first, the totals the trimmed mean
drops marked), on the page and through the API, and never an evaluator's name; before that it
sees nothing of them; the authorities see the names; out of scope → 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.assessment import services as assessment
from apps.workflow.models import Submission
from apps.workflow.services import transition_apply
from apps.workflow.services.evaluation import service_evaluation_assign
from tests.factories_assessment import score_all
from tests.factories_evaluation import second_evaluator, submitted_evaluation

pytestmark = pytest.mark.django_db
# Five evaluators (the trimmed mean drops the highest and the lowest) with distinct names.
PANEL = (("钱评审", "0.95"), ("孙评审", "0.9"), ("李评审", "0.8"), ("周评审", "0.7"), ("吴评审", "0.6"))


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _scored(world: Any) -> tuple[Submission, list[Any]]:
    """Scored by five evaluators: at 市级确认等级."""
    sub = submitted_evaluation(world)
    evaluators = []
    for i, (name, _fraction) in enumerate(PANEL):
        user = world.evaluator if i == 0 else second_evaluator(world, f"panel_evaluator_{i}")
        user.display_name = name
        user.save()
        evaluators.append(user)
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=evaluators)
    for user, (_name, fraction) in zip(evaluators, PANEL, strict=True):
        score_all(evaluation, user, fraction, submit=False)
        assessment.evaluation_submit(actor=user, evaluation=evaluation, opinion=f"意见{fraction}")
    sub.refresh_from_db()
    assert sub.state == "city_confirmation"
    return sub, evaluators


def _confirm(world: Any, sub: Submission) -> None:
    transition_apply(
        actor=world.city_staff,
        instance=sub,
        transition="city_confirm_grade",
        comment="",
        expected_state="city_confirmation",
        data={"grade": sub.data["proposed_grade"]},
    )
    sub.refresh_from_db()


def _identities(evaluators: list[Any]) -> list[str]:
    return [str(u) for u in evaluators] + [u.username for u in evaluators]


def test_the_operator_sees_each_evaluators_total_anonymised_after_the_city_confirms(world: Any) -> None:
    sub, evaluators = _scored(world)
    _confirm(world, sub)
    api = _client(world.operator).get(f"/api/workflow/submissions/{sub.pk}")
    body = api.content.decode("unicode_escape")
    result = api.json()["evaluation_result"]
    totals = result["evaluator_totals"]
    assert [t["label"] for t in totals] == ["评价人员一", "评价人员二", "评价人员三", "评价人员四", "评价人员五"]
    values = [t["total"] for t in totals]
    assert values == sorted(values, key=float, reverse=True)
    assert [t["dropped"] for t in totals] == ["去掉的最高分", "", "", "", "去掉的最低分"]
    kept = [float(v) for v in values[1:-1]]
    assert f"{sum(kept) / 3:.2f}" == result["score"]  # the inputs reproduce the published score
    assert result["opinions"].startswith("评价人员一：意见0.95")
    page = _client(world.operator).get(reverse("workflow:submission_detail", args=[sub.pk])).content.decode()
    assert 'id="evaluator-totals"' in page and "评价人员五" in page and "去掉的最低分" in page
    assert "不公布评价人员姓名" in page
    for name in _identities(evaluators):
        assert name not in body, name
        assert name not in page, name
    listed = _client(world.operator).get("/api/workflow/submissions").json()
    assert listed[0]["evaluation_result"]["evaluator_totals"][0]["label"] == "评价人员一"


def test_the_operator_sees_no_evaluator_totals_before_the_city_confirms(world: Any) -> None:
    sub, evaluators = _scored(world)
    result = _client(world.operator).get(f"/api/workflow/submissions/{sub.pk}").json()["evaluation_result"]
    assert result["visible"] is False and result["evaluator_totals"] == []
    page = _client(world.operator).get(reverse("workflow:submission_detail", args=[sub.pk])).content.decode()
    assert 'id="evaluator-totals"' not in page and "评价人员一" not in page
    for name in _identities(evaluators):
        assert name not in page, name


def test_the_city_sees_the_evaluators_totals_by_name(world: Any) -> None:
    sub, _evaluators = _scored(world)
    result = _client(world.city_staff).get(f"/api/workflow/submissions/{sub.pk}").json()["evaluation_result"]
    assert [t["label"] for t in result["evaluator_totals"]] == [name for name, _ in PANEL]
    assert "钱评审：意见0.95" in result["opinions"]
    page = _client(world.city_staff).get(reverse("workflow:submission_detail", args=[sub.pk])).content.decode()
    assert 'id="evaluator-totals"' in page and "钱评审" in page and "评价人员一" not in page
    assert "不公布评价人员姓名" not in page


def test_nobody_gets_404_for_the_evaluation_result(world: Any) -> None:
    sub, _evaluators = _scored(world)
    _confirm(world, sub)
    nobody = _client(world.nobody)
    assert nobody.get(f"/api/workflow/submissions/{sub.pk}").status_code == 404
    assert nobody.get(reverse("workflow:submission_detail", args=[sub.pk])).status_code == 404
    assert nobody.get("/api/workflow/submissions").json() == []


def _scored_by(world: Any, campaign: Any, n: int) -> Submission:
    """A service evaluation of a new Pudong cluster scored and submitted by `n` evaluators."""
    from apps.workflow.demo_forms import fill_application
    from apps.workflow.services import submission_open_form, submission_start
    from tests import factories as f

    cluster = f.ClusterFactory(district=world.pudong, operator=world.cluster_pudong.operator)
    sub = submission_start(
        actor=world.city_staff,
        campaign=campaign,
        track=campaign.tracks.get(),
        workflow_key="service_evaluation",
        year=campaign.year,
        cluster=cluster,
    )
    submission_open_form(actor=world.operator, submission=sub)
    sub.refresh_from_db()
    fill_application(actor=world.operator, filing=sub.subject)
    transition_apply(actor=world.operator, instance=sub, transition="submit", comment="", expected_state="draft")
    evaluators = [second_evaluator(world, f"counted_{cluster.pk}_{i}") for i in range(n)]
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=evaluators)
    for user in evaluators:
        score_all(evaluation, user, "0.9", submit=False)
        assessment.evaluation_submit(actor=user, evaluation=evaluation, opinion="意见")
    sub.refresh_from_db()
    assert sub.state == "city_confirmation"
    return sub


def test_the_citys_submission_page_asks_as_many_queries_for_three_evaluators_as_for_one(world: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories_evaluation import evaluation_campaign

    campaign = evaluation_campaign(world)
    one, three = _scored_by(world, campaign, 1), _scored_by(world, campaign, 3)
    city = _client(world.city_staff)
    city.get(reverse("workflow:submission_detail", args=[one.pk]))  # the session and content types cached
    counts = []
    for sub in (one, three):
        with CaptureQueriesContext(connection) as ctx:
            page = city.get(reverse("workflow:submission_detail", args=[sub.pk])).content.decode()
        assert 'id="evaluator-totals"' in page and "评价人员一" not in page
        counts.append(len(ctx.captured_queries))
    assert counts[1] == counts[0]
