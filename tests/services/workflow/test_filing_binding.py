"""The workflow with a real Filing (the Shanghai 2025 application form) bound to the submission:
starting an application opens the form; submitting runs the form's own checks; 退回修改 re-opens
only the flagged fields; the resubmission's diff comes from the form; the authority locks it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from apps.core.errors import AccessDenied, ServiceError
from apps.core.models import AuditEvent
from apps.filings import services as filing_services
from apps.filings.models import Filing, FilingStatus
from apps.filings.selectors import filings_visible_to
from apps.workflow.models import Submission, WorkflowEvent
from apps.workflow.services import (
    application_start,
    conflict_declare,
    review_assign,
    submission_open_form,
    transition_apply,
)
from apps.workflow.subjects import adapter_for
from apps.workflow.views.submissions import resubmission_diff
from tests import factories_workflow as fw


def state_of(sub: Submission) -> tuple[Any, ...]:
    """What a refused transition must leave untouched: the submission, its events, the form."""
    sub.refresh_from_db()
    filing = sub.subject
    return (
        sub.state,
        sub.version,
        dict(sub.field_reasons),
        WorkflowEvent.objects.filter(submission=sub).count(),
        filing.status if filing else None,
        filing.revision if filing else None,
        list(filing.reopened_fields) if filing else None,
        AuditEvent.objects.count(),
    )


def apply(actor: Any, sub: Submission, transition: str, comment: str = "", **kw: Any) -> Submission:
    sub.refresh_from_db()
    return transition_apply(
        actor=actor, instance=sub, transition=transition, comment=comment, expected_state=sub.state, **kw
    )


@pytest.fixture
def campaign(world: Any) -> Any:
    return fw.sh_application_campaign(world)


@pytest.fixture
def application(world: Any, campaign: Any) -> Submission:
    track = campaign.tracks.get()
    return application_start(actor=world.operator, campaign=campaign, track=track, cluster=world.cluster_pudong)


def test_starting_an_application_opens_the_campaign_form_for_the_campaign_year(
    world: Any, campaign: Any, application: Submission
) -> None:
    filing = application.subject
    assert isinstance(filing, Filing)
    assert (filing.template_code, filing.template_version) == ("sh_municipal_application", "2025")
    assert filing.reporting_year == campaign.year
    assert filing.campaign_ref == campaign.document_number
    assert filing.cluster == world.cluster_pudong and filing.status == FilingStatus.DRAFT
    assert application.state == "draft"
    assert AuditEvent.objects.filter(action="workflow.bind_subject", object_id=str(application.pk)).exists()
    assert AuditEvent.objects.filter(action="filing.create", object_id=str(filing.pk)).exists()


def test_an_application_cannot_be_started_twice_or_after_the_deadline_or_by_another_operator(
    world: Any, campaign: Any, application: Submission
) -> None:
    track = campaign.tracks.get()
    counts = (Submission.objects.count(), Filing.objects.count())
    with pytest.raises(ServiceError, match="已有本通知的"):
        application_start(actor=world.operator, campaign=campaign, track=track, cluster=world.cluster_pudong)
    with pytest.raises(AccessDenied, match="只能为本机构运营的集群发起申报"):
        application_start(actor=world.operator, campaign=campaign, track=track, cluster=world.cluster_huangpu)
    with pytest.raises(AccessDenied, match="只有集群运营管理机构的填报人员"):
        application_start(actor=world.district, campaign=campaign, track=track, cluster=world.cluster_pudong)
    campaign.deadlines.filter(stage="application_submission").update(due_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ServiceError, match=r"“集群申报材料提交”已于 .* 截止") as exc:
        application_start(actor=world.operator_huangpu, campaign=campaign, track=track, cluster=world.cluster_huangpu)
    assert exc.value.code == "deadline"
    assert (Submission.objects.count(), Filing.objects.count()) == counts


def test_submitting_an_incomplete_form_is_refused_with_the_forms_issues_and_nothing_changes(
    world: Any, application: Submission
) -> None:
    before = state_of(application)
    with pytest.raises(filing_services.FilingInvalid, match=r"不能提交：.*处错误需要改正") as exc:
        apply(world.operator, application, "submit")
    assert exc.value.issues, "the refusal lists what is missing"
    assert state_of(application) == before


def test_the_whole_review_with_a_real_form(world: Any, application: Submission) -> None:
    filing = fw.complete_application(world, application.subject)
    apply(world.operator, application, "submit")
    filing.refresh_from_db()
    assert (application.state, filing.status) == ("district_review", FilingStatus.SUBMITTED)
    event = WorkflowEvent.objects.filter(submission=application).last()
    assert event is not None and event.subject_revision == filing.revision
    # The rule assessment of what was submitted is kept with the submission (one per rule set).
    from apps.assessment.models import AssessmentRecord

    records = AssessmentRecord.objects.filter(object_id=application.pk, purpose="submission")
    assert sorted(records.values_list("ruleset_code", flat=True)) == ["sh-recognition-2025-v1", "sh-targets-2025-v1"]
    assert all(r.cluster == world.cluster_pudong and r.subject == application for r in records)

    # 退回修改: only real, non-computed fields of the template, each with a reason.
    before = state_of(application)
    with pytest.raises(ServiceError, match="表单中没有栏目“no_such_field”"):
        apply(world.district, application, "district_return", "请修改", field_reasons={"no_such_field": "x"})
    with pytest.raises(ServiceError, match="表单中没有栏目“leading_industry_output_cagr”"):
        apply(
            world.district,
            application,
            "district_return",
            "请修改",
            field_reasons={"leading_industry_output_cagr": "x"},
        )
    with pytest.raises(ServiceError, match="请填写栏目“一、基本情况 · 集群占地面积（平方公里）”的退回原因"):
        apply(world.district, application, "district_return", "请修改", field_reasons={"area_km2": " "})
    assert state_of(application) == before
    apply(
        world.district,
        application,
        "district_return",
        "请按意见修改",
        field_reasons={"firm_count": "2024年企业数与企业清单不一致", "operator_phone": "请填写固定电话"},
    )
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED
    assert sorted(filing.reopened_fields) == ["firm_count", "operator_phone"]
    assert filing.return_reasons["firm_count"] == "2024年企业数与企业清单不一致"

    # The operator may change only what was returned.
    with pytest.raises(ServiceError, match="栏目“集群占地面积（平方公里）”未被退回修改，不能更改"):
        filing_services.filing_save_draft(
            actor=world.operator, filing=filing, values={"area_km2": "1.00"}, expected_revision=filing.revision
        )
    new_firms = {**filing.data["firm_count"], "2024": "457"}
    filing_services.filing_save_draft(
        actor=world.operator,
        filing=filing,
        values={"firm_count": new_firms, "operator_phone": "021-58880000"},
        expected_revision=filing.revision,
    )
    apply(world.operator, application, "resubmit")
    rows = resubmission_diff(application)
    assert [(r.key, r.label, r.flagged) for r in rows] == [  # in the order of the form
        ("operator_phone", "一、基本情况 · 联系方式", True),
        ("firm_count", "二、主导产业情况 · 集群企业数量", True),
    ]
    assert (rows[1].before, rows[1].after) == ("2024年 458", "2024年 457")  # only the changed year

    # Recommended: the form stays submitted (read-only for the operator), so the city can still
    # ask for corrections; passing the formal review locks it.
    apply(world.district, application, "district_recommend", "同意推荐")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    apply(world.city_staff, application, "city_return", "请补正", field_reasons={"sme_invention_patents": "请附清单"})
    filing.refresh_from_db()
    assert (filing.status, filing.reopened_fields) == (FilingStatus.RETURNED, ["sme_invention_patents"])
    apply(world.operator, application, "correction_resubmit")
    apply(world.city_staff, application, "city_accept")
    filing.refresh_from_db()
    assert (application.state, filing.status) == ("expert_review", FilingStatus.LOCKED)
    with pytest.raises(AccessDenied):
        filing_services.filing_save_draft(
            actor=world.operator, filing=filing, values={"operator_phone": "1"}, expected_revision=filing.revision
        )


def test_a_refused_return_of_the_form_rolls_back_the_transition(world: Any, application: Submission) -> None:
    fw.complete_application(world, application.subject)
    apply(world.operator, application, "submit")
    before = state_of(application)
    with pytest.raises(ServiceError, match="退回原因不能超过 500 字"):
        apply(world.district, application, "district_return", "请修改", field_reasons={"firm_count": "字" * 501})
    assert state_of(application) == before


def test_a_report_opened_without_a_form_gets_one_when_its_operator_starts_filling(world: Any, campaign: Any) -> None:
    sub = fw.submission(campaign, world.cluster_pudong)
    assert sub.subject is None
    with pytest.raises(AccessDenied, match="须由集群运营管理机构填写"):
        submission_open_form(actor=world.district, submission=sub)
    with pytest.raises(AccessDenied):
        submission_open_form(actor=world.operator_huangpu, submission=sub)
    filing = submission_open_form(actor=world.operator, submission=sub)
    sub.refresh_from_db()
    assert sub.subject == filing and filing.reporting_year == campaign.year
    with pytest.raises(ServiceError, match="已关联填报表单"):
        submission_open_form(actor=world.operator, submission=sub)


def test_a_track_without_a_template_cannot_open_a_form(world: Any) -> None:
    c = fw.campaign(world.shanghai, world.city_staff)
    sub = fw.submission(c, world.cluster_pudong)
    with pytest.raises(ServiceError, match="未指定“上海市中小企业特色产业集群申报（市级认定）”的填报模板"):
        submission_open_form(actor=world.operator, submission=sub)
    assert Filing.objects.count() == 0


def test_assigned_experts_read_the_form_and_lose_it_when_they_withdraw(world: Any, application: Submission) -> None:
    filing = application.subject
    Submission.objects.filter(pk=application.pk).update(state="expert_review")
    application.refresh_from_db()
    assert not filings_visible_to(world.expert).filter(pk=filing.pk).exists()
    review_assign(actor=world.city_staff, submission=application, expert=world.expert)
    assert filings_visible_to(world.expert).filter(pk=filing.pk).exists()
    conflict_declare(actor=world.expert, cluster=world.cluster_pudong, reason="曾为该园区提供咨询")
    assert not filings_visible_to(world.expert).filter(pk=filing.pk).exists()


def test_the_adapter_labels_fields_by_section_and_leaves_out_computed_ones(world: Any, application: Submission) -> None:
    labels = adapter_for(application.subject).field_labels(application.subject)
    assert labels["area_km2"] == "一、基本情况 · 集群占地面积（平方公里）"
    assert "leading_industry_output_cagr" not in labels
    assert labels["firm_count"] == "二、主导产业情况 · 集群企业数量"


def test_a_campaign_names_only_published_form_templates(world: Any) -> None:
    from apps.workflow.models import Campaign
    from apps.workflow.services import campaign_create

    due = {"application_submission": timezone.now() + timedelta(days=30)}
    track = {"workflow": "municipal_application", "audience": "new_applicants"}
    with pytest.raises(ServiceError, match="填报模板“no_such_template”不存在或尚未发布"):
        campaign_create(
            actor=world.city_staff,
            document_number="沪经信企〔2026〕1号",
            title="通知",
            body="",
            year=2026,
            tracks=[{**track, "template_code": "no_such_template"}],
            deadlines=due,
        )
    assert not Campaign.objects.exists()
    c = campaign_create(
        actor=world.city_staff,
        document_number="沪经信企〔2026〕1号",
        title="通知",
        body="",
        year=2026,
        tracks=[{**track, "template_code": "sh_municipal_application"}],
        deadlines=due,
    )
    assert c.tracks.values_list("template_code", "template_version").get() == ("sh_municipal_application", "2025.2")


def test_a_cluster_holding_a_valid_municipal_recognition_is_not_a_new_applicant(world: Any, campaign: Any) -> None:
    from apps.clusters.services import recognition_add

    recognition_add(
        actor=None,
        cluster=world.cluster_huangpu,
        level="municipal",
        batch_year=2024,
        valid_from=timezone.localdate() - timedelta(days=365),
    )
    with pytest.raises(ServiceError, match="持有有效期内的认定，不属于新申报集群"):
        application_start(
            actor=world.operator_huangpu,
            campaign=campaign,
            track=campaign.tracks.get(),
            cluster=world.cluster_huangpu,
        )
    assert not Submission.objects.exists()


def test_an_annual_report_is_filled_on_its_form_returned_fixed_and_locked_when_confirmed(world: Any) -> None:
    c = fw.campaign(
        world.shanghai,
        world.city_staff,
        tracks=(("annual_report", "recognised"),),
        templates={"annual_report": "sh_annual_report"},
    )
    report = fw.submission(c, world.cluster_pudong, workflow_key="annual_report")
    filing = submission_open_form(actor=world.operator, submission=report)
    assert (filing.template_code, filing.template_version) == ("sh_annual_report", "2025")
    fw.complete_application(world, filing)
    apply(world.operator, report, "submit")
    apply(
        world.district, report, "district_return", "请核对", field_reasons={"sme_employees": "与社保缴纳人数差异较大"}
    )
    filing.refresh_from_db()
    assert filing.reopened_fields == ["sme_employees"]
    filing_services.filing_save_draft(
        actor=world.operator, filing=filing, values={"sme_employees": "31650"}, expected_revision=filing.revision
    )
    apply(world.operator, report, "submit")
    assert [r.key for r in resubmission_diff(report)] == ["sme_employees"]
    apply(world.district, report, "district_confirm")
    filing.refresh_from_db()
    assert (report.state, filing.status) == ("district_confirmed", FilingStatus.LOCKED)
