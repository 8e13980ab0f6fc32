"""Service-evaluation pages: the city assigns evaluators on the submission page, the evaluator
scores on the assessment page, the city confirms the grade; out of scope → 404."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from apps.assessment.models import ServiceEvaluation
from apps.assessment.scoring import get_rubric
from apps.workflow.models import Submission
from apps.workflow.services.evaluation import service_evaluation_assign
from tests.factories_assessment import score_all
from tests.factories_evaluation import second_evaluator, submitted_evaluation


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _score_form(evaluation: ServiceEvaluation, fraction: str, **extra: str) -> dict[str, str]:
    from decimal import ROUND_DOWN, Decimal

    data = dict(extra)
    for item in get_rubric(evaluation.rubric_code).items():
        data[f"points_{item.code}"] = str((item.max * Decimal(fraction)).quantize(Decimal("0.01"), ROUND_DOWN))
        data[f"comment_{item.code}"] = "见佐证材料"
    return data


def test_the_city_assigns_an_evaluator_on_the_submission_page_and_a_district_user_is_refused(world: Any) -> None:
    sub = submitted_evaluation(world)
    url = reverse("workflow:submission_detail", args=[sub.pk])
    assign = reverse("workflow:evaluation_assign", args=[sub.pk])
    page = _client(world.city_staff).get(url).content.decode()
    assert 'id="evaluation-assign"' in page and str(world.evaluator) in page
    assert 'id="evaluation-assign"' not in _client(world.district).get(url).content.decode()

    refused = _client(world.district).post(assign, {"evaluators": [world.evaluator.pk]})
    assert refused.status_code == 403
    assert not ServiceEvaluation.objects.exists()
    assert _client(world.nobody).post(assign, {"evaluators": [world.evaluator.pk]}).status_code == 404
    assert _client(world.nobody).get(url).status_code == 404

    empty = _client(world.city_staff).post(assign, {}, follow=True)
    assert "请至少选择一名第三方评价人员" in empty.content.decode()
    done = _client(world.city_staff).post(assign, {"evaluators": [world.evaluator.pk]}, follow=True)
    assert "已分配第三方评价人员" in done.content.decode()
    assert 'id="evaluator-panel"' in done.content.decode()
    assert ServiceEvaluation.objects.count() == 1


def test_only_the_authorities_see_the_panel_of_evaluators_on_the_submission_page(world: Any) -> None:
    sub = submitted_evaluation(world)
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator])
    url = reverse("workflow:submission_detail", args=[sub.pk])
    detail = f'href="{reverse("assessment:evaluation_detail", args=[evaluation.pk])}"'
    for authority in (world.city_staff, world.district):
        page = _client(authority).get(url).content.decode()
        assert 'id="evaluator-panel"' in page and detail in page, authority
    for other in (world.operator, world.evaluator):
        page = _client(other).get(url).content.decode()
        assert 'id="evaluator-panel"' not in page and detail not in page, other
    assert _client(world.nobody).get(url).status_code == 404


def test_an_unassigned_evaluator_gets_404_on_the_submission_its_form_and_the_scoring_page(world: Any) -> None:
    sub = submitted_evaluation(world)
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator])
    stranger = _client(second_evaluator(world, "evaluator_unassigned"))
    assert stranger.get(reverse("workflow:submission_detail", args=[sub.pk])).status_code == 404
    assert stranger.get(reverse("filings:detail", args=[sub.subject_id])).status_code == 404
    assert stranger.get(reverse("assessment:evaluation_score", args=[evaluation.pk])).status_code == 404
    assert stranger.post(reverse("workflow:evaluation_assign", args=[sub.pk])).status_code == 404
    # The assigned evaluator reads the form (read-only) and is sent to the scoring page.
    mine = _client(world.evaluator)
    page = mine.get(reverse("workflow:submission_detail", args=[sub.pk])).content.decode()
    assert 'id="evaluation-score"' in page and "去评分" in page
    assert 'data-transition="evaluator_submit"' not in page
    assert mine.get(reverse("filings:detail", args=[sub.subject_id])).status_code == 200
    scoring = mine.get(reverse("assessment:evaluation_score", args=[evaluation.pk])).content.decode()
    assert 'id="self-assessment"' in scoring and 'name="opinion"' in scoring


def test_the_evaluator_cannot_submit_before_scoring_every_item_and_the_typing_is_kept(world: Any) -> None:
    sub = submitted_evaluation(world)
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator])
    first = get_rubric(evaluation.rubric_code).items()[0]
    response = _client(world.evaluator).post(
        reverse("assessment:evaluation_score", args=[evaluation.pk]),
        {f"points_{first.code}": "1", "action": "submit", "opinion": "总体较好"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "尚有评分项未评分" in body and "总体较好" in body
    assert Submission.objects.get(pk=sub.pk).state == "third_party_scoring"


def test_the_last_evaluator_submitting_on_the_page_moves_the_track_and_the_city_sees_the_explanation(
    world: Any,
) -> None:
    sub = submitted_evaluation(world)
    other = second_evaluator(world)
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator, other])
    score_all(evaluation, other, "0.7", submit=False)
    from apps.assessment import services

    services.evaluation_submit(actor=other, evaluation=evaluation, opinion="基本达到要求")
    no_opinion = _client(world.evaluator).post(
        reverse("assessment:evaluation_score", args=[evaluation.pk]), _score_form(evaluation, "0.9", action="submit")
    )
    assert no_opinion.status_code == 400 and "请填写第三方评价意见" in no_opinion.content.decode()
    assert Submission.objects.get(pk=sub.pk).state == "third_party_scoring"
    done = _client(world.evaluator).post(
        reverse("assessment:evaluation_score", args=[evaluation.pk]),
        _score_form(evaluation, "0.9", action="submit", opinion="服务体系健全"),
    )
    assert done.status_code == 302
    sub.refresh_from_db()
    assert sub.state == "city_confirmation"

    page = _client(world.city_staff).get(reverse("workflow:submission_detail", args=[sub.pk])).content.decode()
    assert 'id="evaluation-explanation"' in page
    assert f"汇总得分：{sub.data['score']} 分" in page and "2 位评价人员的平均分" in page
    assert "优秀 ≥" in page and 'data-transition="city_confirm_grade"' in page
    operator_page = _client(world.operator).get(reverse("workflow:submission_detail", args=[sub.pk])).content.decode()
    assert 'id="evaluation-explanation"' not in operator_page
    assert "第三方评分完成" in operator_page  # the step, but not yet the score, grade or opinions
    assert sub.data["score"] not in operator_page and "服务体系健全" not in operator_page

    response = _client(world.city_staff).post(
        reverse("workflow:submission_transition", args=[sub.pk]),
        {"transition": "city_confirm_grade", "expected_state": "city_confirmation", "data__grade": "良好"},
        follow=True,
    )
    sub.refresh_from_db()
    if sub.data["proposed_grade"] != "良好":
        assert "请在确认意见中说明理由" in response.content.decode()
        assert sub.state == "city_confirmation"
        _client(world.city_staff).post(
            reverse("workflow:submission_transition", args=[sub.pk]),
            {
                "transition": "city_confirm_grade",
                "expected_state": "city_confirmation",
                "data__grade": "良好",
                "comment": "综合考虑佐证材料",
            },
        )
    sub.refresh_from_db()
    assert sub.state == "confirmed"
    operator_page = _client(world.operator).get(reverse("workflow:submission_detail", args=[sub.pk])).content.decode()
    assert "评价等级（市级确认）：<strong>良好</strong>，可申报专项资金" in operator_page
    cluster_page = _client(world.operator).get(reverse("clusters:detail", args=[world.cluster_pudong.pk]))
    assert "<strong>良好</strong>（2024年度，市级确认" in cluster_page.content.decode()
    assert "可申报专项资金" in cluster_page.content.decode()


def test_the_cluster_page_says_when_there_is_no_confirmed_grade(world: Any) -> None:
    submitted_evaluation(world)
    page = _client(world.operator).get(reverse("clusters:detail", args=[world.cluster_pudong.pk])).content.decode()
    assert "尚无市级确认的服务评价等级" in page
    assert _client(world.nobody).get(reverse("clusters:detail", args=[world.cluster_pudong.pk])).status_code == 404
