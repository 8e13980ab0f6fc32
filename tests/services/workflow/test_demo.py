"""The review cycle's demo seeder: the published demo campaign with submissions in the promised
states, built through the services; a second run changes nothing; reset removes it all."""

from __future__ import annotations

import pytest
from django.utils import timezone

from apps.clusters.models import Cluster
from apps.core.demo_world import build_world, delete_world
from apps.filings.models import Filing, FilingStatus
from apps.workflow.demo import DOCUMENT_NUMBER, reset_workflow, seed_workflow
from apps.workflow.models import Campaign, ExpertScore, ReviewAssignment, Submission, WorkflowEvent
from apps.workflow.models.campaigns import CampaignStatus
from apps.workflow.services import overdue_submissions
from apps.workflow.todos import workflow_todos


@pytest.mark.django_db
def test_the_demo_campaign_has_submissions_in_every_promised_state_and_reseeding_changes_nothing() -> None:
    world = build_world()
    seed_workflow(world)
    campaign = Campaign.objects.get(document_number=DOCUMENT_NUMBER)
    assert campaign.is_demo and campaign.status == CampaignStatus.PUBLISHED and "演示" in campaign.body
    now = timezone.now()
    due = {d.stage: d.due_at for d in campaign.deadlines.all()}
    assert due["operator_submission"] < now < due["application_submission"] < due["district_review"]

    apps = {
        s.cluster.name: s for s in Submission.objects.filter(campaign=campaign, workflow_key="municipal_application")
    }
    states = {name: s.state for name, s in apps.items()}
    assert states == {
        "上海市杨浦区未来健康产业集群": "draft",
        "上海市浦东新区智能算力产业集群": "district_review",
        "上海市嘉定区激光雷达产业集群": "returned",
        "上海市徐汇区智能芯片产业集群": "expert_review",
    }
    assert all(isinstance(s.subject, Filing) and s.is_demo for s in apps.values())
    returned = apps["上海市嘉定区激光雷达产业集群"]
    assert returned.subject.status == FilingStatus.RETURNED
    assert sorted(returned.subject.reopened_fields) == ["firm_count", "sme_rd_expense"]
    review = apps["上海市徐汇区智能芯片产业集群"]
    assert ReviewAssignment.objects.filter(submission=review).count() == 3
    assert ExpertScore.objects.filter(assignment__submission=review, status="submitted").count() == 1

    report = Submission.objects.get(campaign=campaign, workflow_key="annual_report", cluster=world.clusters["pd_ic"])
    assert report.state == "district_review" and not report.is_late
    assert (report.subject.template_code, report.subject.status) == ("sh_annual_report", FilingStatus.SUBMITTED)
    tracks = dict(campaign.tracks.values_list("workflow_key", "template_code"))
    assert tracks == {
        "annual_report": "sh_annual_report",
        "service_evaluation": "sh_service_evaluation",
        "municipal_application": "sh_municipal_application",
    }
    overdue = overdue_submissions(Submission.objects.filter(campaign=campaign))
    assert overdue and report not in overdue and {s.workflow_key for s in overdue} == {"annual_report"}

    # Each demo login has its to-do.
    titles = {k: {t.title for t in workflow_todos(world.users[k])} for k in ("district", "district_jd", "expert2")}
    assert str(apps["上海市浦东新区智能算力产业集群"]) in titles["district"] and str(report) in titles["district"]
    assert not titles["district_jd"], "the Jiading application waits for its operator"
    assert str(review) in titles["expert2"]
    operator_todos = {t.title for t in workflow_todos(world.users["operator_jd_lidar"])}
    assert str(returned) in operator_todos

    counts = (Submission.objects.count(), WorkflowEvent.objects.count(), Filing.objects.count())
    seed_workflow(build_world())
    assert (Submission.objects.count(), WorkflowEvent.objects.count(), Filing.objects.count()) == counts

    reset_workflow()
    assert not Campaign.objects.filter(is_demo=True).exists()
    assert not Submission.objects.exists() and not Filing.objects.exists()
    delete_world()  # raises ProtectedError if any workflow demo row still points at the base world
    assert not Cluster.objects.filter(is_demo=True).exists()
