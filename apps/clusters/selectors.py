"""Cluster querysets scoped to the user (see apps.orgs.selectors for the rule)."""

from __future__ import annotations

from typing import Any

from django.db import models

from apps.orgs.selectors import scope_queryset

from .models import Cluster


def clusters_visible_to(user: Any) -> models.QuerySet[Cluster]:
    return scope_queryset(
        Cluster.objects.select_related("district", "operator"),
        user,
        org_path_field="district__path",
        operator_field="operator_id",
        assignable=True,
    )
