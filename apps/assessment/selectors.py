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
