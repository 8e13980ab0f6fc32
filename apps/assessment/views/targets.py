"""Targets against actuals of a cluster (目标完成情况)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from .. import sources
from ..dossier import FORMAT, Dossier
from ..selectors import clusters_for_assessment
from ..targets import completion, prefill_rereview_completion, with_derived_growth


def plan_and_actuals(cluster: Any) -> tuple[sources.SourcedDossier | None, Dossier, list[str]]:
    """The latest dossier that sets targets (an application), and every later value known for the
    cluster merged into one dossier (later dossiers win; enterprise-list totals fill the gaps)."""
    history = sources.dossier_history(cluster)
    plans = [h for h in history if h.dossier.targets]
    plan = plans[-1] if plans else None
    indicators: dict[str, dict[str, str]] = {}
    src: dict[str, str] = {}
    labels: list[str] = []
    for h in history:
        if h is plan:
            continue
        labels.append(h.label)
        for code, series in h.dossier.indicators.items():
            for year, value in series.items():
                indicators.setdefault(code, {})[str(year)] = str(value)
            src[code] = h.dossier.source_of(code)
    years = sources.enterprise_years(cluster)
    if years:
        values, list_sources = sources.enterprise_indicators(cluster, years)
        for code, list_series in values.items():
            if code not in indicators:
                indicators[code] = list_series
                src[code] = list_sources[code]
        labels.append(f"企业库汇总（{'、'.join(str(y) for y in years)}年）")
    with_derived_growth(indicators, src)
    actuals = Dossier.from_dict({"format": FORMAT, "indicators": indicators, "sources": src})
    if plan is not None:
        plan_data = {**plan.data, "indicators": {k: dict(v) for k, v in (plan.data.get("indicators") or {}).items()}}
        plan_sources = dict(plan_data.get("sources") or {})
        with_derived_growth(plan_data["indicators"], plan_sources)
        plan_data["sources"] = plan_sources
        plan = sources.SourcedDossier(Dossier.from_dict(plan_data), plan_data, plan.label)
    return plan, actuals, labels


@require_http_methods(["GET"])
def cluster_targets(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_object_or_404(clusters_for_assessment(request.user), pk=pk)
    plan, actuals, labels = plan_and_actuals(cluster)
    rows = completion(plan.dossier, actuals) if plan is not None else []
    by_code: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = by_code.setdefault(
            row.code, {"name": row.name, "unit": row.unit, "baseline": row.baseline, "years": []}
        )
        entry["years"].append(row)
    years = sorted({r.year for r in rows})
    reported = [y for code in actuals.indicators for y in actuals.indicators[code]]
    latest_actual = max(reported) if reported else None
    due = [y for y in years if latest_actual is not None and y <= latest_actual]
    for entry in by_code.values():
        at = {r.year: r for r in entry["years"]}
        entry["cells"] = [{"row": at.get(y), "due": y in due} if at.get(y) is not None else None for y in years]
        statuses = {r.status for r in entry["years"] if r.year in due}
        if "off_track" in statuses:
            entry["overall"] = "off_track"
        elif "missing" in statuses:
            entry["overall"] = "missing"
        elif statuses:
            entry["overall"] = "on_track"
        else:
            entry["overall"] = "not_due"
    counts = {
        "on_track": sum(1 for r in rows if r.status == "on_track"),
        "off_track": sum(1 for r in rows if r.status == "off_track"),
        "missing": sum(1 for r in rows if r.status == "missing" and r.year in due),
        "not_due": sum(1 for r in rows if r.status == "missing" and r.year not in due),
    }
    final_year = years[-1] if years else None
    prefill_year = due[-1] if due else final_year
    prefill = prefill_rereview_completion(plan.dossier, actuals, prefill_year) if plan and prefill_year else []
    baseline_year = plan.dossier.target_years()[0] if plan else None
    for p in prefill:
        p["baseline"] = p.get(f"baseline_{baseline_year}")
        p["target"] = p.get(f"target_{prefill_year}")
        p["actual"] = p.get(f"actual_{prefill_year}")
    return render(
        request,
        "assessment/targets.html",
        {
            "cluster": cluster,
            "plan": plan,
            "actual_labels": labels,
            "indicators": by_code,
            "years": years,
            "counts": counts,
            "baseline_year": baseline_year,
            "final_year": final_year,
            "prefill_year": prefill_year,
            "latest_actual": latest_actual,
            "prefill": prefill,
        },
    )
