"""Template helpers of the assessment pages and of the shared results include
(`templates/assessment/_results.html`).

`assessment_view` turns what a page has — the engine's `AssessmentResult`, a stored
`AssessmentRecord` or the JSON of a result (`AssessmentResult.as_dict()`) — into one plain
structure the include renders, with the reviewers' judgments and whether the viewer may record
one (decided by `permissions.can_judge_assessment` on a record inside the viewer's scope).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from apps.assessment.dossier import LIST_AGGREGATES
from apps.assessment.engine import STATUS_LABELS, VERDICT_LABELS, AssessmentResult
from apps.assessment.models import AssessmentRecord
from apps.assessment.rulesets import SEVERITIES

register = template.Library()

# Bootstrap colour of each status (通过 green, 不通过 red, 警示 amber, 需人工判断 blue, 资料不全 grey).
STATUS_COLOURS = {
    "pass": "success",
    "fail": "danger",
    "warning": "warning",
    "judgment": "primary",
    "missing": "secondary",
}
VERDICT_COLOURS = {"meets": "success", "fails": "danger", "judgment": "primary", "incomplete": "secondary"}
SEVERITY_SHORT = {"hard": "必须满足", "soft": "一般要求", "judgment": "定性条款"}


def source_kind(source: str) -> str:
    """Where an input came from, in the words a reviewer uses."""
    if source.startswith(("企业名单", "企业库")):
        return "企业名单"
    if source.startswith("申报表勾选项"):
        return "申报表勾选项"
    if source.startswith("发展目标"):
        return "发展目标"
    if source.startswith("行业平均"):
        return "行业平均水平"
    return "表单栏目"


def _input(raw: dict[str, Any]) -> dict[str, Any]:
    out = {**raw, "kind": source_kind(str(raw.get("source", "")))}
    code = str(raw.get("code", ""))
    if str(raw.get("label", "")).startswith("list.") and (not raw.get("name") or raw.get("name") == code):
        out["name"] = f"企业名单汇总：{LIST_AGGREGATES.get(code, code)}"
    return out


def _as_data(assessment: Any) -> tuple[dict[str, Any], AssessmentRecord | None]:
    if isinstance(assessment, AssessmentRecord):
        return assessment.result, assessment
    if isinstance(assessment, AssessmentResult):
        return assessment.as_dict(), None
    if isinstance(assessment, dict) and "results" in assessment:
        return assessment, None
    raise template.TemplateSyntaxError("assessment_view 需要评估结果（AssessmentResult、AssessmentRecord 或其 JSON）")


def _viewer_may_judge(user: Any, record: AssessmentRecord | None) -> bool:
    if record is None or user is None:
        return False
    from apps.assessment import permissions, selectors

    if not permissions.can_judge_assessment(user, record)[0]:
        return False
    return selectors.records_visible_to(user).filter(pk=record.pk).exists()


@register.simple_tag(takes_context=True)
def assessment_view(context: template.Context, assessment: Any, next_url: str = "") -> dict[str, Any]:
    """The structure rendered by `assessment/_results.html` (see the comment at its top)."""
    data, record = _as_data(assessment)
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    judgments = {j.rule_id: j for j in record.judgments.select_related("decided_by")} if record else {}
    may_judge = _viewer_may_judge(user, record)
    rules: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    for raw in data.get("results", []):
        status = str(raw.get("status", "missing"))
        basis = raw.get("legal_basis") or {}
        inputs = [_input(i) for i in raw.get("inputs", [])]
        rule = {
            **raw,
            "status_label": STATUS_LABELS.get(status, status),
            "colour": STATUS_COLOURS.get(status, "secondary"),
            "severity_label": SEVERITY_SHORT.get(str(raw.get("severity", "")), ""),
            "severity_text": SEVERITIES.get(str(raw.get("severity", "")), ""),
            "basis_label": basis.get("label", ""),
            "basis_wording": basis.get("wording", ""),
            "inputs": inputs,
            "judgment": judgments.get(str(raw.get("rule_id"))),
            "may_judge": may_judge and status == "judgment",
        }
        rules.append(rule)
        if not groups or groups[-1]["title"] != rule.get("group", ""):
            groups.append({"title": rule.get("group", ""), "rules": []})
        groups[-1]["rules"].append(rule)
    counts_raw = data.get("counts") or {}
    counts = [
        {"status": s, "label": label, "n": counts_raw.get(s, 0), "colour": STATUS_COLOURS[s]}
        for s, label in STATUS_LABELS.items()
    ]
    verdict = str(data.get("verdict", ""))
    ruleset = data.get("ruleset") or {}
    out: dict[str, Any] = {
        "verdict": verdict,
        "verdict_label": VERDICT_LABELS.get(verdict, verdict),
        "verdict_colour": VERDICT_COLOURS.get(verdict, "secondary"),
        "ruleset": ruleset,
        "unverified": ruleset.get("verification", "") != "已核对原文",
        "reference_year": data.get("reference_year"),
        "counts": counts,
        "rules": rules,
        "groups": groups,
        "attention": [r for r in rules if r["status"] != "pass"],
        "record": record,
        "may_judge": may_judge,
        "judge_url": reverse("assessment:judgment_record", kwargs={"pk": record.pk}) if may_judge and record else "",
        "next_url": next_url or (request.get_full_path() if request is not None else ""),
        "after": None,
    }
    if record is not None and judgments:
        after = record.verdict_after_judgments()
        out["after"] = {
            "verdict": after,
            "label": VERDICT_LABELS.get(after, after),
            "colour": VERDICT_COLOURS.get(after, "secondary"),
            "decided": len(judgments),
            "pending": sum(1 for r in rules if r["status"] == "judgment" and r["judgment"] is None),
        }
    return out


@register.filter
def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "secondary")


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)
