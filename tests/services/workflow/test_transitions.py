"""transition_apply: the happy path writes an event, an audit record and notifications; every
refusal (wrong role, wrong state, after the deadline, over the quota, stale state) has a clear
Chinese message and changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from apps.clusters.models import ClusterStatus, Recognition
from apps.core.errors import AccessDenied, ConcurrentEdit, ServiceError
from apps.core.models import AuditEvent
from apps.workflow.models import Notification, Objection, Submission, WorkflowEvent
from apps.workflow.services import objection_handle, objection_record, transition_apply
from tests import factories as f
from tests import factories_workflow as fw


def db_state() -> tuple[Any, ...]:
    """Everything a refused transition must leave untouched."""
    return (
        list(
            Submission.objects.order_by("pk").values_list(
                "pk", "state", "version", "field_reasons", "data", "quota_slot"
            )
        ),
        WorkflowEvent.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
        Recognition.objects.count(),
    )


@pytest.fixture
def sh_campaign(world: Any) -> Any:
    return fw.campaign(world.shanghai, world.city_staff)


def apply(actor: Any, sub: Submission, transition: str, comment: str = "", **kw: Any) -> Submission:
    return transition_apply(
        actor=actor, instance=sub, transition=transition, comment=comment, expected_state=sub.state, **kw
    )


def test_operator_submits_and_the_district_is_notified_with_an_event_and_audit_record(
    world: Any, sh_campaign: Any
) -> None:
    world.district.email = "district@example.cn"
    world.district.save()
    sub = fw.submission(sh_campaign, world.cluster_pudong, subject=world.cluster_pudong)
    apply(world.operator, sub, "submit")
    sub.refresh_from_db()
    assert sub.state == "district_review"
    assert sub.submitted_at is not None
    event = WorkflowEvent.objects.get(submission=sub)
    assert (event.from_state, event.to_state, event.actor) == ("draft", "district_review", world.operator)
    assert event.subject_revision == world.cluster_pudong.version
    assert AuditEvent.objects.filter(action="workflow.municipal_application.submit", object_id=str(sub.pk)).exists()
    note = Notification.objects.get(recipient=world.district)
    assert "提交申报" in note.title
    assert not Notification.objects.filter(recipient=world.operator).exists()


def test_district_return_needs_a_reason_per_field_and_reopens_only_those_fields(world: Any, sh_campaign: Any) -> None:
    sub = fw.submission(sh_campaign, world.cluster_pudong, state="district_review", subject=world.cluster_pudong)
    before = db_state()
    with pytest.raises(ServiceError, match="至少指定一个栏目"):
        apply(world.district, sub, "district_return", comment="请补充")
    with pytest.raises(ServiceError, match=r"表单中没有栏目“不存在”"):
        apply(world.district, sub, "district_return", comment="请补充", field_reasons={"不存在": "x"})
    assert db_state() == before
    apply(world.district, sub, "district_return", comment="请补充", field_reasons={"area_km2": "面积与规划图不符"})
    sub.refresh_from_db()
    assert sub.state == "returned"
    assert sub.editable_fields() == ["area_km2"]
    assert Notification.objects.filter(recipient=world.operator, body__contains="面积与规划图不符").exists()


def test_wrong_role_is_refused_in_chinese_and_nothing_changes(world: Any, sh_campaign: Any) -> None:
    sub = fw.submission(sh_campaign, world.cluster_pudong, state="district_review")
    before = db_state()
    for actor in (world.operator, world.city_staff, world.district_huangpu, world.expert, world.nobody):
        with pytest.raises(AccessDenied, match="须由区级中小企业主管部门办理"):
            apply(actor, sub, "district_recommend", comment="同意推荐")
    assert db_state() == before


def test_wrong_state_is_refused_in_chinese_and_nothing_changes(world: Any, sh_campaign: Any) -> None:
    sub = fw.submission(sh_campaign, world.cluster_pudong, state="draft")
    before = db_state()
    with pytest.raises(ServiceError, match="当前环节为“草稿”，不能执行“推荐至市经济信息化委”"):
        apply(world.district, sub, "district_recommend", comment="同意推荐")
    assert db_state() == before


def test_after_the_deadline_submission_is_refused_and_nothing_changes(world: Any) -> None:
    past = timezone.now() - timedelta(hours=1)
    c = fw.campaign(world.shanghai, world.city_staff, deadlines={"application_submission": past})
    sub = fw.submission(c, world.cluster_pudong)
    before = db_state()
    with pytest.raises(ServiceError, match="已超过“集群申报材料提交”截止时间") as exc:
        apply(world.operator, sub, "submit")
    assert exc.value.code == "deadline"
    assert db_state() == before


def test_a_late_annual_report_is_accepted_but_recorded_as_overdue(world: Any) -> None:
    past = timezone.now() - timedelta(days=2)
    c = fw.campaign(
        world.shanghai,
        world.city_staff,
        deadlines={"operator_submission": past},
        tracks=(("annual_report", "recognised"),),
    )
    sub = fw.submission(c, world.cluster_pudong, workflow_key="annual_report")
    apply(world.operator, sub, "submit")
    sub.refresh_from_db()
    assert sub.state == "district_review" and sub.is_late
    assert WorkflowEvent.objects.get(submission=sub).late


def test_comment_is_required_where_the_definition_says_so(world: Any, sh_campaign: Any) -> None:
    sub = fw.submission(sh_campaign, world.cluster_pudong, state="district_review")
    before = db_state()
    with pytest.raises(ServiceError, match="请填写区级中小企业主管部门推荐意见"):
        apply(world.district, sub, "district_recommend", comment="  ")
    assert db_state() == before


def test_a_stale_expected_state_is_told_who_acted_first_and_nothing_is_applied(world: Any, sh_campaign: Any) -> None:
    sub = fw.submission(sh_campaign, world.cluster_pudong, state="district_review")
    stale = Submission.objects.get(pk=sub.pk)
    apply(world.district, sub, "district_recommend", comment="同意推荐")
    before = db_state()
    with pytest.raises(ConcurrentEdit, match=r"已由.*办理为“市形式审查”.*请刷新页面"):
        transition_apply(
            actor=world.district,
            instance=stale,
            transition="district_reject",
            comment="不推荐",
            expected_state="district_review",
        )
    assert db_state() == before


def _national(world: Any, quota: int = 2) -> tuple[Any, list[Submission]]:
    c = fw.campaign(
        world.zhejiang,
        world.province_zj_admin,
        document_number="浙经信企〔2025〕1号",
        tracks=(("national_application", "new_applicants"),),
        quotas={"province": quota},
    )
    subs = []
    for i in range(quota + 1):
        cl = f.ClusterFactory(name=f"浙江省杭州市西湖区测试{i}产业集群", district=world.xihu, operator=world.op_xihu)
        subs.append(fw.submission(c, cl, workflow_key="national_application", state="province_review"))
    return c, subs


def test_over_the_quota_the_province_is_refused_and_nothing_changes(world: Any) -> None:
    _c, subs = _national(world, quota=2)
    apply(world.province_zj_admin, subs[0], "province_recommend", comment="推荐", data={"rank": 1})
    apply(world.province_zj_admin, subs[1], "province_recommend", comment="推荐", data={"rank": 2})
    before = db_state()
    with pytest.raises(ServiceError, match=r"推荐名额为 2 个，已推荐 2 个，不能再推荐") as exc:
        apply(world.province_zj_admin, subs[2], "province_recommend", comment="推荐", data={"rank": 3})
    assert exc.value.code == "quota"
    assert db_state() == before


def test_two_recommendations_cannot_share_a_rank(world: Any) -> None:
    _c, subs = _national(world, quota=2)
    apply(world.province_zj_admin, subs[0], "province_recommend", comment="推荐", data={"rank": 1})
    before = db_state()
    with pytest.raises(ServiceError, match="推荐排序第 1 位已由"):
        apply(world.province_zj_admin, subs[1], "province_recommend", comment="推荐", data={"rank": 1})
    assert db_state() == before


def test_a_province_must_give_the_reason_for_every_rereview_it_does_not_pass(world: Any) -> None:
    c = fw.campaign(
        world.zhejiang,
        world.province_zj_admin,
        document_number="浙经信企〔2025〕2号",
        tracks=(("national_rereview", "rereview_due"),),
    )
    sub = fw.submission(c, world.cluster_xihu, workflow_key="national_rereview", state="province_review")
    before = db_state()
    with pytest.raises(ServiceError, match="未通过原因"):
        apply(world.province_zj_admin, sub, "province_fail")
    assert db_state() == before
    apply(world.province_zj_admin, sub, "province_fail", comment="2024年产值未达40亿元")
    assert Submission.objects.get(pk=sub.pk).state == "province_failed"


def test_publicity_needs_its_period_to_end_and_objections_handled_before_recognition(
    world: Any, sh_campaign: Any
) -> None:
    sub = fw.submission(sh_campaign, world.cluster_pudong, state="proposed")
    today = timezone.localdate()
    apply(
        world.city_staff,
        sub,
        "start_publicity",
        data={"publicity_start": today.isoformat(), "publicity_end": (today + timedelta(days=6)).isoformat()},
    )
    with pytest.raises(ServiceError, match="期满后方可认定"):
        apply(world.city_staff, sub, "recognise")
    obj = objection_record(
        actor=world.city_staff,
        submission=sub,
        objector_name="王某",
        objector_contact="13800000000",
        content="产值数据疑似重复计算",
    )
    Submission.objects.filter(pk=sub.pk).update(
        data={**sub.data, "publicity_end": (today - timedelta(days=1)).isoformat()}
    )
    sub.refresh_from_db()
    before = db_state()
    with pytest.raises(ServiceError, match="还有 1 件公示异议未处理"):
        apply(world.city_staff, sub, "recognise")
    assert db_state() == before
    objection_handle(actor=world.city_staff, objection=obj, outcome="dismissed", handling="经核查，数据口径正确")
    apply(world.city_staff, sub, "recognise")
    assert Objection.objects.get(pk=obj.pk).status == "dismissed"


def test_publishing_creates_a_three_year_recognition_numbers_it_and_sets_the_cluster_status(
    world: Any, sh_campaign: Any
) -> None:
    sh_campaign.recognition_prefix = "沪集群"
    sh_campaign.save()
    sub = fw.submission(sh_campaign, world.cluster_pudong, state="recognised")
    with pytest.raises(ServiceError, match="请填写“公布文号”"):
        apply(world.city_staff, sub, "publish")
    apply(world.city_staff, sub, "publish", data={"document_number": "沪经信企〔2025〕120号"})
    rec = Recognition.objects.get(cluster=world.cluster_pudong)
    today = timezone.localdate()
    assert rec.valid_from == today
    assert rec.valid_to == today.replace(year=today.year + 3) - timedelta(days=1)
    assert rec.level == "municipal" and rec.document_number == "沪经信企〔2025〕120号"
    world.cluster_pudong.refresh_from_db()
    assert world.cluster_pudong.status == ClusterStatus.RECOGNISED
    sub.refresh_from_db()
    assert sub.data["recognition_number"] == "沪集群2025-001"
    assert AuditEvent.objects.filter(action="recognition.create", subject_id=str(world.cluster_pudong.pk)).exists()


def test_emails_go_out_once_after_commit(world: Any, sh_campaign: Any, django_capture_on_commit_callbacks: Any) -> None:
    world.district.email = "district@example.cn"
    world.district.save()
    sub = fw.submission(sh_campaign, world.cluster_pudong)
    with django_capture_on_commit_callbacks(execute=True):
        apply(world.operator, sub, "submit")
    assert [m.to for m in mail.outbox] == [["district@example.cn"]]
