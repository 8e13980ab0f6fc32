"""Service-evaluation pages (服务评价, 000 附件3): the evaluator's scoring form, the aggregate for
the authorities, the city's grade bands and the organising of an evaluation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from apps.core.errors import ServiceError
from apps.orgs.models import Role, User

from .. import permissions, services
from ..models import GradeBandSet, ServiceEvaluation
from ..scoring import get_rubric, rubrics
from ..selectors import clusters_in_jurisdiction, evaluations_visible_to
from ._common import require_page

BAND_ROWS = 6  # rows offered on the grade-band form


def _progress(evaluation: ServiceEvaluation, user: Any) -> dict[str, Any]:
    rubric = get_rubric(evaluation.rubric_code)
    mine = evaluation.scores.filter(evaluator=user)
    return {
        "scored": mine.count(),
        "items": len(rubric.items()),
        "total": sum((s.points for s in mine), Decimal(0)),
        "submitted": evaluation.submissions.filter(evaluator=user).first(),
    }


@require_http_methods(["GET"])
def evaluation_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    evaluations = list(evaluations_visible_to(user).prefetch_related("submissions"))
    is_evaluator = user.has_role(Role.EVALUATOR)  # type: ignore[union-attr]
    rows = []
    for ev in evaluations:
        row: dict[str, Any] = {"evaluation": ev}
        if is_evaluator:
            row["progress"] = _progress(ev, user)
        if permissions.can_view_evaluation_summary(user, ev)[0] and not is_evaluator:
            row["summary"] = services.evaluation_summary(ev)
        rows.append(row)
    return render(
        request,
        "assessment/evaluation_list.html",
        {
            "rows": rows,
            "is_evaluator": is_evaluator,
            "can_manage": permissions.can_manage_evaluations(user)[0],
            "can_set_bands": permissions.can_edit_rulesets(user)[0],
            "show_rulesets": permissions.can_view_rulesets(user)[0],
        },
    )


def _score_context(
    evaluation: ServiceEvaluation, user: Any, typed: dict[str, dict[str, str]], opinion: str = ""
) -> dict[str, Any]:
    rubric = get_rubric(evaluation.rubric_code)
    stored = {s.item_code: s for s in evaluation.scores.filter(evaluator=user)}
    sections = []
    for section in rubric.sections:
        items = []
        for item in section.items:
            s = stored.get(item.code)
            t = typed.get(item.code)
            items.append(
                {
                    "item": item,
                    "points": t["points"] if t else ("" if s is None else str(s.points)),
                    "comment": t["comment"] if t else ("" if s is None else s.comment),
                    "error": t.get("error", "") if t else "",
                }
            )
        sections.append({"section": section, "items": items})
    return {
        "evaluation": evaluation,
        "cluster": evaluation.cluster,
        "rubric": rubric,
        "sections": sections,
        "progress": _progress(evaluation, user),
        "editable": permissions.can_score_evaluation(user, evaluation)[0],
        "opinion": opinion,
        "self_assessments": _self_assessments(evaluation, user),
    }


def _self_assessments(evaluation: ServiceEvaluation, user: Any) -> list[Any]:
    """The review-cycle submissions (自评表) behind this evaluation that the user may open."""
    from apps.workflow.selectors import submissions_visible_to

    return list(
        submissions_visible_to(user).filter(
            workflow_key="service_evaluation", cluster_id=evaluation.cluster_id, year=evaluation.year + 1
        )
    )


@require_http_methods(["GET", "POST"])
def evaluation_score(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluator's own scores, item by item (0 … item maximum) with comments; then submit."""
    evaluation = get_object_or_404(evaluations_visible_to(request.user), pk=pk)
    user = request.user
    if not (user.has_role(Role.EVALUATOR) and permissions.is_assigned_evaluator(user, evaluation)):  # type: ignore[union-attr]
        require_page((False, "评分页面仅供分配到本评价的第三方评价人员使用。"))
    if request.method == "GET":
        return render(request, "assessment/evaluation_score.html", _score_context(evaluation, user, {}))
    require_page(permissions.can_score_evaluation(user, evaluation))
    rubric = get_rubric(evaluation.rubric_code)
    typed: dict[str, dict[str, str]] = {}
    errors = 0
    with transaction.atomic():
        for item in rubric.items():
            points = str(request.POST.get(f"points_{item.code}", "")).strip()
            comment = str(request.POST.get(f"comment_{item.code}", ""))
            typed[item.code] = {"points": points, "comment": comment}
            if not points:
                if comment.strip():
                    typed[item.code]["error"] = f"“{item.title}”已填写评分说明，请同时填写得分。"
                    errors += 1
                continue
            try:
                services.evaluation_score_save(
                    actor=user, evaluation=evaluation, item_code=item.code, points=points, comment=comment
                )
            except ServiceError as exc:
                typed[item.code]["error"] = exc.message
                errors += 1
        if errors:
            transaction.set_rollback(True)
    opinion = str(request.POST.get("opinion", ""))
    if errors:
        context = _score_context(evaluation, user, typed, opinion)
        context["form_error"] = f"有 {errors} 项评分有误，本次填写均未保存，请修改后重新保存（已保留您的输入）。"
        return render(request, "assessment/evaluation_score.html", context, status=400)
    if request.POST.get("action") == "submit":
        try:
            services.evaluation_submit(actor=user, evaluation=evaluation, opinion=opinion)
        except ServiceError as exc:
            context = _score_context(evaluation, user, {}, opinion)
            context["form_error"] = f"评分已保存，但未提交：{exc.message}"
            return render(request, "assessment/evaluation_score.html", context, status=400)
        messages.success(request, "已提交本人评分。现在可以查看其他评价人员的评分和汇总结果。")
        return redirect("assessment:evaluation_detail", pk=evaluation.pk)
    messages.success(request, "评分已保存（尚未提交）。")
    return redirect("assessment:evaluation_score", pk=evaluation.pk)


