"""The one service through which every workflow transition goes: `transition_apply`.

It locks the submission row (select_for_update), checks the expected state (two reviewers at
once: the second is told who acted first), the acting role, comment / reasons per field / data,
the stage deadline, the upward quota and the named guards; then moves the state, runs the named
effects (subject hooks, recognition), writes a WorkflowEvent with the form revision of that moment
and an audit record, and notifies. Any refusal raises before anything is written.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from apps.clusters.models import ClusterStatus, Recognition
from apps.core.audit import audit_record
from apps.core.errors import AccessDenied, ConcurrentEdit, ServiceError
from apps.orgs.models import Assignment, Organisation, OrgKind

from .. import permissions
from ..definitions import DEADLINE_STAGES, QUOTA_KEYS, Transition, Workflow, get_workflow
from ..models import (
    Campaign,
    CampaignTrack,
    ExpertScore,
    Objection,
    ObjectionStatus,
    ReviewAssignment,
    ScoreStatus,
    Submission,
    WorkflowEvent,
)
from ..subjects import adapter_for
from .notify import notify, recipients_for_role

RECOGNITION_YEARS = 3  # 002 第十五条：有效期三年


def _fmt(dt: datetime) -> str:
    return date_format(timezone.localtime(dt), "Y-m-d H:i")


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


# ---- validation helpers -------------------------------------------------------------------------


def _clean_data(t: Transition, data: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for f in t.data:
        raw = data.get(f.key)
        value = raw.strip() if isinstance(raw, str) else raw
        if value in (None, ""):
            if f.required:
                raise ServiceError(f"请填写“{f.label}”。", field=f.key)
            continue
        if f.type == "date":
            if isinstance(value, date):
                cleaned[f.key] = value.isoformat()
                continue
            try:
                cleaned[f.key] = date.fromisoformat(str(value)).isoformat()
            except ValueError as exc:
                raise ServiceError(f"“{f.label}”应为日期（如 2025-06-01）。", field=f.key) from exc
        elif f.type == "integer":
            try:
                number = int(str(value))
            except ValueError as exc:
                raise ServiceError(f"“{f.label}”应为整数。", field=f.key) from exc
            if number < 1:
                raise ServiceError(f"“{f.label}”应为正整数。", field=f.key)
            cleaned[f.key] = number
        elif f.type == "choice":
            if value not in f.choices:
                raise ServiceError(f"“{f.label}”须为：{'、'.join(f.choices)}。", field=f.key)
            cleaned[f.key] = value
        else:
            cleaned[f.key] = str(value)[:500]
    return cleaned


def _clean_reasons(submission: Submission, t: Transition, field_reasons: dict[str, str] | None) -> dict[str, str]:
    reasons = {str(k).strip(): str(v).strip() for k, v in (field_reasons or {}).items() if str(k).strip()}
    if not t.field_reasons:
        return {}
    if not reasons:
        raise ServiceError("退回修改须至少指定一个栏目并说明原因。", field="field_reasons")
    empty = [k for k, v in reasons.items() if not v]
    labels = adapter_for(submission.subject).field_labels(submission.subject) if submission.subject else None
    if empty:
        name = labels.get(empty[0], empty[0]) if labels else empty[0]
        raise ServiceError(f"请填写栏目“{name}”的退回原因。", field="field_reasons")
    if labels is not None:
        unknown = [k for k in reasons if k not in labels]
        if unknown:
            raise ServiceError(f"表单中没有栏目“{unknown[0]}”，请重新选择。", field="field_reasons")
    return reasons


def deadline_status(submission: Submission, stage: str, now: datetime) -> tuple[datetime | None, bool]:
    """(due_at, passed) of a campaign stage for this submission."""
    if not stage or submission.campaign_id is None or submission.campaign is None:
        return None, False
    d = submission.campaign.deadlines.filter(stage=stage).first()
    if d is None:
        return None, False
    return d.due_at, now > d.due_at


def _check_quota(submission: Submission, t: Transition, actor: Any, data: dict[str, Any]) -> str:
    """Returns the quota slot to occupy. Locks the campaign row so parallel recommendations queue."""
    campaign = submission.campaign
    if campaign is None:
        raise ServiceError("该事项不属于任何工作通知，无法核对推荐名额。")
    Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
    org = getattr(actor, "organisation", None)
    province: Organisation | None = (
        org if org is not None and org.kind == OrgKind.PROVINCE else submission.district.province()
    )
    if province is None:
        raise ServiceError("无法确定推荐单位所属的省级主管部门。")
    limit = campaign.quota_for(province.provincial_type)
    if limit is None:
        raise ServiceError(f"工作通知未规定“{province.get_provincial_type_display() or '该类'}”单位的推荐名额。")
    slot = f"{t.quota}:{province.pk}"
    used = Submission.objects.filter(campaign=campaign, quota_slot=slot).exclude(pk=submission.pk)
    count = used.count()
    if count >= limit:
        raise ServiceError(
            f"{province.name}的{QUOTA_KEYS[t.quota]}为 {limit} 个，已推荐 {count} 个，不能再推荐"
            "（工信厅企业函〔2025〕77号：对超过报送数量的，一律不予受理）。",
            code="quota",
        )
    rank = data.get("rank")
    if rank is not None:
        if rank > limit:
            raise ServiceError(f"推荐排序应在 1 至 {limit} 之间。", field="rank")
        clash = used.filter(rank=rank).first()
        if clash is not None:
            raise ServiceError(f"推荐排序第 {rank} 位已由“{clash}”占用，请另选排序。", field="rank")
    return slot


def _check_guards(
    submission: Submission, t: Transition, data: dict[str, Any], today: date, *, actor: Any = None, comment: str = ""
) -> None:
    for guard in t.guards:
        if guard in ("evaluation_complete", "grade_change_explained"):
            from .evaluation import check_evaluation_guard

            check_evaluation_guard(guard, submission, actor=actor, data=data, comment=comment)
        elif guard == "scores_complete":
            total = ReviewAssignment.objects.filter(submission=submission).count()
            done = ExpertScore.objects.filter(assignment__submission=submission, status=ScoreStatus.SUBMITTED).count()
            if total == 0:
                raise ServiceError("尚未分配评审专家，不能结束专家评审。", code="guard")
            if done < total:
                raise ServiceError(f"专家评分尚未全部提交（已提交 {done}/{total}），不能结束专家评审。", code="guard")
        elif guard == "publicity_period_valid":
            start = date.fromisoformat(data["publicity_start"])
            end = date.fromisoformat(data["publicity_end"])
            if end < start:
                raise ServiceError("公示结束日期不能早于开始日期。", field="publicity_end")
        elif guard == "publicity_ended":
            end_raw = submission.data.get("publicity_end")
            if not end_raw:
                raise ServiceError("尚未记录公示期，不能认定。", code="guard")
            end = date.fromisoformat(end_raw)
            if today <= end:
                raise ServiceError(f"公示期至 {end.isoformat()} 结束，期满后方可认定。", code="guard")
        elif guard == "objections_resolved":
            pending = Objection.objects.filter(submission=submission, status=ObjectionStatus.PENDING).count()
            if pending:
                raise ServiceError(f"还有 {pending} 件公示异议未处理，处理完毕后方可作出决定。", code="guard")


# ---- effects ------------------------------------------------------------------------------------


def _recognition_number(submission: Submission) -> str:
    campaign = submission.campaign
    prefix = campaign.recognition_prefix if campaign else ""
    numbered = Submission.objects.filter(
        campaign=submission.campaign, workflow_key=submission.workflow_key, data__has_key="recognition_number"
    ).count()
    return f"{prefix}{submission.year}-{numbered + 1:03d}"


def _create_recognition(actor: Any, submission: Submission, wf: Workflow, data: dict[str, Any], today: date) -> None:
    cluster = submission.cluster
    if cluster is None:
        raise ServiceError("该事项没有关联集群，不能生成认定记录。")
    number = _recognition_number(submission)
    valid_to = add_years(today, RECOGNITION_YEARS) - timedelta(days=1)
    Recognition.objects.filter(cluster=cluster, level=wf.recognition_level, is_current=True).update(is_current=False)
    rec = Recognition.objects.create(
        cluster=cluster,
        level=wf.recognition_level,
        batch_year=submission.campaign.year if submission.campaign else submission.year,
        document_number=data.get("document_number", ""),
        valid_from=today,
        valid_to=valid_to,
        status=ClusterStatus.RECOGNISED,
        is_current=True,
    )
    before = cluster.status
    cluster.status = ClusterStatus.RECOGNISED
    cluster.version += 1
    cluster.save(update_fields=["status", "version", "updated_at"])
    submission.data["recognition_number"] = number
    submission.data["recognition_id"] = rec.pk
    submission.data["valid_from"] = today.isoformat()
    submission.data["valid_to"] = valid_to.isoformat()
    audit_record(
        actor=actor,
        action="recognition.create",
        action_label="认定集群",
        obj=rec,
        subject=cluster,
        changes={
            "status": [ClusterStatus(before).label, ClusterStatus.RECOGNISED.label],
            "认定编号": [None, number],
            "有效期": [None, f"{today.isoformat()} 至 {valid_to.isoformat()}"],
        },
        note=data.get("document_number", ""),
    )


def _extend_recognition(actor: Any, submission: Submission, wf: Workflow, data: dict[str, Any], today: date) -> None:
    cluster = submission.cluster
    if cluster is None:
        raise ServiceError("该事项没有关联集群。")
    current = (
        Recognition.objects.select_for_update(of=("self",))
        .filter(cluster=cluster, level=wf.recognition_level, is_current=True)
        .order_by("-valid_to")
        .first()
    )
    if current is None:
        raise ServiceError("该集群没有当前有效的认定记录，无法延长有效期。")
    start = current.valid_to + timedelta(days=1)
    current.is_current = False
    current.save(update_fields=["is_current"])
    rec = Recognition.objects.create(
        cluster=cluster,
        level=wf.recognition_level,
        batch_year=current.batch_year,
        document_number=data.get("document_number", ""),
        valid_from=start,
        valid_to=add_years(start, RECOGNITION_YEARS) - timedelta(days=1),
        status=ClusterStatus.RECOGNISED,
        status_reason="复核通过，有效期延长三年",
        is_current=True,
    )
    cluster.status = ClusterStatus.RECOGNISED
    cluster.version += 1
    cluster.save(update_fields=["status", "version", "updated_at"])
    submission.data["valid_to"] = rec.valid_to.isoformat()
    audit_record(
        actor=actor,
        action="recognition.extend",
        action_label="复核通过，延长认定有效期",
        obj=rec,
        subject=cluster,
        changes={"有效期止": [current.valid_to.isoformat(), rec.valid_to.isoformat()]},
    )


def _run_effects(
    actor: Any, submission: Submission, wf: Workflow, t: Transition, data: dict[str, Any], reasons: dict[str, str]
) -> None:
    subject = submission.subject
    adapter = adapter_for(subject)
    today = timezone.localdate()
    for effect in t.effects:
        if effect == "subject_submit" and subject is not None:
            adapter.submit(actor=actor, obj=subject)
            adapter.record_assessment(actor=actor, obj=subject, submission=submission)
        elif effect == "subject_return" and subject is not None:
            adapter.reopen(actor=actor, obj=subject, field_reasons=reasons)
        elif effect == "subject_lock" and subject is not None:
            adapter.lock(actor=actor, obj=subject)
        elif effect == "create_recognition":
            _create_recognition(actor, submission, wf, data, today)
        elif effect == "extend_recognition":
            _extend_recognition(actor, submission, wf, data, today)


# ---- the service --------------------------------------------------------------------------------


def transition_apply(
    *,
    actor: Any,
    instance: Submission,
    transition: str,
    comment: str,
    expected_state: str,
    field_reasons: dict[str, str] | None = None,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
    subject_values: dict[str, Any] | None = None,
) -> Submission:
    """Apply `transition` to `instance` on behalf of `actor`; refusals raise ServiceError and change nothing.

    `subject_values` are the reviewer's own fields of the form (e.g. 推荐单位（公章）, 推荐日期),
    written by the effect `subject_fill` with the comment as the transition's `comment_field`."""
    now = now or timezone.now()
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("campaign", "cluster", "district")
            .get(pk=instance.pk)
        )
        wf = submission.workflow
        t = wf.transitions.get(transition)
        if t is None:
            raise ServiceError(f"流程“{wf.title}”中没有“{transition}”这一操作。")
        if submission.state != expected_state:
            last = submission.events.order_by("-at", "-id").first()
            who = (
                f"已由{last.actor_label}（{last.actor_org_label}）于 {_fmt(last.at)} 办理为“{last.to_label}”"
                if last
                else ""
            )
            raise ConcurrentEdit(
                f"该事项{who or '的状态已变更为“' + wf.state_label(submission.state) + '”'}，"
                f"您页面上的环节“{wf.state_label(expected_state)}”已过时，请刷新页面后查看。"
            )
        if submission.state not in t.sources:
            raise ServiceError(
                f"当前环节为“{wf.state_label(submission.state)}”，不能执行“{t.label}”。", code="wrong_state"
            )
        if actor is None:
            raise AccessDenied("流转必须由具体人员办理。")
        ok, reason = permissions.can_apply_transition(actor, submission, t)
        if not ok:
            raise AccessDenied(reason)
        comment = (comment or "").strip()
        if t.comment_required and not comment:
            raise ServiceError(f"请填写{t.comment_label}。", field="comment")
        reasons = _clean_reasons(submission, t, field_reasons)
        cleaned = _clean_data(t, data or {})
        due, passed = deadline_status(submission, t.deadline, now)
        late = False
        if passed and due is not None:
            if t.deadline_policy == "enforce":
                raise ServiceError(
                    f"已超过“{DEADLINE_STAGES[t.deadline]}”截止时间（{_fmt(due)}），不能再办理“{t.label}”。",
                    code="deadline",
                )
            late = True
        slot = _check_quota(submission, t, actor, cleaned) if t.quota else ""
        _check_guards(submission, t, cleaned, timezone.localdate(now), actor=actor, comment=comment)

        from_state = submission.state
        source_mode = wf.states[from_state].editable
        submission.state = t.target
        submission.version += 1
        submission.last_transition_at = now
        submission.data.update(cleaned)
        if "rank" in cleaned:
            submission.rank = cleaned["rank"]
        if slot:
            submission.quota_slot = slot
        if t.field_reasons:
            submission.field_reasons = reasons
        elif source_mode == "flagged" and wf.states[t.target].editable != "flagged":
            submission.field_reasons = {}
        if t.role in ("operator", "county") and source_mode in ("all", "flagged"):
            submission.submitted_at = now
            if late:
                submission.is_late = True
        if subject_values and "subject_fill" not in t.effects:
            key = next(iter(subject_values))
            raise ServiceError(f"“{t.label}”不填写表单栏目，不能提交栏目“{key}”。", field=key)
        if "subject_fill" in t.effects and submission.subject is not None:  # before a lock
            adapter_for(submission.subject).fill(
                actor=actor,
                obj=submission.subject,
                role=t.role,
                values=dict(subject_values or {}),
                comment=comment,
                comment_field=t.comment_field,
            )
        _run_effects(actor, submission, wf, t, cleaned, reasons)
        submission.save()

        subject = submission.subject
        adapter = adapter_for(subject)
        org = getattr(actor, "organisation", None)
        event = WorkflowEvent.objects.create(
            submission=submission,
            transition=t.key,
            transition_label=t.label,
            from_state=from_state,
            to_state=t.target,
            from_label=wf.state_label(from_state),
            to_label=wf.state_label(t.target),
            actor=actor,
            actor_label=(actor.get_full_name() or actor.get_username())[:200],
            actor_org_label=str(org or "")[:200],
            comment=comment,
            field_reasons=reasons,
            data=cleaned,
            workflow_version=wf.version,
            subject_revision=adapter.revision(subject) if subject is not None else None,
            subject_snapshot=adapter.snapshot(subject) if subject is not None else None,
            late=late,
        )
        audit_record(
            actor=actor,
            action=f"workflow.{wf.key}.{t.key}",
            action_label=f"{wf.title}：{t.label}",
            obj=submission,
            subject=submission.cluster or submission.district,
            changes={
                "环节": [wf.state_label(from_state), wf.state_label(t.target)],
                **({"退回栏目": [None, reasons]} if reasons else {}),
                **({k: [None, v] for k, v in cleaned.items()}),
                **({"逾期": [None, "是"]} if late else {}),
            },
            note=comment,
        )
        url = reverse("workflow:submission_detail", args=[submission.pk])
        body = f"“{submission}”：{event.actor_org_label}办理了“{t.label}”，当前环节：{wf.public_label(t.target)}。"
        if comment:
            body += f"\n{t.comment_label}：{comment}"
        if reasons:
            body += "\n需修改的栏目：" + "；".join(f"{k}：{v}" for k, v in reasons.items())
        people = [u for role in t.notify for u in recipients_for_role(role, submission) if u.pk != actor.pk]
        notify(recipients=people, key=f"event:{event.pk}", title=f"{t.label}：{submission}"[:200], body=body, url=url)
    instance.refresh_from_db()
    return instance


