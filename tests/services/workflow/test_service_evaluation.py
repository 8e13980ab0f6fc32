"""The service-evaluation track (自评 → 第三方评分 → 市级确认等级) through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from apps.assessment import services as assessment
from apps.assessment.models import ServiceEvaluation
from apps.assessment.selectors import evaluations_visible_to
from apps.core.errors import AccessDenied, ServiceError
from apps.core.models import AuditEvent
from apps.filings.selectors import evidence_visible_to, filings_visible_to
from apps.orgs.models import Assignment
from apps.workflow.definitions import get_workflow
from apps.workflow.models import Notification, Submission, WorkflowEvent
from apps.workflow.selectors import submissions_visible_to
from apps.workflow.services import available_transitions, transition_apply
from apps.workflow.services.evaluation import confirmed_grade, evaluation_for, service_evaluation_assign
from apps.workflow.todos import service_evaluation_todos, workflow_todos
from tests.factories_assessment import score_all
from tests.factories_evaluation import second_evaluator, submitted_evaluation

pytestmark = pytest.mark.django_db


def _submit(evaluation: ServiceEvaluation, evaluator: object, fraction: str, opinion: str) -> None:
    score_all(evaluation, evaluator, fraction, submit=False)
    assessment.evaluation_submit(actor=evaluator, evaluation=evaluation, opinion=opinion)


def _confirm(world: Any, sub: Submission, grade: str, comment: str = "") -> None:
    """The city's 确认评价等级 (city_confirm_grade) with `grade`."""
    transition_apply(
        actor=world.city_staff,
        instance=sub,
        transition="city_confirm_grade",
        comment=comment,
        expected_state="city_confirmation",
        data={"grade": grade},
    )


def test_both_versions_of_the_workflow_load_and_only_v2_moves_on_by_itself() -> None:
    v1 = get_workflow("service_evaluation", 1)
    v2 = get_workflow("service_evaluation", 2)
    assert not v1.transitions["evaluator_submit"].automatic
    assert v2.transitions["evaluator_submit"].automatic
    assert v2.transitions["evaluator_submit"].guards == ("evaluation_complete",)
    assert v2.transitions["city_confirm_grade"].guards == ("grade_change_explained",)
    assert get_workflow("service_evaluation").version == 2


def test_the_city_assigns_an_evaluator_who_then_sees_exactly_that_submission_form_and_evidence(world) -> None:
    sub = submitted_evaluation(world)
    assert not submissions_visible_to(world.evaluator).exists()

    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator])

    assert evaluation == evaluation_for(sub)
    assert (evaluation.cluster, evaluation.year, evaluation.rubric_code) == (
        world.cluster_pudong,
        2024,
        "sh-service-evaluation-2025",
    )
    assert list(submissions_visible_to(world.evaluator)) == [sub]
    assert list(filings_visible_to(world.evaluator)) == [sub.subject]
    assert evidence_visible_to(world.evaluator).count() == sub.subject.evidence.count() > 0
    assert list(evaluations_visible_to(world.evaluator)) == [evaluation]
    assert AuditEvent.objects.filter(action="workflow.service_evaluation.assign").count() == 1
    note = Notification.objects.get(recipient=world.evaluator)
    assert note.url == f"/assessment/evaluations/{evaluation.pk}/score/"
    # The evaluator's to-do: 待评分, to the scoring page.
    [todo] = service_evaluation_todos(world.evaluator)
    assert (todo.category, todo.url) == ("待评分", note.url)
    # evaluator_submit is automatic: never offered as a button.
    assert available_transitions(world.evaluator, sub) == []


def test_assigning_again_reuses_the_evaluation_and_refuses_someone_already_assigned(world) -> None:
    sub = submitted_evaluation(world)
    first = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator])
    second = service_evaluation_assign(
        actor=world.city_staff, submission=sub, evaluators=[world.evaluator, second_evaluator(world)]
    )
    assert first.pk == second.pk
    assert ServiceEvaluation.objects.count() == 1
    with pytest.raises(ServiceError, match="均已分配"):
        service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator])


def test_a_district_user_cannot_assign_evaluators_and_nothing_changes(world) -> None:
    sub = submitted_evaluation(world)
    with pytest.raises(AccessDenied, match="市经济信息化委"):
        service_evaluation_assign(actor=world.district, submission=sub, evaluators=[world.evaluator])
    assert not ServiceEvaluation.objects.exists()
    assert not Assignment.objects.filter(user=world.evaluator).exists()


def test_evaluators_are_assigned_only_at_third_party_scoring_and_only_from_evaluator_organisations(world) -> None:
    sub = submitted_evaluation(world)
    with pytest.raises(ServiceError, match="不是本辖区第三方评价机构"):
        service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.expert])
    Submission.objects.filter(pk=sub.pk).update(state="draft")
    sub.refresh_from_db()
    with pytest.raises(ServiceError, match="只有在“第三方评分”环节"):
        service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator])
    assert not ServiceEvaluation.objects.exists()


