"""Submission pages: list, detail (stage, reasons, diff of a resubmission, history, transitions,
objections, expert scores), apply a transition, objections, manual expert assignment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.errors import ServiceError
from apps.orgs.models import Role, User

from .. import permissions, services
from ..models import ObjectionStatus, ReviewAssignment, Submission, WorkflowEvent
from ..selectors import objections_visible_to, submissions_visible_to
from ..services.experts import aggregate_scores, conflicts_of, scores_visible_to
from ..subjects import DiffRow, adapter_for
from .common import flash_error, post_dict, require


def submission_list(request: HttpRequest) -> HttpResponse:
    qs = submissions_visible_to(request.user).order_by("-year", "workflow_key", "district__path", "pk")
    key = request.GET.get("workflow", "")
    if key:
        qs = qs.filter(workflow_key=key)
    return render(request, "workflow/submission_list.html", {"submissions": qs[:500], "workflow": key})


def resubmission_diff(submission: Submission) -> list[DiffRow]:
    """Fields changed by the last resubmission after a return (the reviewer's diff).

    For a bound form the adapter reads the form's own submission snapshots; otherwise the
    events' snapshots are compared (the return and the next resubmission)."""
    events = list(submission.events.order_by("at", "id"))
    returns = [e for e in events if e.field_reasons]
    if not returns:
        return []
    last_return = returns[-1]
    flagged = set(last_return.field_reasons)
    subject = submission.subject
    adapter = adapter_for(subject)
    if subject is not None:
        rows = adapter.resubmission_diff(subject, flagged)
        if rows is not None:
            resubmitted = any(e.id > last_return.id for e in events)
            return rows if resubmitted else []
    after = [e for e in events if e.id > last_return.id and e.subject_snapshot is not None]
    if last_return.subject_snapshot is None or not after:
        return []
    before_snap, after_snap = last_return.subject_snapshot, after[0].subject_snapshot or {}
    labels = adapter.field_labels(subject) if subject is not None else None
    out = []
    for k in sorted(set(before_snap) | set(after_snap)):
        if before_snap.get(k) != after_snap.get(k):
            before, after_value = before_snap.get(k), after_snap.get(k)
            out.append(
                DiffRow(
                    key=k,
                    label=(labels or {}).get(k, k),
                    before="—" if before is None else str(before),
                    after="—" if after_value is None else str(after_value),
                    flagged=k in flagged,
                )
            )
    return out


def submission_assessments(user: Any, sub: Submission) -> list[Any]:
    """The latest stored rule assessment per rule set of what was submitted (apps.assessment
    AssessmentRecord attached to the submission), as far as the user may see them."""
    from django.contrib.contenttypes.models import ContentType

    from apps.assessment.selectors import records_visible_to

    records = records_visible_to(user).filter(
        content_type=ContentType.objects.get_for_model(Submission), object_id=sub.pk
    )
    latest: dict[str, Any] = {}
    for record in records.order_by("-created_at", "-pk"):
        latest.setdefault(record.ruleset_code, record)
    out = []
    for record in sorted(latest.values(), key=lambda r: r.ruleset_code):
        rules = record.result.get("results", [])
        out.append(
            {
                "record": record,
                "attention": sum(1 for r in rules if r.get("status") != "pass"),
                "judgments": len(record.judgment_items()),
                "rules": len(rules),
            }
        )
    return out


def _button_style(t: Any) -> str:
    """Bootstrap button class of a transition: refusals red, returns amber, the rest primary."""
    if any(w in t.key for w in ("reject", "fail")):
        return "btn-outline-danger"
    if "return" in t.key:
        return "btn-warning"
    return "btn-primary"


def _event_rows(sub: Submission, labels: dict[str, str] | None) -> list[dict[str, Any]]:
    """Events with their reasons and data named by label (field labels, the transition's data labels)."""
    wf = sub.workflow
    rows = []
    for e in WorkflowEvent.objects.filter(submission=sub).select_related("actor").order_by("at", "id"):
        t = wf.transitions.get(e.transition)
        data_labels = {f.key: f.label for f in t.data} if t else {}
        rows.append(
            {
                "e": e,
                "reasons": [((labels or {}).get(k, k), v) for k, v in (e.field_reasons or {}).items()],
                "data": [(data_labels.get(k, k), v) for k, v in (e.data or {}).items()],
                "comment_label": t.comment_label if t else "意见",
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
    adapter = adapter_for(subject)
    labels = adapter.field_labels(subject) if subject is not None else None
    experts: list[tuple[User, list[str]]] = []
    if is_authority_reviewer and sub.state == "expert_review":
        assigned = set(ReviewAssignment.objects.filter(submission=sub).values_list("expert_id", flat=True))
        for e in (
            User.objects.filter(is_active=True, role_grants__role=Role.EXPERT).exclude(pk__in=assigned).order_by("pk")
        ):
            experts.append((e, conflicts_of(e, sub)))
    submits = [t for t in transitions if t.role in ("operator", "county") and "subject_submit" in t.effects]
    state = wf.states[sub.state]
    # Operators (and counties filling their own form) see the public stage name only.
    acts_as_applicant = permissions.has_workflow_role(user, "operator", sub) or (
        state.owner == "county" and permissions.has_workflow_role(user, "county", sub)
    )
    track = sub.track
    events = _event_rows(sub, labels)
    context = {
        "sub": sub,
        "wf": wf,
        "events": events,
        "transitions": [(t, _button_style(t)) for t in transitions],
        "acts_as_applicant": acts_as_applicant,
        "field_labels": labels,
        "field_groups": adapter.field_groups(subject) if subject is not None else [],
        "reason_rows": range(5),
        "reasons": [(k, (labels or {}).get(k, k), v) for k, v in sub.field_reasons.items()],
        "subject": subject,
        "subject_kind": adapter.kind_label,
        "subject_url": adapter.url(subject) if subject is not None else "",
        "subject_edit_url": adapter.edit_url(subject, user) if subject is not None else "",
        "subject_status": adapter.status_label(subject) if subject is not None else "",
        "subject_issues": adapter.open_issues(subject) if subject is not None and submits else None,
        "subject_sections": adapter.readonly_sections(subject) if subject is not None else [],
        "can_open_form": bool(
            subject is None
            and track is not None
            and track.template_code
            and wf.states[sub.state].editable == "all"
            and permissions.has_workflow_role(user, wf.states[sub.state].owner or "operator", sub)
        ),
        "template_missing": bool(subject is None and (track is None or not track.template_code)),
        "diff": resubmission_diff(sub),
        "objections": objections_visible_to(user).filter(submission=sub),
        "is_authority_reviewer": is_authority_reviewer,
        # The 专家评审 card belongs to workflows with that stage (and any assignment made anyway).
        "shows_expert_review": is_authority_reviewer
        and (wf.has_expert_review or ReviewAssignment.objects.filter(submission=sub).exists()),
        "assignments": ReviewAssignment.objects.filter(submission=sub).select_related("expert"),
        "scores": scores_visible_to(user, sub) if is_authority_reviewer else [],
        "aggregate": aggregate_scores(sub) if is_authority_reviewer and sub.review_assignments.exists() else None,
        "experts": experts,
        "is_assigned_expert": ReviewAssignment.objects.filter(submission=sub, expert_id=user.pk).exists(),
        "objection_statuses": [(ObjectionStatus.UPHELD, "异议成立"), (ObjectionStatus.DISMISSED, "异议不成立")],
        "assessments": submission_assessments(user, sub) if subject is not None else [],
    }
    from .evaluation import hide_unconfirmed_scores, service_evaluation_context

    context.update(service_evaluation_context(user, sub))
    hide_unconfirmed_scores(user, sub, events)
    return render(request, "workflow/submission_detail.html", context)


def posted_reasons(request: HttpRequest) -> dict[str, str]:
    """Reasons per field from the return form: rows of (reason_field, reason_text), and
    `reason__<field key>` inputs. A reason without a field, or a field picked twice, is refused."""
    reasons = {k: v for k, v in post_dict(request, "reason__").items() if v.strip()}
    keys = request.POST.getlist("reason_field")
    texts = request.POST.getlist("reason_text")
    for i, text in enumerate(texts):
        key = keys[i].strip() if i < len(keys) else ""
        if not text.strip() and not key:
            continue
        if not key:
            raise ServiceError(f"第 {i + 1} 行填写了退回原因，但没有选择栏目。", field="field_reasons")
        if key in reasons:
            raise ServiceError(f"第 {i + 1} 行选择的栏目已在前面填写过原因，请合并为一条。", field="field_reasons")
        reasons[key] = text
    return reasons


def _flash_refusal(request: HttpRequest, sub: Submission, exc: ServiceError) -> None:
    issues = getattr(exc, "issues", None)
    if not issues:
        flash_error(request, exc)
        return
    lines = [i.message for i in issues[:8]]
    more = f"……另有 {len(issues) - 8} 处" if len(issues) > 8 else ""
    messages.error(request, f"{exc.message}" + "；".join(lines) + more + "。请打开填报表单修改。")


@require_POST
def submission_transition(request: HttpRequest, pk: int) -> HttpResponse:
    sub = get_object_or_404(submissions_visible_to(request.user), pk=pk)
    try:
        reasons = posted_reasons(request)
    except ServiceError as exc:
        flash_error(request, exc)
        return redirect("workflow:submission_detail", pk=pk)
    try:
        services.transition_apply(
            actor=request.user,
            instance=sub,
            transition=request.POST.get("transition", ""),
            comment=request.POST.get("comment", ""),
            expected_state=request.POST.get("expected_state", ""),
            field_reasons=reasons or None,
            data=post_dict(request, "data__"),
            subject_values=post_dict(request, "sv__"),
        )
    except ServiceError as exc:
        _flash_refusal(request, sub, exc)
    else:
        sub.refresh_from_db()
        messages.success(request, f"已办理，当前环节：{sub.state_label}。")
    return redirect("workflow:submission_detail", pk=pk)


@require_POST
def submission_open_form(request: HttpRequest, pk: int) -> HttpResponse:
    """开始填报: create and bind the form the campaign asks for, then open it."""
    sub = get_object_or_404(submissions_visible_to(request.user), pk=pk)
    try:
        filing = services.submission_open_form(actor=request.user, submission=sub)
    except ServiceError as exc:
        flash_error(request, exc)
        return redirect("workflow:submission_detail", pk=pk)
    messages.success(request, f"已新建《{filing.template_title}》，填写完成后请回到本页提交。")
    return redirect(
        adapter_for(filing).edit_url(filing, request.user) or reverse("workflow:submission_detail", args=[pk])
    )


def form_submission(request: HttpRequest, pk: int) -> HttpResponse:
    """From a form (filings.Filing pk) to the submission it belongs to (404 when none is visible)."""
    from django.contrib.contenttypes.models import ContentType

    from apps.filings.models import Filing

    sub = get_object_or_404(
        submissions_visible_to(request.user),
        subject_type=ContentType.objects.get_for_model(Filing),
        subject_id=pk,
    )
    return redirect("workflow:submission_detail", pk=sub.pk)


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
