"""公示 objections, revocation (002 第十九条), lists of clusters due for re-review and of overdue
reports, deadline reminders and bulk actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from apps.clusters.models import Cluster, ClusterStatus, Recognition
from apps.core.audit import audit_record
from apps.core.errors import ServiceError, require

from .. import permissions
from ..definitions import DEADLINE_STAGES, all_workflows
from ..models import Campaign, Objection, ObjectionStatus, Revocation, RevocationGround, Submission
from ..models.campaigns import CampaignStatus
from .campaigns import rereview_due_before
from .engine import transition_apply
from .notify import notify, recipients_for_role


@transaction.atomic
def objection_record(
    *,
    actor: Any,
    submission: Submission,
    objector_name: str,
    objector_contact: str,
    content: str,
    evidence: File | None = None,
) -> Objection:
    """Record a real-name objection received during the 公示 period."""
    locked = Submission.objects.select_for_update(of=("self",)).get(pk=submission.pk)
    require(permissions.can_review_as_authority(actor, locked))
    if locked.state != "publicity":
        raise ServiceError(
            f"“{locked}”当前环节为“{locked.state_label}”，不在公示期，不能登记异议。", code="wrong_state"
        )
    if not objector_name.strip() or not objector_contact.strip():
        raise ServiceError("异议须实名提出：请填写异议人姓名和联系方式。", field="objector_name")
    if not content.strip():
        raise ServiceError("请填写异议内容及理由。", field="content")
    obj = Objection(
        submission=locked,
        objector_name=objector_name.strip(),
        objector_contact=objector_contact.strip(),
        content=content.strip(),
        recorded_by=actor,
    )
    if evidence is not None:
        obj.evidence.save(evidence.name or "evidence", evidence, save=False)
    obj.save()
    audit_record(
        actor=actor, action="publicity.objection", action_label="登记公示异议", obj=obj, subject=locked, note=content
    )
    return obj


@transaction.atomic
def objection_handle(*, actor: Any, objection: Objection, outcome: str, handling: str) -> Objection:
    locked = Objection.objects.select_for_update(of=("self",)).select_related("submission").get(pk=objection.pk)
    require(permissions.can_review_as_authority(actor, locked.submission))
    if locked.status != ObjectionStatus.PENDING:
        raise ServiceError("该异议已处理。", code="wrong_state")
    if outcome not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise ServiceError("请选择处理结果（异议成立或不成立）。", field="outcome")
    if not handling.strip():
        raise ServiceError("请填写核查及处理情况。", field="handling")
    locked.status = outcome
    locked.handling = handling.strip()
    locked.handled_by = actor
    locked.handled_at = timezone.now()
    locked.save()
    audit_record(
        actor=actor,
        action="publicity.objection_handle",
        action_label="处理公示异议",
        obj=locked,
        subject=locked.submission,
        changes={"处理结果": ["待处理", ObjectionStatus(outcome).label]},
        note=handling,
    )
    return locked


@transaction.atomic
def recognition_revoke(
    *,
    actor: Any,
    cluster: Cluster,
    ground: str,
    evidence: str,
    decision: str,
    document_number: str,
    evidence_file: File | None = None,
) -> Revocation:
    """撤销认定 on one of the five grounds of 002 第十九条: sets the cluster status 已撤销."""
    locked = Cluster.objects.select_for_update(of=("self",)).select_related("district").get(pk=cluster.pk)
    require(permissions.can_revoke_recognition(actor, locked))
    if ground not in RevocationGround.values:
        raise ServiceError("请选择撤销情形（第十九条所列五种情形之一）。", field="ground")
    if not evidence.strip():
        raise ServiceError("请填写事实与证据。", field="evidence")
    if not decision.strip():
        raise ServiceError("请填写撤销决定。", field="decision")
    if not document_number.strip():
        raise ServiceError("请填写决定文号。", field="document_number")
    if locked.status == ClusterStatus.REVOKED:
        raise ServiceError("该集群的认定已被撤销。", code="wrong_state")
    current = Recognition.objects.filter(cluster=locked, is_current=True).order_by("-valid_from").first()
    if current is None:
        raise ServiceError("该集群没有当前有效的认定，无需撤销。", code="wrong_state")
    rev = Revocation(
        cluster=locked,
        recognition=current,
        ground=ground,
        evidence=evidence.strip(),
        decision=decision.strip(),
        document_number=document_number.strip(),
        decided_by=actor,
    )
    if evidence_file is not None:
        rev.evidence_file.save(evidence_file.name or "evidence", evidence_file, save=False)
    rev.save()
    Recognition.objects.filter(cluster=locked, is_current=True).update(
        status=ClusterStatus.REVOKED, status_reason=RevocationGround(ground).label, is_current=False
    )
    before = locked.status
    locked.status = ClusterStatus.REVOKED
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="recognition.revoke",
        action_label="撤销集群认定",
        obj=rev,
        subject=locked,
        changes={
            "status": [ClusterStatus(before).label, ClusterStatus.REVOKED.label],
            "撤销情形": [None, rev.get_ground_display()],
        },
        note=f"{document_number}：{decision}",
    )
    from apps.orgs.models import Role, User

    people = User.objects.filter(is_active=True, organisation_id__in=[locked.operator_id, locked.district_id]).filter(
        role_grants__role__in=[Role.OPERATOR_STAFF, Role.DISTRICT_REVIEWER]
    )
    notify(
        recipients=list(people.distinct()),
        key=f"revocation:{rev.pk}",
        title=f"撤销认定：{locked.name}"[:200],
        body=f"{document_number}：{rev.get_ground_display()}。{decision}",
        url=reverse("clusters:detail", args=[locked.pk]),
    )
    return rev


# ---- lists --------------------------------------------------------------------------------------


def recognitions_due_for_rereview(clusters: QuerySet[Cluster], today: date | None = None) -> QuerySet[Recognition]:
    """Current recognitions ending within 6 months (or already ended), of the given clusters."""
    today = today or timezone.localdate()
    return (
        Recognition.objects.filter(is_current=True, cluster__in=clusters, valid_to__lte=rereview_due_before(today))
        .exclude(cluster__status=ClusterStatus.REVOKED)
        .select_related("cluster", "cluster__district")
        .order_by("valid_to")
    )


def overdue_submissions(submissions: QuerySet[Submission], now: datetime | None = None) -> list[Submission]:
    """Reports still not submitted after their campaign deadline (workflows with `overdue_states`)."""
    now = now or timezone.now()
    out: list[Submission] = []
    defs = {(w.key, w.version): w for w in all_workflows().values()}
    candidates = submissions.select_related("campaign", "cluster", "district").prefetch_related("campaign__deadlines")
    for key, wf in defs.items():
        if not wf.overdue_states or not wf.overdue_deadline:
            continue
        for sub in candidates.filter(workflow_key=key[0], workflow_version=key[1], state__in=wf.overdue_states):
            if sub.campaign is None:
                continue
            d = sub.campaign.deadline_for(wf.overdue_deadline)
            if d is not None and now > d.due_at:
                out.append(sub)
    return out


@dataclass(frozen=True)
class CalendarEntry:
    when: datetime
    title: str
    detail: str
    url: str
    kind: str


def calendar_for(user: Any, submissions: QuerySet[Submission], campaigns: QuerySet[Campaign]) -> list[CalendarEntry]:
    """Every deadline that concerns the user's role: stage deadlines of the campaigns whose
    submissions they handle, and recognition expiries in their scope."""
    from .engine import available_transitions

    entries: list[CalendarEntry] = []
    seen: set[tuple[int | None, str]] = set()
    for sub in submissions.select_related("campaign", "cluster", "district").prefetch_related("campaign__deadlines"):
        if sub.campaign is None or sub.is_final:
            continue
        for t in available_transitions(user, sub):
            if not t.deadline:
                continue
            d = sub.campaign.deadline_for(t.deadline)
            if d is None or (sub.campaign_id, t.deadline) in seen:
                continue
            seen.add((sub.campaign_id, t.deadline))
            entries.append(
                CalendarEntry(
                    when=d.due_at,
                    title=f"{DEADLINE_STAGES[t.deadline]}截止",
                    detail=f"{sub.campaign.document_number} {sub.campaign.title}",
                    url=reverse("workflow:campaign_detail", args=[sub.campaign_id]),
                    kind="deadline",
                )
            )
    for c in campaigns.filter(status=CampaignStatus.PUBLISHED).prefetch_related("deadlines"):
        if not permissions.can_manage_campaign(user, c)[0]:
            continue
        for d in c.deadlines.all():
            if (c.pk, d.stage) in seen:
                continue
            seen.add((c.pk, d.stage))
            entries.append(
                CalendarEntry(
                    when=d.due_at,
                    title=f"{d.stage_label}截止",
                    detail=f"{c.document_number} {c.title}",
                    url=reverse("workflow:campaign_detail", args=[c.pk]),
                    kind="deadline",
                )
            )
    return sorted(entries, key=lambda e: e.when)


# ---- reminders ----------------------------------------------------------------------------------


def send_deadline_reminders(now: datetime | None = None) -> int:
    """Remind the users who still have to act, N days before a stage deadline (N from the
    campaign's reminder_days). The key (campaign, stage, N, submission) stops repeats."""

    now = now or timezone.now()
    today = timezone.localdate(now)
    created = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.PUBLISHED).prefetch_related("deadlines"):
        for d in campaign.deadlines.all():
            due_day = timezone.localdate(d.due_at)
            days_left = (due_day - today).days
            if days_left < 0:
                continue
            marks = [n for n in (campaign.reminder_days or []) if days_left <= n]
            if not marks:
                continue
            mark = min(marks)
            for sub in Submission.objects.filter(campaign=campaign).select_related("cluster", "district"):
                if sub.is_final:
                    continue
                wf = sub.workflow
                for t in wf.transitions_from(sub.state):
                    if t.deadline != d.stage:
                        continue
                    people = recipients_for_role(t.role, sub)
                    rows = notify(
                        recipients=people,
                        key=f"reminder:{campaign.pk}:{d.stage}:{mark}:{sub.pk}",
                        title=f"截止提醒：{sub}（{d.stage_label}剩余 {days_left} 天）"[:200],
                        body=(
                            f"{campaign.document_number}要求的“{d.stage_label}”将于 "
                            f"{timezone.localtime(d.due_at):%Y-%m-%d %H:%M} 截止，请及时办理“{t.label}”。"
                        ),
                        url=reverse("workflow:submission_detail", args=[sub.pk]),
                    )
                    created += len(rows)
                    break
    return created