def test_an_evaluator_cannot_move_the_workflow_before_scoring_every_item(world) -> None:
    sub = submitted_evaluation(world)
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator])
    assessment.evaluation_score_save(
        actor=world.evaluator, evaluation=evaluation, item_code=evaluation_items(evaluation)[0], points="1", comment=""
    )
    with pytest.raises(ServiceError, match="您尚有评分项未评分"):
        transition_apply(
            actor=world.evaluator,
            instance=sub,
            transition="evaluator_submit",
            comment="意见",
            expected_state="third_party_scoring",
            data={"score": "90.00", "proposed_grade": "优秀"},
        )
    with pytest.raises(ServiceError, match="尚有评分项未评分"):
        assessment.evaluation_submit(actor=world.evaluator, evaluation=evaluation, opinion="意见")
    sub.refresh_from_db()
    assert sub.state == "third_party_scoring"
    assert not WorkflowEvent.objects.filter(submission=sub, transition="evaluator_submit").exists()
    assert not evaluation.submissions.exists()


def evaluation_items(evaluation: ServiceEvaluation) -> list[str]:
    from apps.assessment.scoring import get_rubric

    return [i.code for i in get_rubric(evaluation.rubric_code).items()]


def test_the_opinion_is_required_when_the_evaluation_belongs_to_the_workflow(world) -> None:
    sub = submitted_evaluation(world)
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator])
    score_all(evaluation, world.evaluator, "0.9", submit=False)
    with pytest.raises(ServiceError, match="请填写第三方评价意见"):
        assessment.evaluation_submit(actor=world.evaluator, evaluation=evaluation, opinion="  ")
    assert not evaluation.submissions.exists()


def test_the_whole_track_moves_on_after_the_last_evaluator_and_the_city_confirms_a_different_grade_with_a_reason(
    world,
) -> None:
    sub = submitted_evaluation(world)
    other = second_evaluator(world)
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator, other])
    _submit(evaluation, world.evaluator, "0.9", "服务体系健全（评价人员甲）")
    sub.refresh_from_db()
    assert sub.state == "third_party_scoring"  # one of two submitted: still waiting

    _submit(evaluation, other, "0.8", "特色服务较突出（评价人员乙）")

    sub.refresh_from_db()
    assert sub.state == "city_confirmation"
    summary = assessment.evaluation_summary(evaluation)
    assert summary["evaluators_finished"] == 2
    event = WorkflowEvent.objects.get(submission=sub, transition="evaluator_submit")
    assert event.actor == other
    assert event.data == {"score": str(summary["score"]), "proposed_grade": summary["grade"]}
    totals = [evaluation.submissions.get(evaluator=u).total for u in (world.evaluator, other)]
    assert Decimal(event.data["score"]) == (sum(totals, Decimal(0)) / 2).quantize(Decimal("0.01"))
    assert "服务体系健全（评价人员甲）" in event.comment and "特色服务较突出（评价人员乙）" in event.comment
    assert AuditEvent.objects.filter(action="workflow.service_evaluation.evaluator_submit").count() == 1
    evaluation.refresh_from_db()
    assert evaluation.status == "closed"
    assert Notification.objects.filter(recipient=world.city_staff, title__startswith="第三方评分完成").exists()
    [todo] = service_evaluation_todos(world.city_staff)
    assert todo.category == "待确认等级" and summary["grade"] in todo.detail
    assert not [t for t in workflow_todos(world.city_staff) if t.title == str(sub)]  # listed once

    different = "合格" if summary["grade"] != "合格" else "良好"
    with pytest.raises(ServiceError, match="请在确认意见中说明理由"):
        _confirm(world, sub, different)
    sub.refresh_from_db()
    assert sub.state == "city_confirmation"
    _confirm(world, sub, different, "经复核佐证材料，部分服务成效证据不足（演示）")
    sub.refresh_from_db()
    assert sub.state == "confirmed"
    shown = confirmed_grade(world.cluster_pudong)
    assert shown is not None
    assert shown["grade"] == different
    assert shown["may_apply_for_fund"] is (different in ("优秀", "良好"))


def test_the_city_confirms_the_proposed_grade_without_a_comment(world) -> None:
    sub = submitted_evaluation(world)
    evaluation = service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator])
    _submit(evaluation, world.evaluator, "0.95", "优")
    sub.refresh_from_db()
    assert sub.data["proposed_grade"] == "优秀"
    _confirm(world, sub, "优秀")
    assert confirmed_grade(world.cluster_pudong)["may_apply_for_fund"] is True  # type: ignore[index]


def test_an_unassigned_evaluator_sees_nothing_of_the_track(world) -> None:
    sub = submitted_evaluation(world)
    service_evaluation_assign(actor=world.city_staff, submission=sub, evaluators=[world.evaluator])
    stranger = second_evaluator(world, "evaluator_unassigned")
    assert not submissions_visible_to(stranger).exists()
    assert not filings_visible_to(stranger).exists()
    assert not evaluations_visible_to(stranger).exists()
    assert service_evaluation_todos(stranger) == []
    ct = ContentType.objects.get_for_model(Submission)
    assert not Assignment.objects.filter(user=stranger, content_type=ct).exists()
