"""The demo has one service evaluation waiting for the demo evaluator (待评分), and reset removes it."""

from __future__ import annotations

import pytest

from apps.assessment.models import ServiceEvaluation
from apps.clusters.models import Cluster
from apps.core.demo_world import build_world, delete_world
from apps.workflow.demo import reset_workflow, seed_workflow
from apps.workflow.models import Submission
from apps.workflow.selectors import submissions_visible_to
from apps.workflow.services.evaluation import evaluation_for, service_evaluation_assign
from apps.workflow.todos import service_evaluation_todos


@pytest.mark.django_db
def test_the_demo_evaluator_has_one_submitted_self_assessment_to_score_and_reset_removes_it() -> None:
    world = build_world()
    seed_workflow(world)
    sub = Submission.objects.get(workflow_key="service_evaluation", cluster=world.clusters["pd_aero"])
    assert sub.state == "third_party_scoring" and sub.workflow_version == 2 and not sub.is_late
    evaluation = evaluation_for(sub)
    assert evaluation is not None
    evaluator = world.users["evaluator"]
    assert list(submissions_visible_to(evaluator)) == [sub]
    [todo] = service_evaluation_todos(evaluator)
    assert todo.category == "待评分" and todo.title == str(sub)
    with pytest.raises(Exception, match="均已分配"):
        service_evaluation_assign(actor=world.users["city_staff"], submission=sub, evaluators=[evaluator])

    reset_workflow()
    assert not ServiceEvaluation.objects.filter(pk=evaluation.pk).exists()
    delete_world()
    assert not Cluster.objects.filter(is_demo=True).exists()
