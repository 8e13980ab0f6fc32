"""Enterprise-list querysets scoped to the user, built on apps.orgs.selectors.scope_queryset.

Operators see their own clusters' lists; district/city/province/ministry staff their subtree;
experts and evaluators see a list only when the cluster is assigned to them.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from apps.clusters.models import Cluster
from apps.orgs.selectors import assigned_ids, scope_for, scope_queryset

from .models import EnterpriseImport, FirmList, FirmYear


def _scoped(qs: models.QuerySet, user: Any, cluster_field: str) -> models.QuerySet:
    """Scope rows reached from a cluster (`cluster_field` "" means the rows are clusters)."""
    prefix = f"{cluster_field}__" if cluster_field else ""
    if scope_for(user).assigned_only:
        return qs.filter(**{f"{cluster_field or 'pk'}__in": assigned_ids(user, Cluster)})
    return scope_queryset(qs, user, org_path_field=f"{prefix}district__path", operator_field=f"{prefix}operator_id")


def clusters_for_lists(user: Any) -> models.QuerySet[Cluster]:
    """Clusters whose enterprise list the user may see."""
    return _scoped(Cluster.objects.select_related("district", "operator"), user, "").order_by("name")


def firm_years_visible_to(user: Any) -> models.QuerySet[FirmYear]:
    return _scoped(FirmYear.objects.select_related("firm", "cluster", "cluster__district"), user, "cluster")


def cluster_year_rows(user: Any, cluster: Cluster, year: int) -> models.QuerySet[FirmYear]:
    """The cluster-year's current list as the user may see it (see `for_cluster_year`)."""
    current = FirmList.current_id_query(cluster.pk, year)
    return firm_years_visible_to(user).filter(cluster=cluster, year=year, firm_list_id=current)


def imports_visible_to(user: Any) -> models.QuerySet[EnterpriseImport]:
    return _scoped(EnterpriseImport.objects.select_related("cluster", "uploaded_by"), user, "cluster")


def duplicate_listings(user: Any, year: int | None = None) -> list[dict[str, Any]]:
    """Firms listed by two or more clusters in the same year, among the rows the user sees.

    Returns one entry per (year, firm) with every cluster that lists it, for the city's page.
    """
    qs = firm_years_visible_to(user)
    if year is not None:
        qs = qs.filter(year=year)
    dup_keys = (
        qs.values("year", "firm_id")
        .annotate(n=models.Count("cluster_id", distinct=True))
        .filter(n__gt=1)
        .values_list("year", "firm_id")
    )
    keys = set(dup_keys)
    if not keys:
        return []
    years = {y for y, _ in keys}
    firm_ids = {f for _, f in keys}
    rows = (
        qs.filter(year__in=years, firm_id__in=firm_ids)
        .select_related("firm", "cluster", "cluster__district")
        .order_by("year", "firm__name", "cluster__name")
    )
    grouped: dict[tuple[int, int], dict[str, Any]] = {}
    for fy in rows:
        if (fy.year, fy.firm_id) not in keys:
            continue
        entry = grouped.setdefault(
            (fy.year, fy.firm_id), {"year": fy.year, "firm": fy.firm, "rows": [], "clusters": []}
        )
        entry["rows"].append(fy)
        entry["clusters"].append(fy.cluster)
    return sorted(grouped.values(), key=lambda e: (-e["year"], e["firm"].name))
