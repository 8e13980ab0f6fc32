"""The service-evaluation track (服务评价, service_evaluation.v2): a Shanghai campaign asking for the
self-assessment form, a Pudong submission started, filled and submitted by its operator."""

from __future__ import annotations

from typing import Any

from apps.workflow.models import Submission

from .factories_workflow import campaign


def evaluation_campaign(world: Any) -> Any:
    c = campaign(
        world.shanghai,
        world.city_staff,
        tracks=(("service_evaluation", "recognised"),),
        templates={"service_evaluation": "sh_service_evaluation"},
    )
    c.tracks.update(workflow_version=2, title="推进中小企业特色产业集群高效服务评价表（附件3）")
    return c


def started_evaluation(world: Any, *, cluster: Any = None) -> Submission:
    """A v2 service evaluation of the Pudong cluster in 自评填报 with its form opened (empty)."""
    from apps.workflow.services import submission_open_form, submission_start

    c = evaluation_campaign(world)
    track = c.tracks.get()
    sub = submission_start(
        actor=world.city_staff,
        campaign=c,
        track=track,
        workflow_key="service_evaluation",
        year=c.year,
        cluster=cluster or world.cluster_pudong,
    )
    submission_open_form(actor=world.operator, submission=sub)
    sub.refresh_from_db()
    return sub


def submitted_evaluation(world: Any) -> Submission:
    """The Pudong self-assessment filled completely and submitted: at 第三方评分."""
    from apps.workflow.demo_forms import fill_application
    from apps.workflow.services import transition_apply

    sub = started_evaluation(world)
    fill_application(actor=world.operator, filing=sub.subject)
    transition_apply(actor=world.operator, instance=sub, transition="submit", comment="", expected_state="draft")
    sub.refresh_from_db()
    return sub


def second_evaluator(world: Any, username: str = "evaluator2") -> Any:
    from apps.orgs.models import Role

    from . import factories as f

    return f.user_with(world.evaluator_org, Role.EVALUATOR, username=username)
