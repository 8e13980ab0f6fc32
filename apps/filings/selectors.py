"""Filing querysets scoped to the user (the rule is apps.orgs.selectors.scope_queryset).

Authorities see the filings of clusters in their subtree, operators those of their own
clusters, experts and evaluators only filings assigned to them through orgs.Assignment. A
district-level form (区级表单, `Filing.district`: the district summary) is placed in the tree by
its district: the district department sees its own, the city and province their subtree, another
district nothing (404); operators never see it (it has no cluster, so no operator).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.functions import Coalesce

from apps.clusters.selectors import clusters_visible_to
from apps.orgs.models import Organisation
from apps.orgs.selectors import scope_for, scope_queryset

from .models import Evidence, Filing


def subject_path() -> Coalesce:
    """The path of the district a filing belongs to: its cluster's, or its own (区级表单)."""
    return Coalesce("cluster__district__path", "district__path")


def in_area(path: str) -> models.Q:
    """Filings of clusters — and district-level forms — within the organisation at `path`.

    The districts within are found once by their path (a prefix lookup the organisations' path
    index serves, in a subquery), and a filing is in the area if its cluster's district or its
    own district (区级表单) is one of them. A filter on the path through the two outer joins —
    let alone on `subject_path()` — is applied only after joining every filing."""
    area = Organisation.objects.filter(path__startswith=path).values("pk")
    return models.Q(cluster__district_id__in=area) | models.Q(district_id__in=area)


def filings_visible_to(user: Any) -> models.QuerySet[Filing]:
    """Authorities: the filings `in_area` of their organisation (indexed path lookups, not a
    filter on the computed `subject_path()`); everyone else as `scope_queryset` decides
    (operators by their clusters, experts and evaluators by assignment, nobody nothing)."""
    qs = Filing.objects.select_related("cluster", "cluster__district", "cluster__operator", "district", "updated_by")
    scope = scope_for(user)
    if scope.subtree_path is not None:  # only set for an active authority (scope_for)
        return qs.filter(in_area(scope.subtree_path))
    return scope_queryset(
        qs,
        user,
        org_path_field="cluster__district__path",  # unused: the authority branch is handled above
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


def district_fillable_by(user: Any) -> Any:
    """The district for which the user may open a district-level form (区级表单): a county
    department's staff, its own district; None for anyone else."""
    from .permissions import is_county_staff

    return user.organisation if is_county_staff(user) else None


def previous_filings(filing: Filing) -> models.QuerySet[Filing]:
    """Earlier filings of the same cluster — or district, for a district-level form — (any
    template), newest first: the prefill sources."""
    same = models.Q(cluster_id=filing.cluster_id) if filing.cluster_id else models.Q(district_id=filing.district_id)
    return (
        Filing.objects.filter(same)
        .exclude(pk=filing.pk)
        .filter(reporting_year__lte=filing.reporting_year)
        .order_by("-reporting_year", "-updated_at")
    )
