"""撤回/更换评价人员: the city withdraws an assigned evaluator who has not submitted (reason
required; Assignments deactivated, draft scores discarded, audited, notified); if everyone left
has submitted, the track moves on as after a last submission. Refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from apps.assessment import services as assessment
from apps.assessment.models import EvaluationScore, ServiceEvaluation
from apps.assessment.selectors import evaluations_visible_to
from apps.core.errors import AccessDenied, ServiceError
from apps.core.models import AuditEvent
from apps.filings.selectors import filings_visible_to
from apps.orgs.models import Assignment
from apps.workflow.models import Notification, Submission, WorkflowEvent
from apps.workflow.selectors import submissions_visible_to
from apps.workflow.services.evaluation import (
    evaluation_for,
    service_evaluation_assign,
    service_evaluation_withdraw,
)
from apps.workflow.todos import service_evaluation_todos
from tests.factories_assessment import score_all
from tests.factories_evaluation import second_evaluator, submitted_evaluation

pytestmark = pytest.mark.django_db


def _panel(world: Any, *extra: Any) -> tuple[Submission, ServiceEvaluation]:
    sub = submitted_evaluation(world)
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator, *extra])
    return sub, evaluation


def _submit(evaluation: ServiceEvaluation, evaluator: Any, fraction: str, opinion: str) -> None:
    score_all(evaluation, evaluator, fraction, submit=False)
    assessment.evaluation_submit(actor=evaluator, evaluation=evaluation, opinion=opinion)


def _snapshot(sub: Submission, evaluation: ServiceEvaluation) -> tuple[Any, ...]:
    sub.refresh_from_db()
    return (
        sub.state,
        sub.version,
        sorted(Assignment.objects.filter(is_active=True).values_list("user_id", "content_type_id", "object_id")),
        EvaluationScore.objects.filter(evaluation=evaluation).count(),
        AuditEvent.objects.filter(action__contains="withdraw").count(),
        Notification.objects.filter(key__startswith="service_evaluation_withdraw").count(),
    )


def test_the_city_withdraws_an_evaluator_who_then_sees_nothing_and_whose_draft_scores_are_discarded(
    world: Any,
) -> None:
    other = second_evaluator(world)
    sub, evaluation = _panel(world, other)
    assessment.evaluation_score_save(
        actor=other, evaluation=evaluation, item_code=_first_item(evaluation), points="1", comment="草稿"
    )

    after = service_evaluation_withdraw(actor=world.city_staff, submission=sub, evaluator=other, reason="利益回避")

    assert after.state == "third_party_scoring"  # the remaining evaluator has not submitted
    assert not submissions_visible_to(other).exists()
    assert not filings_visible_to(other).exists()
    assert not evaluations_visible_to(other).exists()
    assert service_evaluation_todos(other) == []
    assert not EvaluationScore.objects.filter(evaluator=other).exists()
    assert assessment.evaluation_summary(evaluation)["evaluators_assigned"] == 1
    audit = AuditEvent.objects.get(action="workflow.service_evaluation.withdraw")
    assert audit.note == "利益回避"
    assert AuditEvent.objects.filter(action="evaluation.withdraw_evaluator").count() == 1
    note = Notification.objects.get(recipient=other, key__startswith="service_evaluation_withdraw")
    assert "利益回避" in note.body and "已撤回" in note.title
    # The one who stays still sees everything.
    assert list(submissions_visible_to(world.evaluator)) == [sub]


def test_withdrawing_the_only_pending_evaluator_moves_the_track_on_as_after_a_last_submission(world: Any) -> None:
    other = second_evaluator(world)
    sub, evaluation = _panel(world, other)
    _submit(evaluation, world.evaluator, "0.9", "服务体系健全（评价人员甲）")
    sub.refresh_from_db()
    assert sub.state == "third_party_scoring"

    after = service_evaluation_withdraw(actor=world.city_staff, submission=sub, evaluator=other, reason="长期出差")

    assert after.state == "city_confirmation"
    summary = assessment.evaluation_summary(evaluation)
    assert (summary["evaluators_assigned"], summary["evaluators_finished"]) == (1, 1)
    event = WorkflowEvent.objects.get(submission=sub, transition="evaluator_submit")
    assert event.actor == world.evaluator
    assert event.data == {"score": str(summary["score"]), "proposed_grade": summary["grade"]}
    assert summary["score"] == evaluation.submissions.get(evaluator=world.evaluator).total
    assert "服务体系健全（评价人员甲）" in event.comment
    evaluation.refresh_from_db()
    assert evaluation.status == "closed"
    [todo] = service_evaluation_todos(world.city_staff)
    assert todo.category == "待确认等级"


def test_an_evaluator_who_has_submitted_cannot_be_withdrawn_and_nothing_changes(world: Any) -> None:
    other = second_evaluator(world)
    sub, evaluation = _panel(world, other)
    _submit(evaluation, world.evaluator, "0.9", "意见")
    before = _snapshot(sub, evaluation)
    with pytest.raises(ServiceError, match="已提交评分，不能撤回"):
        service_evaluation_withdraw(actor=world.city_staff, submission=sub, evaluator=world.evaluator, reason="更换")
    assert _snapshot(sub, evaluation) == before


def test_the_last_remaining_evaluator_cannot_be_withdrawn(world: Any) -> None:
    sub, evaluation = _panel(world)
    before = _snapshot(sub, evaluation)
    with pytest.raises(ServiceError, match="至少须保留一名"):
        service_evaluation_withdraw(actor=world.city_staff, submission=sub, evaluator=world.evaluator, reason="更换")
    assert _snapshot(sub, evaluation) == before


def test_a_district_user_cannot_withdraw_an_evaluator(world: Any) -> None:
    other = second_evaluator(world)
    sub, evaluation = _panel(world, other)
    before = _snapshot(sub, evaluation)
    with pytest.raises(AccessDenied, match="市经济信息化委"):
        service_evaluation_withdraw(actor=world.district, submission=sub, evaluator=other, reason="更换")
    assert _snapshot(sub, evaluation) == before


def test_a_withdrawal_needs_a_reason_the_right_state_and_an_assigned_evaluator(world: Any) -> None:
    other = second_evaluator(world)
    sub, evaluation = _panel(world, other)
    before = _snapshot(sub, evaluation)
    with pytest.raises(ServiceError, match="请填写撤回原因"):
        service_evaluation_withdraw(actor=world.city_staff, submission=sub, evaluator=other, reason="  ")
    stranger = second_evaluator(world, "evaluator_unassigned")
    with pytest.raises(ServiceError, match="未分配到该事项"):
        service_evaluation_withdraw(actor=world.city_staff, submission=sub, evaluator=stranger, reason="更换")
    assert _snapshot(sub, evaluation) == before
    Submission.objects.filter(pk=sub.pk).update(state="city_confirmation")
    sub.refresh_from_db()
    with pytest.raises(ServiceError, match="只有在“第三方评分”环节才能撤回"):
        service_evaluation_withdraw(actor=world.city_staff, submission=sub, evaluator=other, reason="更换")
    assert Assignment.objects.filter(user=other, is_active=True).count() == 3


def test_a_withdrawn_evaluator_can_be_assigned_again_and_is_told_again(world: Any) -> None:
    other = second_evaluator(world)
    sub, evaluation = _panel(world, other)
    service_evaluation_withdraw(actor=world.city_staff, submission=sub, evaluator=other, reason="暂缓")
    again = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[other])
    assert again == evaluation == evaluation_for(sub)
    assert list(submissions_visible_to(other)) == [sub]
    assert list(evaluations_visible_to(other)) == [evaluation]
    assert Notification.objects.filter(recipient=other, key__startswith="service_evaluation_assign").count() == 2


def _first_item(evaluation: ServiceEvaluation) -> str:
    from apps.assessment.scoring import get_rubric

    return get_rubric(evaluation.rubric_code).items()[0].code
