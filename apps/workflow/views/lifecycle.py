"""Lifecycle pages: inbox, calendar, re-review due / overdue reports, revocation, bulk actions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from apps.clusters.selectors import clusters_visible_to
from apps.core.errors import ServiceError

from .. import permissions, services
from ..definitions import get_workflow
from ..models import Revocation, RevocationGround
from ..selectors import campaigns_visible_to, notifications_of, submissions_visible_to
from ..services import evaluation as ev
from ..services.lifecycle import BULK_ASSIGN_EVALUATORS, BulkRefused, bulk_assign_evaluators, calendar_for
from .common import flash_error, require


def inbox(request: HttpRequest) -> HttpResponse:
    items = notifications_of(request.user)[:200]
    return render(
        request,
        "workflow/inbox.html",
        {"items": items, "unread": notifications_of(request.user).filter(read_at__isnull=True).count()},
    )


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    n = get_object_or_404(notifications_of(request.user), pk=pk)
    services.notification_mark_read(actor=request.user, notification=n)
    return redirect(n.url or "workflow:inbox")


def calendar(request: HttpRequest) -> HttpResponse:
    entries = calendar_for(request.user, submissions_visible_to(request.user), campaigns_visible_to(request.user))
    due = []
    if permissions.can_view_lists(request.user)[0]:
        due = list(services.recognitions_due_for_rereview(clusters_visible_to(request.user)))
    return render(request, "workflow/calendar.html", {"entries": entries, "due": due, "now": timezone.now()})


def lifecycle(request: HttpRequest) -> HttpResponse:
    require(permissions.can_view_lists(request.user))
    clusters = clusters_visible_to(request.user)
    return render(
        request,
        "workflow/lifecycle.html",
        {
            "due": services.recognitions_due_for_rereview(clusters),
            "overdue": services.overdue_submissions(submissions_visible_to(request.user)),
            "revocations": Revocation.objects.filter(cluster__in=clusters).select_related("cluster")[:100],
        },
    )


@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_object_or_404(clusters_visible_to(request.user), pk=pk)
    require(permissions.can_revoke_recognition(request.user, cluster))
    if request.method == "POST":
        try:
            services.recognition_revoke(
                actor=request.user,
                cluster=cluster,
                ground=request.POST.get("ground", ""),
                evidence=request.POST.get("evidence", ""),
                decision=request.POST.get("decision", ""),
                document_number=request.POST.get("document_number", ""),
                evidence_file=request.FILES.get("evidence_file"),
            )
        except ServiceError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, f"已撤销“{cluster.name}”的认定。")
            return redirect("workflow:lifecycle")
    return render(
        request,
        "workflow/revoke.html",
        {"cluster": cluster, "grounds": RevocationGround.choices, "values": request.POST},
    )


@require_http_methods(["GET", "POST"])
def bulk(request: HttpRequest, pk: int) -> HttpResponse:
    """批量办理: pick a transition and submissions; preview (dry run) first, then execute all-or-nothing."""
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    require(permissions.can_view_lists(request.user))
    subs = submissions_visible_to(request.user).filter(campaign=campaign).order_by("workflow_key", "pk")
    options: dict[tuple[str, str], str] = {}
    for s in subs:
        for t in services.available_transitions(request.user, s):
            options[(s.workflow_key, t.key)] = f"{get_workflow(s.workflow_key, s.workflow_version).title}：{t.label}"
        # 分配第三方评价人员 is not a transition but is offered alongside them (same preview/all-or-nothing).
        if ev.is_service_evaluation(s) and s.state == ev.SCORING_STATE and ev.can_assign_evaluators(request.user, s)[0]:
            options[(s.workflow_key, BULK_ASSIGN_EVALUATORS)] = (
                f"{get_workflow(s.workflow_key, s.workflow_version).title}：分配第三方评价人员"
            )
    candidates = (
        list(ev.evaluator_candidates(request.user)) if any(k[1] == BULK_ASSIGN_EVALUATORS for k in options) else []
    )
    rows = None
    selected: set[int] = set()
    chosen_evaluators: set[int] = set()
    choice = request.POST.get("choice", "")
    if request.method == "POST":
        selected = {int(x) for x in request.POST.getlist("submissions") if x.isdigit()}
        chosen_evaluators = {int(x) for x in request.POST.getlist("evaluators") if x.isdigit()}
        wf_key, _, t_key = choice.partition(":")
        chosen = [s for s in subs if s.pk in selected and s.workflow_key == wf_key]
        data = {
            s.pk: {"rank": request.POST.get(f"rank__{s.pk}", "")} for s in chosen if request.POST.get(f"rank__{s.pk}")
        }
        dry_run = request.POST.get("action") != "execute"
        try:
            if t_key == BULK_ASSIGN_EVALUATORS:
                rows = bulk_assign_evaluators(
                    actor=request.user,
                    submissions=chosen,
                    evaluators=[u for u in candidates if u.pk in chosen_evaluators],
                    dry_run=dry_run,
                )
            else:
                rows = services.bulk_transition(
                    actor=request.user,
                    submissions=chosen,
                    transition=t_key,
                    comment=request.POST.get("comment", ""),
                    data_by_id=data,
                    dry_run=dry_run,
                )
        except BulkRefused as exc:
            rows = exc.rows
            flash_error(request, exc)
        except ServiceError as exc:
            flash_error(request, exc)
        else:
            if request.POST.get("action") == "execute":
                messages.success(request, f"已批量办理 {len(rows)} 项。")
                return redirect("workflow:campaign_detail", pk=pk)
    return render(
        request,
        "workflow/bulk.html",
        {
            "campaign": campaign,
            "subs": subs,
            "options": sorted((f"{k[0]}:{k[1]}", v) for k, v in options.items()),
            "rows": rows,
            "selected": selected,
            "choice": choice,
            "comment": request.POST.get("comment", ""),
            "candidates": candidates,
            "chosen_evaluators": chosen_evaluators,
        },
    )
