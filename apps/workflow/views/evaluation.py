"""The service-evaluation panel of a submission page (服务评价: 分配第三方评价人员, progress,
the aggregate and its explanation, the confirmed grade) and the city's assignment action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.errors import ServiceError
from apps.orgs.models import User

from .. import permissions
from ..models import Submission
from ..selectors import submissions_visible_to
from ..services import evaluation as ev
from .common import flash_error, require


def service_evaluation_context(user: Any, sub: Submission) -> dict[str, Any]:
    """What the submission page shows of the service evaluation to `user` (empty for other workflows)."""
    if not ev.is_service_evaluation(sub):
        return {}
    from apps.assessment.permissions import can_score_evaluation, is_assigned_evaluator

    evaluation = ev.evaluation_for(sub)
    sees_panel = permissions.can_view_evaluation_panel(user, sub)[0]
    can_assign = ev.can_assign_evaluators(user, sub)[0] and sub.state == ev.SCORING_STATE
    panel = ev.panel(evaluation) if sees_panel else []
    assigned = {row.user.pk for row in panel}
    mine = evaluation is not None and is_assigned_evaluator(user, evaluation)
    after_scoring = sub.state in (ev.CONFIRM_STATE, ev.CONFIRMED_STATE)
    result = ev.evaluation_result(user, sub) or {}
    sees_result = bool(result.get("visible"))
    return {
        "service_evaluation": {
            "evaluation": evaluation,
            "can_assign": can_assign,
            "candidates": [u for u in ev.evaluator_candidates(user) if u.pk not in assigned] if can_assign else [],
            "panel": panel,
            "can_withdraw": can_assign and len(panel) > 1,
            "explanation": ev.explanation(evaluation) if sees_result and after_scoring else None,
            "is_evaluator": mine,
            "can_score": mine and can_score_evaluation(user, evaluation)[0],
            "score_url": reverse("assessment:evaluation_score", args=[evaluation.pk]) if mine else "",
            "detail_url": reverse("assessment:evaluation_detail", args=[evaluation.pk])
            if evaluation is not None and sees_panel
            else "",
            # The inputs of the aggregate (named for the authorities, 评价人员一、二… for the others).
            "totals": result.get("evaluator_totals", []) if sees_result and after_scoring else [],
            "totals_anonymous": not result.get("named", False),
            "proposed": result.get("proposed_grade", ""),
            "score": result.get("score", ""),
            "confirmed": ev.confirmed_grade(sub.cluster) if sub.state == "confirmed" and sub.cluster else None,
            "grade": sub.data.get("grade", "") if sub.state == "confirmed" else "",
        }
    }


def hide_unconfirmed_scores(user: Any, sub: Submission, rows: list[dict[str, Any]]) -> None:
    """The operator learns its grade when the city confirms it: until then the history rows of
    the automatic 第三方评分完成 keep only the step (no score, proposed grade or opinions) for
    whoever may not see the result (permissions.can_view_evaluation_result, as in the API). For
    everybody who may not see the evaluators' identities the step is anonymised first."""
    _anonymise_evaluator_events(user, sub, rows)
    if permissions.can_view_evaluation_result(user, sub)[0]:
        return
    for row in rows:
        if row["e"].transition == ev.AUTO_TRANSITION:
            row["data"] = []
            row["hidden_comment"] = True


def _anonymise_evaluator_events(user: Any, sub: Submission, rows: list[dict[str, Any]]) -> None:
    """The automatic 第三方评分完成 is recorded in an evaluator's name with the opinions under the
    evaluators' names: whoever may not see the evaluators' identities
    (permissions.can_view_evaluator_identities) reads it as done by 第三方评价人员 with the opinions
    labelled 评价人员一、二… (as in the result block)."""
    if not ev.is_service_evaluation(sub) or permissions.can_view_evaluator_identities(user, sub)[0]:
        return
    auto = [row for row in rows if row["e"].transition == ev.AUTO_TRANSITION]
    if not auto:
        return
    totals = ev.evaluator_totals(ev.evaluation_for(sub), named=False)
    for row in auto:
        row["actor_label"] = "第三方评价人员"
        if totals:  # version 1 (no scoring in apps.assessment): the comment typed at the step
            row["comment"] = ev.anonymous_opinions(totals)


@require_POST
def evaluation_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """分配第三方评价人员 (city, 第三方评分)."""
    sub = get_object_or_404(submissions_visible_to(request.user), pk=pk)
    require(ev.can_assign_evaluators(request.user, sub))
    ids = [int(v) for v in request.POST.getlist("evaluators") if v.isdigit()]
    chosen = list(ev.evaluator_candidates(request.user).filter(pk__in=ids))
    try:
        ev.service_evaluation_assign(actor=request.user, submission=sub, evaluators=chosen)
    except ServiceError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, f"已分配第三方评价人员：{'、'.join(str(u) for u in chosen)}。")
    return redirect("workflow:submission_detail", pk=pk)


@require_POST
def evaluation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """撤回/更换评价人员 (city, 第三方评分): an assigned evaluator who has not submitted, with a reason."""
    sub = get_object_or_404(submissions_visible_to(request.user), pk=pk)
    require(ev.can_assign_evaluators(request.user, sub))
    raw = request.POST.get("evaluator", "")
    # Only someone on this submission's panel (no other user's name is echoed back).
    evaluation = ev.evaluation_for(sub)
    on_panel = ev.assigned_evaluator_ids(evaluation) if evaluation is not None else []
    evaluator = User.objects.filter(pk=int(raw), pk__in=on_panel).first() if raw.isdigit() else None
    if evaluator is None:
        messages.error(request, "请选择要撤回的第三方评价人员。")
        return redirect("workflow:submission_detail", pk=pk)
    try:
        after = ev.service_evaluation_withdraw(
            actor=request.user, submission=sub, evaluator=evaluator, reason=request.POST.get("reason", "")
        )
    except ServiceError as exc:
        flash_error(request, exc)
    else:
        moved = "；其余评价人员均已提交，已自动报送市级确认等级" if after.state != ev.SCORING_STATE else ""
        messages.success(request, f"已撤回第三方评价人员：{evaluator}，其评分草稿已作废{moved}。")
    return redirect("workflow:submission_detail", pk=pk)