@require_http_methods(["GET"])
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The aggregate: every submitted evaluator's points per item, mean / trimmed mean, grade."""
    evaluation = get_object_or_404(evaluations_visible_to(request.user), pk=pk)
    user = request.user
    require_page(permissions.can_view_evaluation_summary(user, evaluation))
    rubric = get_rubric(evaluation.rubric_code)
    submissions = list(evaluation.submissions.select_related("evaluator").order_by("submitted_at"))
    is_authority = not user.has_role(Role.EVALUATOR)  # type: ignore[union-attr]
    columns: list[dict[str, Any]] = [
        {
            "id": s.evaluator_id,
            "name": str(s.evaluator) if is_authority or s.evaluator_id == user.pk else f"评价人员{chr(65 + i)}",
            "total": s.total,
            "mine": s.evaluator_id == user.pk,
        }
        for i, s in enumerate(submissions)
    ]
    ids: list[int] = [s.evaluator_id for s in submissions]
    points: dict[tuple[int, str], Any] = {}
    comments: dict[tuple[int, str], str] = {}
    for s in evaluation.scores.filter(evaluator_id__in=ids):
        points[(s.evaluator_id, s.item_code)] = s.points
        comments[(s.evaluator_id, s.item_code)] = s.comment
    sections = []
    for section in rubric.sections:
        items = []
        for item in section.items:
            values = [points.get((i, item.code)) for i in ids]
            present = [v for v in values if v is not None]
            mean = (sum(present, Decimal(0)) / len(present)).quantize(Decimal("0.01")) if present else None
            items.append(
                {
                    "item": item,
                    "cells": [
                        {"points": v, "comment": comments.get((i, item.code), "")}
                        for i, v in zip(ids, values, strict=True)
                    ],
                    "mean": mean,
                }
            )
        sections.append({"section": section, "items": items})
    pending: list[Any] = []
    if is_authority:
        started = set(evaluation.scores.values_list("evaluator_id", flat=True)) - set(ids)
        from django.contrib.contenttypes.models import ContentType

        from apps.orgs.models import Assignment

        assigned = Assignment.objects.filter(
            content_type=ContentType.objects.get_for_model(ServiceEvaluation),
            object_id=evaluation.pk,
            purpose="service_evaluation",
            is_active=True,
        ).values_list("user_id", flat=True)
        pending = [
            {"user": u, "started": u.pk in started}
            for u in User.objects.filter(pk__in=set(assigned) - set(ids)).order_by("username")
        ]
    return render(
        request,
        "assessment/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "cluster": evaluation.cluster,
            "rubric": rubric,
            "summary": services.evaluation_summary(evaluation),
            "columns": columns,
            "sections": sections,
            "pending": pending,
            "is_authority": is_authority,
            "can_set_bands": permissions.can_edit_rulesets(user)[0],
        },
    )


