"""Where a cluster's latest dossier comes from (评估资料来源).

`latest_dossier(cluster)` asks each registered source in turn and takes the first answer:
- the filings app registers its adapter first (`apps.filings.dossier.latest_submitted_source`:
  the latest submitted filing's `FilingValue` rows, answers and targets, each value naming the
  form field it came from);
- then the stored `ClusterDossier` rows (imports, demo data).
The answer is then completed from the cluster's enterprise list (企业库,
`apps.enterprises.totals.cluster_totals`): an indicator the dossier does not give at all is
taken from the list totals of each year that has a list, its source naming the list and the
formula. Declared values always win; the list never silently replaces what a form says.
When no source has anything but the enterprise list does, the dossier is built from the list
alone (most rules will then say what is missing).

`dossier_history(cluster)` gives every stored dossier (and the registered sources' latest) in
date order, for targets against actuals (a plan from an application, actuals from later years).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .dossier import FORMAT, Dossier


@dataclass(frozen=True)
class SourcedDossier:
    dossier: Dossier
    data: dict[str, Any]
    label: str


DossierSource = Callable[[Any], SourcedDossier | None]
_sources: list[DossierSource] = []


def register_source(source: DossierSource, *, first: bool = True) -> DossierSource:
    if source not in _sources:
        if first:
            _sources.insert(0, source)
        else:
            _sources.append(source)
    return source


def stored_dossier_source(cluster: Any) -> SourcedDossier | None:
    from .models import ClusterDossier

    row = ClusterDossier.objects.filter(cluster=cluster).order_by("-year", "-created_at").first()
    return None if row is None else _from_stored(row)


def _from_stored(row: Any) -> SourcedDossier:
    """A stored ClusterDossier row as a SourcedDossier, labelled with its source and year."""
    return SourcedDossier(Dossier.from_dict(row.data), row.data, f"{row.source_label}（{row.year}年）")


register_source(stored_dossier_source, first=False)


# —— enterprise-list totals (企业库) ————————————————————————————————————————————————————


def enterprise_years(cluster: Any) -> list[int]:
    """Years for which the cluster has an enterprise list."""
    from apps.enterprises.models import FirmYear

    return sorted(set(FirmYear.objects.filter(cluster=cluster).values_list("year", flat=True)))


def enterprise_indicators(cluster: Any, years: list[int]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """({code: {year: value}}, {code: source}) from the cluster's enterprise list totals."""
    from apps.enterprises.totals import cluster_totals

    values: dict[str, dict[str, str]] = {}
    notes: dict[str, list[str]] = {}
    formulas: dict[str, str] = {}
    for year in years:
        for code, total in cluster_totals(cluster, year).items():
            values.setdefault(code, {})[str(year)] = str(total.value)
            formulas[code] = total.formula
            notes.setdefault(code, []).append(f"{year}年{total.provenance.removeprefix('由企业库计算：')}")
    sources = {code: f"企业名单（企业库）汇总：{formulas[code]}；{'，'.join(notes[code])}" for code in values}
    return values, sources


def with_enterprise_totals(
    cluster: Any, found: SourcedDossier | None, years: list[int] | None = None
) -> SourcedDossier | None:
    """`found` completed with the indicators only the enterprise list gives (see module doc).
    `years`: the cluster's enterprise-list years when already known (None: look them up)."""
    years = enterprise_years(cluster) if years is None else years
    if not years:
        return found
    values, sources = enterprise_indicators(cluster, years)
    if found is None:
        data: dict[str, Any] = {
            "format": FORMAT,
            "cluster": {"name": str(cluster.name)},
            "indicators": values,
            "sources": sources,
        }
        label = f"企业库汇总（{'、'.join(str(y) for y in years)}年企业名单）"
        return SourcedDossier(Dossier.from_dict(data), data, label)
    data = {**found.data}
    indicators = {k: dict(v) for k, v in (data.get("indicators") or {}).items()}
    own_sources = dict(data.get("sources") or {})
    added = []
    for code, series in values.items():
        if indicators.get(code):
            continue
        indicators[code] = series
        own_sources[code] = sources[code]
        added.append(code)
    if not added:
        return found
    data["indicators"] = indicators
    data["sources"] = own_sources
    return SourcedDossier(Dossier.from_dict(data), data, f"{found.label}；未填报的 {len(added)} 项指标取自企业库汇总")


# —— the answer ————————————————————————————————————————————————————————————————————


def latest_dossier(cluster: Any, *, enterprise_totals: bool = True) -> SourcedDossier | None:
    found = None
    for source in _sources:
        found = source(cluster)
        if found is not None:
            break
    return with_enterprise_totals(cluster, found) if enterprise_totals else found


def latest_dossiers(clusters: list[Any]) -> dict[int, SourcedDossier | None]:
    """`latest_dossier` for many clusters at once (the rule-set preview): stored dossiers and
    enterprise-list years are read in one query each; other sources are asked per cluster."""
    from apps.enterprises.models import FirmYear

    from .models import ClusterDossier

    ids = [c.pk for c in clusters]
    years: dict[int, list[int]] = {}
    for cid, year in (
        FirmYear.objects.filter(cluster_id__in=ids).values_list("cluster_id", "year").distinct().order_by("year")
    ):
        years.setdefault(cid, []).append(year)
    stored: dict[int, SourcedDossier] = {}
    rows = ClusterDossier.objects.filter(cluster_id__in=ids).order_by("cluster_id", "-year", "-created_at")
    for row in rows:
        if row.cluster_id not in stored:
            stored[row.cluster_id] = _from_stored(row)
    out: dict[int, SourcedDossier | None] = {}
    for cluster in clusters:
        found = None
        for source in _sources:
            found = stored.get(cluster.pk) if source is stored_dossier_source else source(cluster)
            if found is not None:
                break
        out[cluster.pk] = with_enterprise_totals(cluster, found, years.get(cluster.pk, []))
    return out


def dossier_history(cluster: Any) -> list[SourcedDossier]:
    """Every dossier known for the cluster, oldest first: stored rows, then the latest of the
    other registered sources (a submitted filing) when it is not one of them."""
    from .models import ClusterDossier

    out = [_from_stored(row) for row in ClusterDossier.objects.filter(cluster=cluster).order_by("year", "created_at")]
    for source in _sources:
        if source is stored_dossier_source:
            continue
        found = source(cluster)
        if found is not None:
            out.append(found)
    return out
