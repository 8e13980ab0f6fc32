"""Factories for the review cycle: campaigns with deadlines, submissions in any state, experts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from apps.orgs.models import Organisation, Role, User
from apps.workflow.models import Campaign, CampaignDeadline, CampaignTrack, ExpertProfile, Submission
from apps.workflow.models.campaigns import CampaignStatus

from . import factories as f


def campaign(
    authority: Organisation,
    creator: User,
    *,
    document_number: str = "沪经信企〔2025〕73号",
    year: int = 2025,
    deadlines: dict[str, datetime] | None = None,
    tracks: tuple[tuple[str, str], ...] = (("municipal_application", "new_applicants"),),
    **kwargs: Any,
) -> Campaign:
    """A published campaign; deadlines default to 30 days ahead for every stage."""
    ahead = timezone.now() + timedelta(days=30)
    c = Campaign.objects.create(
        authority=authority,
        document_number=document_number,
        title="关于做好2025年中小企业特色产业集群培育工作的通知",
        body="请各区组织集群运营管理机构按时报送。",
        year=year,
        status=CampaignStatus.PUBLISHED,
        published_at=timezone.now(),
        created_by=creator,
        **kwargs,
    )
    for stage, due in (
        deadlines
        or {
            "operator_submission": ahead,
            "district_review": ahead,
            "city_review": ahead,
            "provincial_recommendation": ahead,
        }
    ).items():
        CampaignDeadline.objects.create(campaign=c, stage=stage, due_at=due)
    for key, audience in tracks:
        CampaignTrack.objects.create(campaign=c, workflow_key=key, workflow_version=1, audience=audience, title=key)
    return c


def submission(
    campaign: Campaign | None,
    cluster: Any,
    *,
    workflow_key: str = "municipal_application",
    state: str = "draft",
    district: Organisation | None = None,
    subject: Any = None,
) -> Submission:
    from django.contrib.contenttypes.models import ContentType

    track = campaign.tracks.filter(workflow_key=workflow_key).first() if campaign else None
    return Submission.objects.create(
        campaign=campaign,
        track=track,
        workflow_key=workflow_key,
        workflow_version=1,
        cluster=cluster,
        district=district or cluster.district,
        year=campaign.year if campaign else 2025,
        state=state,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
    )


def expert(
    pool: Organisation,
    username: str,
    *,
    specialties: list[str],
    district: Organisation | None = None,
    affiliation: str = "上海某大学",
    email: str = "",
) -> User:
    user = f.user_with(pool, Role.EXPERT, username=username)
    user.specialties = specialties
    user.email = email or f"{username}@example.cn"
    user.save()
    ExpertProfile.objects.create(user=user, affiliation=affiliation, district=district)
    return user