# ---- bulk actions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkRow:
    submission: Submission
    ok: bool
    message: str


class BulkRefused(ServiceError):
    def __init__(self, message: str, rows: list[BulkRow]) -> None:
        super().__init__(message, code="bulk")
        self.rows = rows


class _DryRunRollback(Exception):
    pass


def _bulk_run(submissions: list[Submission], apply_one: Callable[[Submission], Any], *, dry_run: bool) -> list[BulkRow]:
    """Run `apply_one` on every submission: all or nothing. A dry run applies everything in a
    transaction that is then rolled back, so the preview shows exactly what would happen."""
    if not submissions:
        raise ServiceError("请至少选择一项。", field="submissions")
    rows: list[BulkRow] = []
    try:
        with transaction.atomic():
            for sub in submissions:
                try:
                    with transaction.atomic():
                        apply_one(sub)
                    rows.append(BulkRow(sub, True, "可以办理" if dry_run else "已办理"))
                except ServiceError as exc:
                    rows.append(BulkRow(sub, False, exc.message))
            failed = [r for r in rows if not r.ok]
            if failed and not dry_run:
                raise BulkRefused(
                    f"{len(failed)} 项不能办理，全部未执行：{failed[0].submission}：{failed[0].message}", rows
                )
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    if not dry_run:
        for sub in submissions:
            sub.refresh_from_db()
    return rows


