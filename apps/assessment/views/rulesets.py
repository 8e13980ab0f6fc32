"""Rule-set pages (规则集): list, view, copy to a new year, edit a draft copy, preview how many
clusters of the admin's jurisdiction pass each rule, publish (frozen afterwards)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import ConcurrentEdit, ServiceError

from .. import permissions, services
from ..engine import STATUS_LABELS
from ..models import StoredRuleSet
from ..rulesets import (
    KINDS,
    OP_INCLUSIVE,
    OP_SYMBOLS,
    SEVERITIES,
    STATUSES,
    WORD_OPS,
    RuleSet,
    RuleSetError,
    file_rulesets,
    normalise,
)
from ..selectors import clusters_in_jurisdiction, stored_rulesets_visible_to
from ._common import require_page

CHECK_LABELS = {
    "threshold": "数值比较",
    "any_of": "满足其一",
    "answer": "是/否回答",
    "trend": "逐年趋势",
    "evidence": "定性条款（佐证材料）",
    "ruleset": "按另一规则集评估",
}


def _lookup(user: Any, code: str) -> tuple[RuleSet, StoredRuleSet | None]:
    """The rule set `code`: a file (reference data, seen by every authority) or a database copy in
    the user's scope (404 otherwise). Access to the section itself is checked afterwards (403)."""
    found = file_rulesets().get(code)
    if found is not None:
        return found, None
    stored = get_object_or_404(stored_rulesets_visible_to(user), code=code)
    try:
        return stored.as_ruleset(), stored
    except RuleSetError as exc:  # a published copy whose content no longer matches its hash
        raise Http404(str(exc)) from exc


def _missing_behaviour(check: dict[str, Any]) -> str:
    ctype = check.get("type")
    if ctype in ("threshold", "any_of"):
        text = "缺少任一输入数据时为“资料不全”，并列出缺少的数据项，不会判为通过"
        if check.get("judgment_if_missing"):
            text += "；仅缺少行业平均水平等参照数据时转为“需人工判断”"
        return text + "。"
    if ctype == "answer":
        return "未填写或回答无法识别时为“资料不全”。"
    if ctype == "trend":
        return "任一年度数值缺失时为“资料不全”（目标类中间年度可缺）。"
    if ctype == "evidence":
        return "相关栏目均未填写时为“资料不全”；填写但未勾选任何一项为“不通过”；否则“需人工判断”。"
    if ctype == "ruleset":
        return "按所引规则集的结论：资料不全即资料不全。"
    return ""


def _comparison(check: dict[str, Any]) -> str:
    word = check.get("word")
    if not word or word not in WORD_OPS:
        return ""
    op = WORD_OPS[str(word)]
    return f"“{word}”：{OP_SYMBOLS[op]} {check.get('threshold', '')}{check.get('unit', '')}（{OP_INCLUSIVE[op]}）"


