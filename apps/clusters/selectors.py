"""Cluster querysets scoped to the user (see apps.orgs.selectors for the rule), and the
list filters shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.db.models import Q

from apps.orgs.selectors import districts_visible_to, scope_queryset

from .models import Cluster, ClusterStatus, Domain, MajorChange, MajorChangeStatus, Recognition, RecognitionLevel


def clusters_visible_to(user: Any) -> models.QuerySet[Cluster]:
    return scope_queryset(
        Cluster.objects.select_related("district", "operator"),
        user,
        org_path_field="district__path",
        operator_field="operator_id",
        assignable=True,
    )


def recognitions_visible_to(user: Any) -> models.QuerySet[Recognition]:
    return Recognition.objects.filter(cluster__in=clusters_visible_to(user)).select_related("cluster__district")


def major_changes_visible_to(user: Any) -> models.QuerySet[MajorChange]:
    return MajorChange.objects.filter(cluster__in=clusters_visible_to(user)).select_related(
        "cluster__district", "cluster__operator", "reported_by", "decided_by"
    )


def major_changes_awaiting(user: Any) -> models.QuerySet[MajorChange]:
    """Reported changes the user's district has to confirm (its to-do list)."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return MajorChange.objects.none()
    return major_changes_visible_to(user).filter(
        status=MajorChangeStatus.REPORTED, cluster__district_id=user.organisation_id
    )


def filter_clusters(qs: models.QuerySet[Cluster], params: Mapping[str, Any]) -> models.QuerySet[Cluster]:
    """Filters of the cluster list (页面与接口共用): q, district, domain, level, status, year."""
    q = str(params.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(short_name__icontains=q)
            | Q(leading_industry__icontains=q)
            | Q(operator__name__icontains=q)
        )
    district = str(params.get("district") or "")
    if district.isdigit():
        qs = qs.filter(district_id=int(district))
    domain = params.get("domain")
    if domain in Domain.values:
        qs = qs.filter(domain=domain)
    status = params.get("status")
    if status in ClusterStatus.values:
        qs = qs.filter(status=status)
    level = params.get("level")
    year = str(params.get("year") or "")
    if level in RecognitionLevel.values or year.isdigit():
        recs = Recognition.objects.all()
        if level in RecognitionLevel.values:
            recs = recs.filter(level=level)
        if year.isdigit():
            recs = recs.filter(batch_year=int(year))
        qs = qs.filter(pk__in=recs.values("cluster_id"))
    return qs


def filter_options(user: Any) -> dict[str, Any]:
    """Choices for the list filters, limited to what the user can see."""
    visible = clusters_visible_to(user)
    years = (
        Recognition.objects.filter(cluster__in=visible)
        .order_by("-batch_year")
        .values_list("batch_year", flat=True)
        .distinct()
    )
    return {
        "districts": districts_visible_to(user).filter(pk__in=visible.values("district_id")).order_by("path"),
        "domains": Domain.choices,
        "levels": RecognitionLevel.choices,
        "statuses": ClusterStatus.choices,
        "years": list(years),
    }
