"""Enterprise-list figures beside the form's fields (由企业库计算).

`apps.enterprises.totals.cluster_totals(cluster, year)` computes, per catalogue code, what the
cluster's enterprise list says (firm counts, output, R&D, …). A form field with the same
indicator code shows that figure next to it, in the field's own unit and decimals, with a
button to take it. A declared value that departs from the computed one needs a written reason
(`Filing.overrides[field] = {"computed": {...}, "reason": "..."}`); without one, submission is
refused, and the difference is shown to reviewers on the read-only view.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from apps.indicators.catalogue import Catalogue, load_catalogue

from .definitions import Field, Issue, Template, is_blank, parse_decimal

OVERRIDE_REASON_MAX_CHARS = 500


@dataclass(frozen=True)
class YearFigure:
    """One computed figure for one year of a field, next to what the form declares."""

    year: int
    computed: Decimal  # in the field's unit, at the field's decimals
    declared: str  # as typed ("" when blank)
    input_name: str  # the form input it belongs to (formdata naming)
    provenance: str  # "由企业库计算：312 家"
    formula: str
    inputs: dict[str, str] = field(default_factory=dict)

    @property
    def computed_text(self) -> str:
        return format(self.computed, "f")

    @property
    def differs(self) -> bool:
        """The form holds a value (a number or 无) that is not the computed one."""
        if is_blank(self.declared):
            return False
        number = parse_decimal(self.declared)
        return number is None or number != self.computed


@dataclass
class FieldFigures:
    """The enterprise-list figures of one form field (one per year for a year series)."""

    key: str
    label: str
    unit: str
    years: list[YearFigure]
    reason: str = ""

    @property
    def differs(self) -> bool:
        return any(y.differs for y in self.years)

    @property
    def differing(self) -> list[YearFigure]:
        return [y for y in self.years if y.differs]

    @property
    def take(self) -> dict[str, str]:
        """{input name: computed value} — what the “采用企业库数值” button writes into the form."""
        return {y.input_name: y.computed_text for y in self.years}

    @property
    def computed_by_year(self) -> dict[str, str]:
        return {str(y.year): y.computed_text for y in self.years}

    def difference_text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return "；".join(
            f"{y.year}年 申报 {y.declared or '（空）'}，企业库 {y.computed_text}{unit}" for y in self.differing
        )


def _quantize(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _targets(template: Template) -> list[tuple[Field, tuple[int, ...]]]:
    """Fields that can carry an enterprise-list figure, with the years they hold."""
    ref = template.reference_year or (template.data_years[-1] if template.data_years else None)
    out: list[tuple[Field, tuple[int, ...]]] = []
    for f in template.fields.values():
        if not f.indicator:
            continue
        if f.kind == "year_series":
            out.append((f, f.years))
        elif f.kind in ("number", "count_names") and ref is not None:
            out.append((f, (ref,)))
    return out


def _declared(f: Field, value: Any, year: int) -> tuple[str, str]:
    """(declared text, input name) of one year of a field."""
    p = f"v:{f.key}"
    if f.kind == "year_series":
        raw = value.get(str(year), "") if isinstance(value, Mapping) else ""
        return str(raw or ""), f"{p}:{year}"
    if f.kind == "count_names":
        raw = value.get("count", "") if isinstance(value, Mapping) else ""
        return str(raw or ""), f"{p}:count"
    return str(value or "") if not isinstance(value, Mapping) else "", p


def field_figures(
    template: Template,
    data: Mapping[str, Any],
    cluster: Any,
    *,
    overrides: Mapping[str, Any] | None = None,
    catalogue: Catalogue | None = None,
    totals_by_year: Mapping[int, Mapping[str, Any]] | None = None,
    fresh: bool = False,
) -> dict[str, FieldFigures]:
    """Enterprise-list figures for every field of `template` the list can back."""
    cat = catalogue or load_catalogue()
    targets = _targets(template)
    if totals_by_year is None:
        all_years = sorted({y for _, ys in targets for y in ys})
        totals_by_year = cluster_totals_by_year(cluster, all_years, fresh=fresh)
    overrides = overrides or {}
    out: dict[str, FieldFigures] = {}
    for f, years in targets:
        ind = cat.get(f.indicator)
        if ind is None:
            continue
        unit = f.unit or ind.unit
        decimals = 0 if f.kind == "count_names" else f.decimals
        figures: list[YearFigure] = []
        for year in years:
            total = (totals_by_year.get(year) or {}).get(f.indicator)
            if total is None or not cat.convertible(total.unit, unit):
                continue
            declared, name = _declared(f, data.get(f.key), year)
            figures.append(
                YearFigure(
                    year=year,
                    computed=_quantize(cat.convert(total.value, total.unit, unit), decimals),
                    declared=declared,
                    input_name=name,
                    provenance=total.provenance,
                    formula=total.formula,
                    inputs=dict(total.inputs),
                )
            )
        if figures:
            item = overrides.get(f.key) or {}
            reason = str(item.get("reason", "")) if isinstance(item, Mapping) else ""
            out[f.key] = FieldFigures(f.key, f.label, unit, figures, reason=reason)
    return out


# Totals are cached per cluster for a few minutes under a fingerprint of its enterprise list, so
# the edit page and every autosave do not re-aggregate an unchanged list; submission and the
# read-only views pass fresh=True.
TOTALS_CACHE_SECONDS = 300


def list_fingerprint(cluster: Any) -> str:
    """Changes whenever a row of the cluster's enterprise list or a qualification is added,
    removed or saved (row count, highest id, last update)."""
    from django.db.models import Count, Max

    from apps.enterprises.models import FirmQualification, FirmYear

    rows = FirmYear.objects.filter(cluster=cluster).aggregate(n=Count("id"), top=Max("id"), last=Max("updated_at"))
    quals = FirmQualification.objects.filter(firm_year__cluster=cluster).aggregate(n=Count("id"), top=Max("id"))
    return f"{rows['n']}:{rows['top']}:{rows['last']}:{quals['n']}:{quals['top']}"


def cluster_totals_by_year(cluster: Any, years: list[int], *, fresh: bool = False) -> dict[int, Mapping[str, Any]]:
    """{year: cluster_totals(cluster, year)} — empty when there is no cluster or no year."""
    if cluster is None or not years:
        return {}
    from django.core.cache import cache

    from apps.enterprises.totals import cluster_totals

    digest = hashlib.sha1(list_fingerprint(cluster).encode(), usedforsecurity=False).hexdigest()
    key = f"filings:totals:{cluster.pk}:{'-'.join(map(str, years))}:{digest}"
    if not fresh:
        found = cache.get(key)
        if found is not None:
            return dict(found)
    totals: dict[int, Mapping[str, Any]] = {y: cluster_totals(cluster, y) for y in years}
    cache.set(key, totals, TOTALS_CACHE_SECONDS)
    return totals


def override_issues(figures: Mapping[str, FieldFigures]) -> list[Issue]:
    """An error for each field whose declared value departs from the list without a reason."""
    issues = []
    for fig in figures.values():
        if fig.differs and not fig.reason.strip():
            issues.append(
                Issue(
                    field=fig.key,
                    severity="error",
                    message=(
                        f"“{fig.label}”与企业库计算值不一致（{fig.difference_text()}），"
                        "请采用企业库数值，或填写不一致的原因"
                    ),
                    code=f"override:{fig.key}:reason",
                )
            )
    return issues


def stored_overrides(
    figures: Mapping[str, FieldFigures], posted: Mapping[str, Mapping[str, Any]], current: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """The overrides to keep after a save.

    A reason is kept only while the field still departs from the list; the computed figures it
    was written against are recorded from the server's own computation (never from the page).
    """
    merged: dict[str, Any] = {k: dict(v) for k, v in current.items() if isinstance(v, Mapping)}
    for key, item in posted.items():
        reason = str((item or {}).get("reason", "")).strip()
        if reason:
            merged[key] = {"reason": reason}
        else:
            merged.pop(key, None)
    out: dict[str, dict[str, Any]] = {}
    for key, item in merged.items():
        fig = figures.get(key)
        if fig is None or not fig.differs or not str(item.get("reason", "")).strip():
            continue
        out[key] = {
            "reason": str(item["reason"]).strip(),
            "computed": fig.computed_by_year,
            "declared": {str(y.year): y.declared for y in fig.differing},
        }
    return out