def bulk_transition(
    *,
    actor: Any,
    submissions: list[Submission],
    transition: str,
    comment: str,
    data_by_id: dict[int, dict[str, Any]] | None = None,
    dry_run: bool = True,
) -> list[BulkRow]:
    """Apply one transition to many submissions: all or nothing, previewed by a dry run."""
    return _bulk_run(
        submissions,
        lambda sub: transition_apply(
            actor=actor,
            instance=sub,
            transition=transition,
            comment=comment,
            expected_state=sub.state,
            data=(data_by_id or {}).get(sub.pk),
        ),
        dry_run=dry_run,
    )


BULK_ASSIGN_EVALUATORS = "assign_evaluators"  # the bulk page's pseudo-transition (not in the YAML)


def bulk_assign_evaluators(
    *, actor: Any, submissions: list[Submission], evaluators: list[Any], dry_run: bool = True
) -> list[BulkRow]:
    """分配第三方评价人员 to many service-evaluation submissions at once (the same service and checks
    as on one submission page): all or nothing, previewed by a dry run."""
    from .evaluation import service_evaluation_assign

    if not evaluators:
        raise ServiceError("请至少选择一名第三方评价人员。", field="evaluators")
    return _bulk_run(
        submissions,
        lambda sub: service_evaluation_assign(actor=actor, submission=sub, evaluators=evaluators),
        dry_run=dry_run,
    )


def reminder_window(days: int) -> timedelta:
    return timedelta(days=days)