def rule_rows(ruleset: RuleSet) -> list[dict[str, Any]]:
    """Every rule with what a reader needs: basis, expression, comparison, threshold, severity, …"""
    rows = []
    for rule in ruleset.rules:
        check = rule.check
        basis = rule.legal_basis
        ctype = str(check.get("type", ""))
        options = [
            {**o, "comparison": _comparison(o), "expression": str(o.get("value", ""))} for o in check.get("options", [])
        ]
        expression = ""
        if ctype == "threshold":
            expression = str(check.get("value", ""))
        elif ctype == "answer":
            expression = f"answers.{check.get('question')}（{check.get('question_text', '')}）"
        elif ctype == "trend":
            word = "逐年增加" if check.get("direction") == "increasing" else "逐年下降"
            expression = (
                f"{check.get('namespace', 'value')}.{check.get('series')}[{check.get('from')}…{check.get('to')}] {word}"
            )
        elif ctype == "ruleset":
            expression = f"规则集 {check.get('ref')} 的总体结论"
        threshold_text = str(check.get("threshold", ""))
        wording = basis.get("wording", "")
        number_mismatch = bool(
            ctype == "threshold"
            and wording
            and any(ch.isdigit() for ch in wording)
            and _plain_number(threshold_text) not in normalise(wording)
        )
        rows.append(
            {
                "rule": rule,
                "check_label": CHECK_LABELS.get(ctype, ctype),
                "severity_label": SEVERITIES.get(rule.severity, rule.severity),
                "basis_label": " ".join(
                    p
                    for p in (
                        ruleset.document_label(basis.get("document", "")),
                        basis.get("article", ""),
                        basis.get("clause", ""),
                    )
                    if p
                ),
                "wording": wording,
                "footnote_label": (
                    f"{ruleset.document_label(rule.footnote.get('document', ''))} {rule.footnote.get('article', '')} "
                    f"{rule.footnote.get('clause', '')}".strip()
                    if rule.footnote
                    else ""
                ),
                "expression": expression,
                "comparison": _comparison(check),
                "options": options,
                "threshold": threshold_text,
                "unit": str(check.get("unit", "")),
                "missing": _missing_behaviour(check),
                "evidence_items": [str(i.get("label", "")) for i in check.get("items", [])],
                "hint": str(check.get("hint", "")),
                "pass_answers": "、".join(str(x) for x in check.get("pass", [])),
                "editable_threshold": ctype == "threshold",
                "number_mismatch": number_mismatch,
                "unverified": not wording or "待核实" in (basis.get("article", "") + basis.get("clause", "")),
            }
        )
    return rows


def _plain_number(text: str) -> str:
    """'30' for '30', '30.00' or '3E+1': how a number would read in a regulation."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    return format(value.normalize(), "f")


def _section(request: HttpRequest) -> None:
    require_page(permissions.can_view_rulesets(request.user))


@require_http_methods(["GET"])
def ruleset_list(request: HttpRequest) -> HttpResponse:
    _section(request)
    files = sorted(file_rulesets().values(), key=lambda rs: (rs.kind, -rs.year, rs.id))
    stored = list(stored_rulesets_visible_to(request.user).select_related("authority", "created_by"))
    return render(
        request,
        "assessment/ruleset_list.html",
        {
            "files": files,
            "stored": stored,
            "kinds": KINDS,
            "statuses": STATUSES,
            "can_edit": permissions.can_edit_rulesets(request.user)[0],
            "show_rulesets": True,
        },
    )


def _detail_context(request: HttpRequest, ruleset: RuleSet, stored: StoredRuleSet | None) -> dict[str, Any]:
    can_edit_any = permissions.can_edit_rulesets(request.user)[0]
    editable = stored is not None and permissions.can_edit_stored_ruleset(request.user, stored)[0]
    return {
        "ruleset": ruleset,
        "stored": stored,
        "rows": rule_rows(ruleset),
        "kinds": KINDS,
        "statuses": STATUSES,
        "can_copy": can_edit_any,
        "can_preview": can_edit_any,
        "editable": editable,
        "copy_year": ruleset.year + 1,
    }


@require_http_methods(["GET"])
def ruleset_detail(request: HttpRequest, code: str) -> HttpResponse:
    ruleset, stored = _lookup(request.user, code)
    _section(request)
    return render(request, "assessment/ruleset_detail.html", _detail_context(request, ruleset, stored))


@require_POST
def ruleset_copy(request: HttpRequest, code: str) -> HttpResponse:
    ruleset, stored = _lookup(request.user, code)
    _section(request)
    require_page(permissions.can_edit_rulesets(request.user))
    year_text = str(request.POST.get("year", "")).strip()
    try:
        if not year_text.isdigit():
            raise ServiceError(f"复制到的年度“{year_text}”无效，请填写四位年份。", field="year")
        copy = services.ruleset_copy(actor=request.user, source_id=ruleset.id, year=int(year_text))
    except ServiceError as exc:
        context = _detail_context(request, ruleset, stored)
        context.update({"copy_year": year_text, "copy_error": exc.message})
        return render(request, "assessment/ruleset_detail.html", context, status=400)
    messages.success(request, f"已复制为 {copy.year} 年草稿“{copy.code}”，可修改阈值和原文后发布。")
    return redirect("assessment:ruleset_edit", code=copy.code)


def _editable(request: HttpRequest, code: str) -> tuple[RuleSet, StoredRuleSet]:
    ruleset, stored = _lookup(request.user, code)
    _section(request)
    if stored is None:
        raise PermissionDenied("规则集文件已发布，不可修改；如需调整请复制为新版本（草稿）后修改。")
    require_page(permissions.can_edit_stored_ruleset(request.user, stored))
    return ruleset, stored


@require_http_methods(["GET", "POST"])
def ruleset_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit one rule at a time (title, threshold, wording) of a draft copy; the typing is kept on error."""
    ruleset, stored = _editable(request, code)
    typed: dict[str, str] = {}
    error = ""
    error_field = ""
    error_rule = ""
    status = 200
    if request.method == "POST":
        error_rule = str(request.POST.get("rule_id", ""))
        typed = {k: str(request.POST.get(k, "")) for k in ("title", "threshold", "wording")}
        try:
            revision = int(str(request.POST.get("revision", "")))
        except ValueError:
            revision = -1
        try:
            rule = ruleset.rule(error_rule)
        except KeyError:
            rule = None
        try:
            if rule is None:
                raise ServiceError(f"规则“{error_rule}”不存在。", field="rule_id")
            services.ruleset_update_rule(
                actor=request.user,
                stored=stored,
                rule_id=error_rule,
                revision=revision,
                title=typed["title"],
                threshold=typed["threshold"] if rule.check.get("type") == "threshold" else None,
                wording=typed["wording"],
            )
        except ServiceError as exc:
            error, error_field = exc.message, exc.field or ""
            status = 409 if isinstance(exc, ConcurrentEdit) else 400
        else:
            messages.success(request, f"已保存规则“{typed['title'] or error_rule}”。")
            return redirect(f"{request.path}#rule-{error_rule}")
    context = _detail_context(request, ruleset, stored)
    context.update(
        {"typed": typed, "error": error, "error_field": error_field, "error_rule": error_rule, "edit_mode": True}
    )
    return render(request, "assessment/ruleset_edit.html", context, status=status)


