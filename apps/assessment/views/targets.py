"""Targets against actuals of a cluster (目标完成情况)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from .. import sources
from ..dossier import FORMAT, Dossier
from ..selectors import clusters_for_assessment
from ..targets import completion, prefill_rereview_completion


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
    actuals = Dossier.from_dict({"format": FORMAT, "indicators": indicators, "sources": src})
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
    for entry in by_code.values():
        statuses = {r.status for r in entry["years"]}
        entry["overall"] = (
            "off_track" if "off_track" in statuses else ("on_track" if statuses == {"on_track"} else "missing")
        )
    years = sorted({r.year for r in rows})
    for entry in by_code.values():
        at = {r.year: r for r in entry["years"]}
        entry["cells"] = [at.get(y) for y in years]
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("on_track", "off_track", "missing")}
    final_year = years[-1] if years else None
    prefill = prefill_rereview_completion(plan.dossier, actuals, final_year) if plan and final_year else []
    baseline_year = plan.dossier.target_years()[0] if plan else None
    for p in prefill:
        p["baseline"] = p.get(f"baseline_{baseline_year}")
        p["target"] = p.get(f"target_{final_year}")
        p["actual"] = p.get(f"actual_{final_year}")
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
            "prefill": prefill,
        },
    )
