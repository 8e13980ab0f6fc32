"""Filing querysets scoped to the user (the rule is apps.orgs.selectors.scope_queryset).

Authorities see the filings of clusters in their subtree, operators those of their own
clusters, experts and evaluators only filings assigned to them through orgs.Assignment.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from apps.clusters.selectors import clusters_visible_to
from apps.orgs.selectors import scope_queryset

from .models import Evidence, Filing


def filings_visible_to(user: Any) -> models.QuerySet[Filing]:
    return scope_queryset(
        Filing.objects.select_related("cluster", "cluster__district", "cluster__operator", "updated_by"),
        user,
        org_path_field="cluster__district__path",
        operator_field="cluster__operator_id",
        assignable=True,
    )


def evidence_visible_to(user: Any) -> models.QuerySet[Evidence]:
    """Evidence of filings the user may see (downloads go through this, 404 otherwise)."""
    return Evidence.objects.filter(filing__in=filings_visible_to(user).values("pk")).select_related("filing")


def clusters_fillable_by(user: Any) -> models.QuerySet[Any]:
    """Clusters for which the user may open a new form: an operator's own clusters; for a county
    department's staff (the applicant of the national forms) the clusters of its district."""
    from .permissions import is_county_staff, is_operator_staff

    if is_operator_staff(user):
        return clusters_visible_to(user).filter(operator_id=user.organisation_id)
    if is_county_staff(user):
        return clusters_visible_to(user).filter(district__path__startswith=user.organisation.path)
    return clusters_visible_to(user).none()


def previous_filings(filing: Filing) -> models.QuerySet[Filing]:
    """Earlier filings of the same cluster (any template), newest first: the prefill sources."""
    return (
        Filing.objects.filter(cluster_id=filing.cluster_id)
        .exclude(pk=filing.pk)
        .filter(reporting_year__lte=filing.reporting_year)
        .order_by("-reporting_year", "-updated_at")
    )
