"""Stored assessment results (评估结果) and reviewers' judgments on 需人工判断 items."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import ServiceError

from .. import permissions, services
from ..selectors import records_visible_to
from ._common import require_page, safe_next


@require_http_methods(["GET"])
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One stored result of the day, with judgments (and the judgment form for reviewers)."""
    record = get_object_or_404(records_visible_to(request.user), pk=pk)
    return render(request, "assessment/record_detail.html", {"record": record, "cluster": record.cluster})


@require_POST
def judgment_record(request: HttpRequest, pk: int) -> HttpResponse:
    """A district/city reviewer decides one 需人工判断 item with a comment (audited)."""
    record = get_object_or_404(records_visible_to(request.user), pk=pk)
    require_page(permissions.can_judge_assessment(request.user, record))
    rule_id = str(request.POST.get("rule_id", ""))
    decision = str(request.POST.get("decision", ""))
    comment = str(request.POST.get("comment", ""))
    back = safe_next(request, reverse("assessment:record_detail", kwargs={"pk": record.pk}))
    try:
        services.judgment_record(actor=request.user, record=record, rule_id=rule_id, decision=decision, comment=comment)
    except ServiceError as exc:
        rule = next((r for r in record.result.get("results", []) if r.get("rule_id") == rule_id), None)
        return render(
            request,
            "assessment/judgment_form.html",
            {
                "record": record,
                "cluster": record.cluster,
                "rule": rule,
                "rule_id": rule_id,
                "decision": decision,
                "comment": comment,
                "error": exc.message,
                "error_field": exc.field or "",
                "next": back,
            },
            status=400,
        )
    title = next(
        (r.get("title", rule_id) for r in record.result.get("results", []) if r.get("rule_id") == rule_id), rule_id
    )
    messages.success(request, f"已记录对“{title}”的判断。")
    return redirect(back if "#" in back else f"{back}#rule-{rule_id}")
