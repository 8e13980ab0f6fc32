"""Querysets of the assessment app, scoped through apps.orgs.selectors.scope_queryset."""

from __future__ import annotations

from typing import Any

from django.db import models

from apps.orgs.models import Organisation
from apps.orgs.selectors import assigned_ids, scope_for, scope_queryset

from .models import AssessmentRecord, ClusterDossier, ServiceEvaluation, StoredRuleSet


def records_visible_to(user: Any) -> models.QuerySet[AssessmentRecord]:
    return scope_queryset(
        AssessmentRecord.objects.select_related("cluster", "cluster__district"),
        user,
        org_path_field="cluster__district__path",
        operator_field="cluster__operator_id",
    )


def dossiers_visible_to(user: Any) -> models.QuerySet[ClusterDossier]:
    return scope_queryset(
        ClusterDossier.objects.select_related("cluster"),
        user,
        org_path_field="cluster__district__path",
        operator_field="cluster__operator_id",
    )


def evaluations_visible_to(user: Any) -> models.QuerySet[ServiceEvaluation]:
    """Authorities see their subtree; evaluators only evaluations assigned to them (purpose
    “service_evaluation”); operators see their own cluster's evaluations."""
    qs = ServiceEvaluation.objects.select_related("cluster", "cluster__district")
    scope = scope_for(user)
    if scope.assigned_only:
        return qs.filter(pk__in=assigned_ids(user, ServiceEvaluation, purpose="service_evaluation"))
    return scope_queryset(qs, user, org_path_field="cluster__district__path", operator_field="cluster__operator_id")


def stored_rulesets_visible_to(user: Any) -> models.QuerySet[StoredRuleSet]:
    """Authorities see rule sets owned by their organisation, its subtree and its ancestors."""
    scope = scope_for(user)
    qs = StoredRuleSet.objects.select_related("authority")
    if scope.nothing:
        return qs.none()
    if scope.everything:
        return qs
    if scope.subtree_path is None:
        return qs.none()
    org: Organisation = user.organisation
    ancestor_ids = [o.pk for o in org.ancestors()]
    return qs.filter(models.Q(authority__path__startswith=org.path) | models.Q(authority_id__in=ancestor_ids))


def clusters_for_assessment(user: Any) -> models.QuerySet[Any]:
    """Clusters whose self-check and target pages the user may open: the operator's own, and those
    under an authority (district, city, province, ministry). Experts and evaluators see none here
    (their assigned work has its own pages)."""
    from apps.clusters.models import Cluster

    return scope_queryset(
        Cluster.objects.select_related("district", "operator"),
        user,
        org_path_field="district__path",
        operator_field="operator_id",
    )


def rulesets_for_cluster(cluster: Any, *, kind: str | None = None) -> list[Any]:
    """Published rule sets a cluster can be checked against: every published file and the
    published database copies of an authority above (or at) the cluster's district."""
    from .rulesets import file_rulesets

    out = [rs for rs in file_rulesets().values() if rs.is_published and (kind is None or rs.kind == kind)]
    district = cluster.district
    owners = [o.pk for o in district.ancestors()] + [district.pk]
    stored = StoredRuleSet.objects.filter(status="published", authority_id__in=owners)
    if kind is not None:
        stored = stored.filter(kind=kind)
    out.extend(s.as_ruleset() for s in stored)
    return sorted(out, key=lambda rs: (rs.kind != "recognition", -rs.year, rs.id))


def default_ruleset_for(cluster: Any, choices: list[Any]) -> Any:
    """The recognition rule set of the cluster's own province (latest year), else the first choice."""
    province = cluster.district.province()
    region = province.region_name if province else ""
    own = [rs for rs in choices if rs.kind == "recognition" and rs.authority.get("region_name") == region]
    return own[0] if own else (choices[0] if choices else None)


def clusters_in_jurisdiction(user: Any) -> models.QuerySet[Any]:
    """Current clusters under an authority user's organisation (for the rule-set preview)."""
    from apps.clusters.models import Cluster, ClusterStatus

    current = Cluster.objects.exclude(status__in=(ClusterStatus.EXPIRED, ClusterStatus.REVOKED))
    return scope_queryset(
        current.select_related("district").order_by("district_id", "name"),
        user,
        org_path_field="district__path",
    )