@require_http_methods(["GET", "POST"])
def grade_bands(request: HttpRequest) -> HttpResponse:
    """等次划分: the city's grade bands for a cycle year (default 优秀 / 良好 / 合格 / 不合格)."""
    user = request.user
    authority = user.organisation  # type: ignore[union-attr]
    require_page(permissions.can_edit_rulesets(user))
    require_page(permissions.can_set_grade_bands(user, authority))
    default_rubric = max(rubrics().values(), key=lambda r: r.year)
    year_text = str(request.POST.get("year") or request.GET.get("year") or default_rubric.year)
    year = int(year_text) if year_text.isdigit() else default_rubric.year
    existing = GradeBandSet.objects.filter(authority=authority, year=year).first()
    error = ""
    error_field = ""
    if request.method == "POST":
        rows = [
            (str(request.POST.get(f"label_{i}", "")), str(request.POST.get(f"min_{i}", "")).strip())
            for i in range(BAND_ROWS)
        ]
        bands = [(label, minimum) for label, minimum in rows if label.strip() or minimum]
        fund_min = str(request.POST.get("fund_min_label", "")).strip()
        try:
            for label, minimum in bands:
                if not minimum:
                    raise ServiceError(f"等次“{label.strip()}”缺少最低分。", field="bands")
            services.grade_bands_set(actor=user, authority=authority, year=year, bands=bands, fund_min_label=fund_min)
        except ServiceError as exc:
            error, error_field = exc.message, exc.field or ""
            shown = rows
        else:
            messages.success(request, f"已保存 {year} 年服务评价等次划分。")
            return redirect(f"{request.path}?year={year}")
    else:
        fund_min = existing.fund_min_label if existing else default_rubric.fund_min_label
        current = existing.band_list() if existing else list(default_rubric.default_bands)
        shown = [(label, str(minimum)) for label, minimum in current]
    shown = list(shown) + [("", "")] * (BAND_ROWS - len(shown))
    return render(
        request,
        "assessment/grade_bands.html",
        {
            "authority": authority,
            "year": year,
            "existing": existing,
            "rows": [{"i": i, "label": label, "min": minimum} for i, (label, minimum) in enumerate(shown)],
            "fund_min": fund_min,
            "rubric": default_rubric,
            "error": error,
            "error_field": error_field,
            "show_rulesets": True,
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def evaluation_create(request: HttpRequest) -> HttpResponse:
    """Open a cluster's service evaluation and assign third-party evaluators."""
    user = request.user
    require_page(permissions.can_manage_evaluations(user))
    clusters = clusters_in_jurisdiction(user)
    org = user.organisation  # type: ignore[union-attr]
    evaluators = (
        User.objects.filter(is_active=True, role_grants__role=Role.EVALUATOR)
        .filter(organisation__path__startswith=org.path if org else "")
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "username")
    )
    all_rubrics = sorted(rubrics().values(), key=lambda r: -r.year)
    typed: dict[str, Any] = {
        "cluster": "",
        "year": str(all_rubrics[0].year - 1) if all_rubrics else "",
        "rubric": all_rubrics[0].code if all_rubrics else "",
        "evaluators": [],
    }
    error = ""
    error_field = ""
    if request.method == "POST":
        typed = {
            "cluster": str(request.POST.get("cluster", "")),
            "year": str(request.POST.get("year", "")).strip(),
            "rubric": str(request.POST.get("rubric", "")),
            "evaluators": [str(v) for v in request.POST.getlist("evaluators")],
        }
        try:
            cluster = clusters.filter(pk=int(typed["cluster"])).first() if typed["cluster"].isdigit() else None
            if cluster is None:
                raise ServiceError("请选择本辖区的集群。", field="cluster")
            if not typed["year"].isdigit():
                raise ServiceError(f"评价年度“{typed['year']}”无效，请填写四位年份。", field="year")
            chosen = list(evaluators.filter(pk__in=[int(v) for v in typed["evaluators"] if v.isdigit()]))
            evaluation = services.evaluation_create(
                actor=user, cluster=cluster, year=int(typed["year"]), rubric_code=typed["rubric"], evaluators=chosen
            )
        except ServiceError as exc:
            error, error_field = exc.message, exc.field or ""
        else:
            messages.success(request, f"已组织 {evaluation.cluster.name} {evaluation.year} 年度服务评价。")
            return redirect("assessment:evaluation_detail", pk=evaluation.pk)
    return render(
        request,
        "assessment/evaluation_create.html",
        {
            "clusters": clusters,
            "evaluators": evaluators,
            "rubrics": all_rubrics,
            "typed": typed,
            "error": error,
            "error_field": error_field,
            "show_rulesets": True,
        },
        status=400 if error else 200,
    )
