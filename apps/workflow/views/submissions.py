"""Submission pages: list, detail (stage, reasons, diff of a resubmission, history, transitions,
objections, expert scores), apply a transition, objections, manual expert assignment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import select_template
from django.views.decorators.http import require_POST

from apps.core.errors import ServiceError
from apps.orgs.models import Role, User

from .. import permissions, services
from ..models import ObjectionStatus, ReviewAssignment, Submission, WorkflowEvent
from ..selectors import objections_visible_to, submissions_visible_to
from ..services.experts import aggregate_scores, conflicts_of, scores_visible_to
from ..subjects import adapter_for
from .common import flash_error, post_dict, require


def submission_list(request: HttpRequest) -> HttpResponse:
    qs = submissions_visible_to(request.user).order_by("-year", "workflow_key", "district__path", "pk")
    key = request.GET.get("workflow", "")
    if key:
        qs = qs.filter(workflow_key=key)
    return render(request, "workflow/submission_list.html", {"submissions": qs[:500], "workflow": key})


def resubmission_diff(submission: Submission) -> list[dict[str, Any]]:
    """Fields changed between the last return and the resubmission after it (the reviewer's diff)."""
    events = list(submission.events.order_by("at", "id"))
    returns = [e for e in events if e.field_reasons]
    if not returns:
        return []
    last_return = returns[-1]
    after = [e for e in events if e.at >= last_return.at and e.id > last_return.id and e.subject_snapshot is not None]
    if last_return.subject_snapshot is None or not after:
        return []
    before_snap, after_snap = last_return.subject_snapshot, after[0].subject_snapshot or {}
    labels = adapter_for(submission.subject).field_labels(submission.subject) if submission.subject else None
    rows = []
    for k in sorted(set(before_snap) | set(after_snap)):
        if before_snap.get(k) != after_snap.get(k):
            rows.append(
                {
                    "key": k,
                    "label": (labels or {}).get(k, k),
                    "before": before_snap.get(k),
                    "after": after_snap.get(k),
                    "flagged": k in last_return.field_reasons,
                }
            )
    return rows


def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sub = get_object_or_404(submissions_visible_to(request.user), pk=pk)
    wf = sub.workflow
    user = request.user
    transitions = services.available_transitions(user, sub)
    is_authority_reviewer = permissions.can_review_as_authority(user, sub)[0]
    subject = sub.subject
    labels = adapter_for(subject).field_labels(subject) if subject is not None else None
    experts: list[tuple[User, list[str]]] = []
    if is_authority_reviewer and sub.state == "expert_review":
        assigned = set(ReviewAssignment.objects.filter(submission=sub).values_list("expert_id", flat=True))
        for e in (
            User.objects.filter(is_active=True, role_grants__role=Role.EXPERT).exclude(pk__in=assigned).order_by("pk")
        ):
            experts.append((e, conflicts_of(e, sub)))
    assessment_template = None
    try:
        assessment_template = select_template(["assessment/_result_for_submission.html"]).template.name
    except Exception:
        assessment_template = None
    context = {
        "sub": sub,
        "wf": wf,
        "events": WorkflowEvent.objects.filter(submission=sub).select_related("actor").order_by("at", "id"),
        "transitions": transitions,
        "field_labels": labels,
        "reasons": [(k, (labels or {}).get(k, k), v) for k, v in sub.field_reasons.items()],
        "diff": resubmission_diff(sub),
        "objections": objections_visible_to(user).filter(submission=sub),
        "is_authority_reviewer": is_authority_reviewer,
        "assignments": ReviewAssignment.objects.filter(submission=sub).select_related("expert"),
        "scores": scores_visible_to(user, sub) if is_authority_reviewer else [],
        "aggregate": aggregate_scores(sub) if is_authority_reviewer and sub.review_assignments.exists() else None,
        "experts": experts,
        "is_assigned_expert": ReviewAssignment.objects.filter(submission=sub, expert_id=user.pk).exists(),
        "objection_statuses": [(ObjectionStatus.UPHELD, "异议成立"), (ObjectionStatus.DISMISSED, "异议不成立")],
        "assessment_template": assessment_template,
    }
    return render(request, "workflow/submission_detail.html", context)


@require_POST
def submission_transition(request: HttpRequest, pk: int) -> HttpResponse:
    sub = get_object_or_404(submissions_visible_to(request.user), pk=pk)
    reasons = {k: v for k, v in post_dict(request, "reason__").items() if v.strip()}
    extra_key = request.POST.get("reason_key_extra", "").strip()
    if extra_key and request.POST.get("reason_extra", "").strip():
        reasons[extra_key] = request.POST["reason_extra"]
    try:
        services.transition_apply(
            actor=request.user,
            instance=sub,
            transition=request.POST.get("transition", ""),
            comment=request.POST.get("comment", ""),
            expected_state=request.POST.get("expected_state", ""),
            field_reasons=reasons or None,
            data=post_dict(request, "data__"),
        )
    except ServiceError as exc:
        flash_error(request, exc)
    else:
        sub.refresh_from_db()
        messages.success(request, f"已办理，当前环节：{sub.state_label}。")
    return redirect("workflow:submission_detail", pk=pk)


@require_POST
def objection_create(request: HttpRequest, pk: int) -> HttpResponse:
    sub = get_object_or_404(submissions_visible_to(request.user), pk=pk)
    require(permissions.can_review_as_authority(request.user, sub))
    try:
        services.objection_record(
            actor=request.user,
            submission=sub,
            objector_name=request.POST.get("objector_name", ""),
            objector_contact=request.POST.get("objector_contact", ""),
            content=request.POST.get("content", ""),
            evidence=request.FILES.get("evidence"),
        )
    except ServiceError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, "已登记公示异议。")
    return redirect("workflow:submission_detail", pk=pk)


