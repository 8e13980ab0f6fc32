"""Expert review pages: an expert's scoring form, the random draw (preview, then execute), the ranking."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from apps.core.errors import ServiceError
from apps.orgs.models import User

from .. import permissions, services
from ..models import ExpertDraw, ExpertScore, ReviewAssignment, Submission
from ..scoring import get_rubric
from ..selectors import campaigns_visible_to, submissions_visible_to
from ..services.experts import scores_visible_to
from ..subjects import adapter_for
from .common import flash_error, post_dict, require


@require_http_methods(["GET", "POST"])
def review_score(request: HttpRequest, pk: int) -> HttpResponse:
    sub = get_object_or_404(submissions_visible_to(request.user), pk=pk)
    ra = ReviewAssignment.objects.filter(submission=sub, expert_id=request.user.pk).first()
    if ra is None:
        raise PermissionDenied("该申报未分配给您评审。")
    rubric = get_rubric(sub.campaign.scoring_rubric if sub.campaign else "municipal_expert_review.v1")
    score = ExpertScore.objects.filter(assignment=ra).first()
    values = dict(score.items) if score else {}
    comment = score.comment if score else ""
    if request.method == "POST":
        values = post_dict(request, "item__")
        comment = request.POST.get("comment", "")
        try:
            services.score_save(
                actor=request.user,
                submission=sub,
                items=values,
                comment=comment,
                submit=request.POST.get("action") == "submit",
            )
        except ServiceError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, "评分已提交。" if request.POST.get("action") == "submit" else "评分已暂存。")
            return redirect("workflow:review_score", pk=pk)
    return render(
        request,
        "workflow/review_score.html",
        {
            "sub": sub,
            "rubric": rubric,
            "rows": [(it, values.get(it.code, "")) for it in rubric.items],
            "score": score,
            "comment": comment,
            "others": [s for s in scores_visible_to(request.user, sub) if s.assignment.expert_id != request.user.pk],
            "can_score": permissions.can_score_submission(request.user, sub)[0],
            "form_url": adapter_for(sub.subject).url(sub.subject) if sub.subject is not None else "",
        },
    )


@require_http_methods(["GET", "POST"])
def review_draw(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    require(permissions.can_manage_expert_review(request.user, campaign))
    candidates = list(
        submissions_visible_to(request.user).filter(campaign=campaign, state="expert_review").order_by("pk")
    )
    plan = None
    chosen: list[Submission] = []
    per = campaign.experts_per_submission
    if request.method == "POST":
        ids = {int(x) for x in request.POST.getlist("submissions") if x.isdigit()}
        chosen = [s for s in candidates if s.pk in ids]
        try:
            per = int(request.POST.get("per_submission") or campaign.experts_per_submission)
            draw, plan = services.expert_draw(
                actor=request.user,
                campaign=campaign,
                submissions=chosen,
                per_submission=per,
                domain_match=request.POST.get("domain_match") == "1",
                seed=request.POST.get("seed") or None,
                dry_run=request.POST.get("action") != "execute",
            )
        except ValueError:
            messages.error(request, "每项专家人数须为整数。")
        except ServiceError as exc:
            flash_error(request, exc)
        else:
            if draw is not None:
                messages.success(request, f"已完成专家随机抽取（随机种子 {draw.seed}），结果已记录，可复核重放。")
                return redirect("workflow:review_draw", pk=pk)
    users = {u.pk: u for u in User.objects.filter(role_grants__role="expert")}
    preview = []
    if plan is not None:
        for s in chosen:
            preview.append((s, [users[e] for e in plan.assignments.get(s.pk, [])], plan.problems.get(s.pk, "")))
    draws = [(d, services.expert_draw_replay(d)) for d in ExpertDraw.objects.filter(campaign=campaign)[:20]]
    return render(
        request,
        "workflow/review_draw.html",
        {
            "campaign": campaign,
            "candidates": candidates,
            "preview": preview,
            "draws": draws,
            "per": per,
            "seed": request.POST.get("seed", ""),
        },
    )


def review_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    require(permissions.can_manage_expert_review(request.user, campaign))
    rubric = get_rubric(campaign.scoring_rubric)
    return render(
        request,
        "workflow/review_ranking.html",
        {"campaign": campaign, "rows": services.ranking(campaign), "rubric": rubric},
    )
