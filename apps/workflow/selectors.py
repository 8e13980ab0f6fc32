"""Querysets of the review cycle scoped to the user (built on apps.orgs.selectors.scope_queryset)."""

from __future__ import annotations

from typing import Any

from django.db import models

from apps.orgs.selectors import scope_for, scope_queryset

from .models import Campaign, Notification, Objection, Submission
from .models.campaigns import CampaignStatus


def submissions_visible_to(user: Any) -> models.QuerySet[Submission]:
    """Authorities: their subtree; operators: their clusters; experts/evaluators: what is assigned."""
    return scope_queryset(
        Submission.objects.select_related("campaign", "cluster", "district", "cluster__operator"),
        user,
        org_path_field="district__path",
        operator_field="cluster__operator_id",
        assignable=True,
    )


def campaigns_visible_to(user: Any) -> models.QuerySet[Campaign]:
    """A campaign is seen by everybody under the issuing authority (its addressees) and by the
    authorities above it; drafts only by the issuing authority itself."""
    scope = scope_for(user)
    qs = Campaign.objects.select_related("authority")
    if scope.nothing:
        return qs.none()
    if scope.everything:
        return qs
    org = user.organisation
    ancestor_ids = [int(p) for p in org.path.strip("/").split("/") if p]
    visible = models.Q(authority_id__in=ancestor_ids)
    if scope.subtree_path is not None:
        visible |= models.Q(authority__path__startswith=scope.subtree_path)
    published = models.Q(status__in=[CampaignStatus.PUBLISHED, CampaignStatus.CLOSED]) | models.Q(authority_id=org.pk)
    return qs.filter(visible & published)


def objections_visible_to(user: Any) -> models.QuerySet[Objection]:
    return Objection.objects.filter(submission__in=submissions_visible_to(user)).select_related("submission")


def notifications_of(user: Any) -> models.QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)