@require_POST
def objection_handle(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(objections_visible_to(request.user), pk=pk)
    require(permissions.can_review_as_authority(request.user, obj.submission))
    try:
        services.objection_handle(
            actor=request.user,
            objection=obj,
            outcome=request.POST.get("outcome", ""),
            handling=request.POST.get("handling", ""),
        )
    except ServiceError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, "已记录异议处理结果。")
    return redirect("workflow:submission_detail", pk=obj.submission_id)


@require_POST
def review_assign(request: HttpRequest, pk: int) -> HttpResponse:
    sub = get_object_or_404(submissions_visible_to(request.user), pk=pk)
    require(permissions.can_review_as_authority(request.user, sub))
    expert = User.objects.filter(pk=request.POST.get("expert") or 0, role_grants__role=Role.EXPERT).first()
    if expert is None:
        messages.error(request, "请选择评审专家。")
        return redirect("workflow:submission_detail", pk=pk)
    try:
        services.review_assign(actor=request.user, submission=sub, expert=expert)
    except ServiceError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, f"已指定专家“{expert}”。")
    return redirect("workflow:submission_detail", pk=pk)


@require_POST
def conflict_declare(request: HttpRequest, pk: int) -> HttpResponse:
    sub = get_object_or_404(submissions_visible_to(request.user), pk=pk)
    user: Any = request.user
    if not (user.has_role(Role.EXPERT) and ReviewAssignment.objects.filter(submission=sub, expert_id=user.pk).exists()):
        raise PermissionDenied("只有分配评审该申报的专家可以申报回避。")
    if sub.cluster is None:
        raise PermissionDenied("该事项没有关联集群。")
    try:
        services.conflict_declare(actor=request.user, cluster=sub.cluster, reason=request.POST.get("reason", ""))
    except ServiceError as exc:
        flash_error(request, exc)
        return redirect("workflow:review_score", pk=pk)
    messages.success(request, "已申报回避，该评审任务已撤回，主管部门将另行安排专家。")
    return redirect("workflow:inbox")
