"""批量分配第三方评价人员: the bulk action assigns evaluators to many service-evaluation submissions
through the same service as one submission page, previewed by a dry run, all or nothing."""

from __future__ import annotations

from typing import Any

import pytest

from apps.assessment.models import ServiceEvaluation
from apps.core.errors import ServiceError
from apps.orgs.models import Assignment
from apps.workflow.models import Notification, Submission
from apps.workflow.services.lifecycle import BulkRefused, bulk_assign_evaluators
from tests.factories_evaluation import second_evaluator

pytestmark = pytest.mark.django_db


def two_submitted(world: Any) -> list[Submission]:
    """Pudong's and Huangpu's self-assessments, submitted under one campaign: at 第三方评分."""
    from apps.workflow.demo_forms import fill_application
    from apps.workflow.services import submission_open_form, submission_start, transition_apply
    from tests.factories_evaluation import evaluation_campaign

    camp = evaluation_campaign(world)
    out = []
    for cluster, operator in ((world.cluster_pudong, world.operator), (world.cluster_huangpu, world.operator_huangpu)):
        sub = submission_start(
            actor=world.city_staff,
            campaign=camp,
            track=camp.tracks.get(),
            workflow_key="service_evaluation",
            year=camp.year,
            cluster=cluster,
        )
        submission_open_form(actor=operator, submission=sub)
        sub.refresh_from_db()
        fill_application(actor=operator, filing=sub.subject)
        transition_apply(actor=operator, instance=sub, transition="submit", comment="", expected_state="draft")
        sub.refresh_from_db()
        out.append(sub)
    return out


def test_a_preview_shows_every_submission_as_assignable_and_changes_nothing(world: Any) -> None:
    subs = two_submitted(world)
    rows = bulk_assign_evaluators(actor=world.city_staff, submissions=subs, evaluators=[world.evaluator])
    assert [(r.submission.pk, r.ok, r.message) for r in rows] == [(s.pk, True, "可以办理") for s in subs]
    assert not ServiceEvaluation.objects.exists()
    assert not Assignment.objects.filter(user=world.evaluator).exists()
    assert not Notification.objects.filter(recipient=world.evaluator).exists()


def test_executing_assigns_the_evaluators_to_every_submission(world: Any) -> None:
    subs = two_submitted(world)
    other = second_evaluator(world)
    rows = bulk_assign_evaluators(
        actor=world.city_staff, submissions=subs, evaluators=[world.evaluator, other], dry_run=False
    )
    assert all(r.ok and r.message == "已办理" for r in rows)
    assert ServiceEvaluation.objects.count() == 2
    for user in (world.evaluator, other):
        assert Notification.objects.filter(recipient=user, key__startswith="service_evaluation_assign").count() == 2
    assert {s.pk for s in subs} == set(
        Assignment.objects.filter(user=other, purpose="evaluation", content_type__model="submission").values_list(
            "object_id", flat=True
        )
    )


def test_one_submission_that_cannot_be_assigned_stops_all_and_nothing_changes(world: Any) -> None:
    subs = two_submitted(world)
    Submission.objects.filter(pk=subs[1].pk).update(state="draft")
    subs[1].refresh_from_db()
    preview = bulk_assign_evaluators(actor=world.city_staff, submissions=subs, evaluators=[world.evaluator])
    assert [r.ok for r in preview] == [True, False]
    assert "只有在“第三方评分”环节" in preview[1].message
    with pytest.raises(BulkRefused, match="1 项不能办理，全部未执行"):
        bulk_assign_evaluators(actor=world.city_staff, submissions=subs, evaluators=[world.evaluator], dry_run=False)
    assert not ServiceEvaluation.objects.exists()
    assert not Assignment.objects.filter(user=world.evaluator).exists()


def test_a_district_user_is_refused_on_every_row_and_nothing_changes(world: Any) -> None:
    subs = two_submitted(world)
    rows = bulk_assign_evaluators(actor=world.district, submissions=subs[:1], evaluators=[world.evaluator])
    assert [r.ok for r in rows] == [False] and "市经济信息化委" in rows[0].message
    with pytest.raises(BulkRefused):
        bulk_assign_evaluators(actor=world.district, submissions=subs[:1], evaluators=[world.evaluator], dry_run=False)
    assert not ServiceEvaluation.objects.exists()


def test_no_evaluator_or_no_submission_is_refused(world: Any) -> None:
    subs = two_submitted(world)
    with pytest.raises(ServiceError, match="请至少选择一名第三方评价人员"):
        bulk_assign_evaluators(actor=world.city_staff, submissions=subs, evaluators=[])
    with pytest.raises(ServiceError, match="请至少选择一项"):
        bulk_assign_evaluators(actor=world.city_staff, submissions=[], evaluators=[world.evaluator])
