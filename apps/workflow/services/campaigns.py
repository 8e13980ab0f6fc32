"""工作通知: create, attach files, publish (opening the submissions the audience must make)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.clusters.models import Cluster, ClusterStatus, Recognition
from apps.core.audit import audit_record
from apps.core.errors import ServiceError, require
from apps.orgs.models import Organisation, OrgKind

from .. import permissions
from ..definitions import DEADLINE_STAGES, WorkflowDefinitionError, get_workflow
from ..models import Audience, Campaign, CampaignAttachment, CampaignDeadline, CampaignTrack, Submission
from ..models.campaigns import CampaignStatus, default_quotas
from .engine import add_years, submission_start
from .notify import notify

REREVIEW_WINDOW_MONTHS = 6


def rereview_due_before(today: date) -> date:
    """Recognitions ending on or before this date are listed for re-review (6 months ahead)."""
    month = today.month - 1 + REREVIEW_WINDOW_MONTHS
    year = today.year + month // 12
    month = month % 12 + 1
    day = min(today.day, 28)
    return date(year, month, day)


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    document_number: str,
    title: str,
    body: str,
    year: int,
    tracks: list[dict[str, Any]],
    deadlines: dict[str, datetime],
    quotas: dict[str, int] | None = None,
    reminder_days: list[int] | None = None,
    scoring_rubric: str = "municipal_expert_review.v1",
    experts_per_submission: int = 3,
    recognition_prefix: str = "",
    is_demo: bool = False,
) -> Campaign:
    require(permissions.can_manage_campaigns(actor))
    document_number = document_number.strip()
    if not document_number:
        raise ServiceError("请填写文号。", field="document_number")
    if Campaign.objects.filter(document_number=document_number).exists():
        raise ServiceError(f"文号“{document_number}”已存在。", field="document_number")
    if not title.strip():
        raise ServiceError("请填写标题。", field="title")
    if not tracks:
        raise ServiceError("请至少选择一项需填报的事项。", field="tracks")
    for stage in deadlines:
        if stage not in DEADLINE_STAGES:
            raise ServiceError(f"未知的截止环节“{stage}”。", field="deadlines")
    merged_quotas = default_quotas()
    for k, v in (quotas or {}).items():
        if int(v) < 0:
            raise ServiceError("推荐名额不能为负数。", field="quotas")
        merged_quotas[k] = int(v)
    days = sorted({int(d) for d in (reminder_days or [7, 3, 1])}, reverse=True)
    if any(d < 0 or d > 60 for d in days):
        raise ServiceError("提醒天数应在 0 至 60 天之间。", field="reminder_days")
    if experts_per_submission < 1:
        raise ServiceError("每项申报至少需要 1 名专家。", field="experts_per_submission")
    campaign = Campaign.objects.create(
        authority=actor.organisation,
        document_number=document_number,
        title=title.strip(),
        body=body,
        year=year,
        quotas=merged_quotas,
        reminder_days=days,
        scoring_rubric=scoring_rubric,
        experts_per_submission=experts_per_submission,
        recognition_prefix=recognition_prefix,
        created_by=actor,
        is_demo=is_demo,
    )
    published: list[Any] | None = None
    for i, tr in enumerate(tracks):
        try:
            wf = get_workflow(tr["workflow"], tr.get("workflow_version"))
        except (WorkflowDefinitionError, KeyError) as exc:
            raise ServiceError(f"第 {i + 1} 项事项的流程无效：{exc}", field="tracks") from exc
        audience = tr.get("audience", "")
        if audience not in Audience.values:
            raise ServiceError(f"第 {i + 1} 项事项的报送对象无效。", field="tracks")
        code, _, version = str(tr.get("template_code") or "").strip().partition("@")
        version = version or str(tr.get("template_version") or "").strip()
        if code:
            if published is None:
                from apps.filings.definitions import list_templates

                published = [t for t in list_templates() if t.status == "published"]
            versions = [t.version for t in published if t.code == code]
            if not versions:
                raise ServiceError(f"第 {i + 1} 项事项的填报模板“{code}”不存在或尚未发布。", field="tracks")
            if version and version not in versions:
                raise ServiceError(f"第 {i + 1} 项事项的填报模板“{code}”没有已发布的 {version} 版。", field="tracks")
            version = version or versions[-1]
        CampaignTrack.objects.create(
            campaign=campaign,
            workflow_key=wf.key,
            workflow_version=wf.version,
            template_code=code,
            template_version=version if code else "",
            audience=audience,
            title=tr.get("title") or wf.title,
        )
    for stage, due in deadlines.items():
        CampaignDeadline.objects.create(campaign=campaign, stage=stage, due_at=due)
    audit_record(
        actor=actor,
        action="campaign.create",
        action_label="新建工作通知",
        obj=campaign,
        changes={"文号": [None, document_number], "截止时间": [None, {k: v.isoformat() for k, v in deadlines.items()}]},
    )
    return campaign


@transaction.atomic
def campaign_attach(*, actor: Any, campaign: Campaign, name: str, content: File) -> CampaignAttachment:
    require(permissions.can_manage_campaign(actor, campaign))
    if not name.strip():
        raise ServiceError("请填写附件名称。", field="name")
    att = CampaignAttachment(campaign=campaign, name=name.strip(), uploaded_by=actor)
    att.file.save(content.name or "attachment", content, save=False)  # through default_storage
    att.save()
    audit_record(actor=actor, action="campaign.attach", action_label="上传通知附件", obj=att, subject=campaign)
    return att


def _audience_clusters(campaign: Campaign, audience: str, today: date) -> list[Cluster]:
    base = Cluster.objects.filter(district__path__startswith=campaign.authority.path).select_related("district")
    if audience == Audience.RECOGNISED:
        return list(base.filter(status__in=[ClusterStatus.RECOGNISED, ClusterStatus.UNDER_REREVIEW]))
    if audience == Audience.REREVIEW_DUE:
        due_ids = Recognition.objects.filter(
            is_current=True, valid_to__lte=rereview_due_before(today), cluster__in=base
        ).values("cluster_id")
        return list(base.filter(pk__in=due_ids).exclude(status=ClusterStatus.REVOKED))
    return []


@transaction.atomic
def campaign_publish(*, actor: Any, campaign: Campaign) -> Campaign:
    """Publish: open one submission per addressee (recognised clusters, districts, clusters due for
    re-review); new applicants start their own from the campaign page. Addressees are notified."""
    require(permissions.can_manage_campaign(actor, campaign))
    locked = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
    if locked.status != CampaignStatus.DRAFT:
        raise ServiceError("该通知已发布，不能重复发布。")
    if not locked.deadlines.exists():
        raise ServiceError("请先设定各环节截止时间。", field="deadlines")
    today = timezone.localdate()
    opened = 0
    for track in locked.tracks.all():
        if track.audience == Audience.DISTRICTS:
            districts = Organisation.objects.filter(
                kind=OrgKind.DISTRICT, is_active=True, path__startswith=locked.authority.path
            )
            for d in districts:
                submission_start(
                    actor=actor,
                    campaign=locked,
                    track=track,
                    workflow_key=track.workflow_key,
                    year=locked.year,
                    district=d,
                    is_demo=locked.is_demo,
                )
                opened += 1
        else:
            for c in _audience_clusters(locked, track.audience, today):
                submission_start(
                    actor=actor,
                    campaign=locked,
                    track=track,
                    workflow_key=track.workflow_key,
                    year=locked.year,
                    cluster=c,
                    is_demo=locked.is_demo,
                )
                opened += 1
            if track.audience == Audience.REREVIEW_DUE:
                for c in _audience_clusters(locked, track.audience, today):
                    if c.status == ClusterStatus.RECOGNISED:
                        c.status = ClusterStatus.UNDER_REREVIEW
                        c.version += 1
                        c.save(update_fields=["status", "version", "updated_at"])
    locked.status = CampaignStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    audit_record(
        actor=actor,
        action="campaign.publish",
        action_label="发布工作通知",
        obj=locked,
        changes={"状态": ["草稿", "已发布"], "生成事项": [0, opened]},
    )
    url = reverse("workflow:campaign_detail", args=[locked.pk])
    from .notify import recipients_for_role

    people = []
    for sub in Submission.objects.filter(campaign=locked).select_related("cluster", "district"):
        role = "district" if sub.cluster_id is None else "operator"
        people.extend(recipients_for_role(role, sub))
    notify(
        recipients=people,
        key=f"campaign:{locked.pk}:published",
        title=f"新工作通知：{locked.title}"[:200],
        body=f"{locked.authority.name}发布了{locked.document_number}《{locked.title}》，请按通知要求按时报送。",
        url=url,
    )
    return locked


def recognition_valid_to(valid_from: date) -> date:
    return add_years(valid_from, 3) - timedelta(days=1)
