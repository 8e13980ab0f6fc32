"""Querysets of the documents app scoped to the user (built on apps.orgs.selectors.scope_queryset).

- export jobs: authorities see the jobs whose area (a district, or the starter's whole
  jurisdiction) lies in their subtree — a district never sees the city's city-wide export;
- the filings an export may cover: apps.filings.selectors.filings_visible_to, then narrowed to a
  campaign (its submissions' forms) and a district;
- Word imports: only the operator organisation of the cluster; a district-level form's import
  (区级表单, no cluster) only the staff of its district's department.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from apps.filings.models import Filing, FilingStatus
from apps.filings.permissions import is_county_staff, is_operator_staff
from apps.filings.selectors import filings_visible_to, in_area, subject_path
from apps.orgs.selectors import districts_visible_to, scope_queryset

from .models import ExportJob, WordImport


def export_jobs_visible_to(user: Any) -> models.QuerySet[ExportJob]:
    return scope_queryset(
        ExportJob.objects.select_related("created_by", "scope_org", "campaign"),
        user,
        org_path_field="scope_org__path",
    )


def export_districts_for(user: Any) -> models.QuerySet[Any]:
    """Districts a user may limit an export to (their own, or those under their authority)."""
    return districts_visible_to(user).order_by("path")


def campaign_filings(campaign: Any) -> models.QuerySet[Filing]:
    """The forms of a campaign: the subjects of its submissions, and forms naming it in campaign_ref."""
    from apps.workflow.models import Submission

    ct = ContentType.objects.get_for_model(Filing)
    bound = Submission.objects.filter(campaign=campaign, subject_type=ct).values("subject_id")
    return Filing.objects.filter(
        models.Q(pk__in=bound) | models.Q(campaign_ref__in=[str(campaign.pk), campaign.document_number])
    )


def exportable_filings(
    user: Any, *, campaign: Any = None, district: Any = None, include_drafts: bool = False
) -> models.QuerySet[Filing]:
    """Filings the user may export, optionally of a campaign and within a district, by area then cluster."""
    qs = filings_visible_to(user)
    if campaign is not None:
        qs = qs.filter(pk__in=campaign_filings(campaign).values("pk"))
    if district is not None:
        qs = qs.filter(in_area(district.path))  # a cluster's district, or a 区级表单's own
    if not include_drafts:
        qs = qs.exclude(status=FilingStatus.DRAFT)
    return qs.order_by(subject_path(), "cluster__name", "template_code", "reporting_year", "pk")


def word_imports_visible_to(user: Any) -> models.QuerySet[WordImport]:
    qs = WordImport.objects.select_related("cluster", "district", "filing", "created_by")
    if is_operator_staff(user):
        return qs.filter(cluster__operator_id=user.organisation_id)
    if is_county_staff(user):
        return qs.filter(cluster__isnull=True, district_id=user.organisation_id)
    return WordImport.objects.none()