@require_POST
def ruleset_publish(request: HttpRequest, code: str) -> HttpResponse:
    ruleset, stored = _editable(request, code)
    try:
        revision = int(str(request.POST.get("revision", "")))
    except ValueError:
        revision = -1
    try:
        services.ruleset_publish(actor=request.user, stored=stored, revision=revision)
    except ServiceError as exc:
        messages.error(request, f"未发布：{exc.message}")
        return redirect("assessment:ruleset_edit", code=code)
    messages.success(request, f"规则集“{ruleset.title}”已发布，此后不可修改。")
    return redirect("assessment:ruleset_detail", code=code)


@require_http_methods(["GET"])
def ruleset_preview(request: HttpRequest, code: str) -> HttpResponse:
    """How many current clusters of the admin's jurisdiction pass each rule (nothing is stored)."""
    ruleset, stored = _lookup(request.user, code)
    _section(request)
    require_page(permissions.can_edit_rulesets(request.user))
    clusters = list(clusters_in_jurisdiction(request.user))
    preview = services.ruleset_preview(ruleset, clusters)
    rows = []
    for rule in ruleset.rules:
        counts = preview["counts"][rule.id]
        rows.append({"rule": rule, "counts": [(s, STATUS_LABELS[s], counts[s]) for s in STATUS_LABELS]})
    return render(
        request,
        "assessment/ruleset_preview.html",
        {
            "ruleset": ruleset,
            "stored": stored,
            "rows": rows,
            "preview": preview,
            "cluster_count": len(clusters),
            "kinds": KINDS,
            "jurisdiction": getattr(request.user, "organisation", None),
        },
    )