def available_transitions(user: Any, submission: Submission) -> list[Transition]:
    """Transitions `user` could start now (state and role; deadlines and guards are checked on apply).
    Automatic transitions (taken by a service, e.g. after the last evaluator's scores) are not offered."""
    wf = submission.workflow
    return [
        t
        for t in wf.transitions_from(submission.state)
        if not t.automatic and permissions.can_apply_transition(user, submission, t)[0]
    ]


# ---- starting a submission ----------------------------------------------------------------------


def submission_start(
    *,
    actor: Any,
    campaign: Campaign | None,
    track: CampaignTrack | None,
    workflow_key: str,
    year: int,
    cluster: Any = None,
    district: Organisation | None = None,
    subject: Any = None,
    is_demo: bool = False,
) -> Submission:
    """Open a submission in the workflow's initial state (the operator starting an application,
    or a campaign publishing a report request). Audited."""
    wf = get_workflow(workflow_key, track.workflow_version if track else None)
    if cluster is not None:
        district = cluster.district
    if district is None:
        raise ServiceError("须指定集群或区县。")
    with transaction.atomic():
        existing = Submission.objects.filter(campaign=campaign, workflow_key=wf.key)
        existing = (
            existing.filter(cluster=cluster)
            if cluster is not None
            else existing.filter(cluster__isnull=True, district=district)
        )
        if campaign is not None and existing.exists():
            raise ServiceError(f"“{cluster or district}”已有本通知的“{wf.title}”事项，不能重复创建。")
        sub = Submission.objects.create(
            campaign=campaign,
            track=track,
            workflow_key=wf.key,
            workflow_version=wf.version,
            cluster=cluster,
            district=district,
            year=year,
            state=wf.initial,
            is_demo=is_demo,
            subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
            subject_id=subject.pk if subject is not None else None,
        )
        audit_record(
            actor=actor,
            action=f"workflow.{wf.key}.start",
            action_label=f"{wf.title}：创建事项",
            obj=sub,
            subject=cluster or district,
        )
    return sub


@transaction.atomic
def submission_bind_subject(*, actor: Any, submission: Submission, subject: Any) -> Submission:
    """Attach the filled form to a submission (once). Experts already assigned to the submission
    may read the form too (their Assignment is mirrored onto it)."""
    locked = Submission.objects.select_for_update(of=("self",)).get(pk=submission.pk)
    if locked.subject_id is not None:
        raise ServiceError("该事项已关联填报表单。")
    ct = ContentType.objects.get_for_model(subject)
    locked.subject_type = ct
    locked.subject_id = subject.pk
    locked.save(update_fields=["subject_type", "subject_id"])
    for expert_id in ReviewAssignment.objects.filter(submission=locked).values_list("expert_id", flat=True):
        Assignment.objects.update_or_create(
            user_id=expert_id,
            content_type=ct,
            object_id=subject.pk,
            purpose=permissions.REVIEW_PURPOSE,
            defaults={"is_active": True},
        )
    audit_record(
        actor=actor,
        action="workflow.bind_subject",
        action_label="关联填报表单",
        obj=locked,
        subject=locked.cluster or locked.district,
        changes={"填报表单": [None, str(subject)]},
    )
    return locked
