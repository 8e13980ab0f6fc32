"""工作通知 pages: list, create, detail (with time left), publish, attachments, start an application."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from apps.clusters.selectors import clusters_visible_to
from apps.core.errors import ServiceError
from apps.filings.permissions import is_operator_staff

from .. import permissions, services
from ..definitions import DEADLINE_STAGES, latest_workflows
from ..models import Audience, CampaignAttachment, CampaignTrack
from ..selectors import campaigns_visible_to, submissions_visible_to
from ..services.forms import eligible_applicants, start_deadline
from .common import flash_error, require


def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = campaigns_visible_to(request.user).prefetch_related("deadlines")
    return render(
        request,
        "workflow/campaign_list.html",
        {"campaigns": campaigns, "can_create": permissions.can_manage_campaigns(request.user)[0]},
    )


def _parse_deadline(raw: str) -> datetime:
    raw = raw.strip()
    try:
        if "T" in raw or " " in raw:
            value = datetime.fromisoformat(raw)
        else:
            value = datetime.combine(datetime.fromisoformat(raw).date(), time(23, 59, 59))
    except ValueError as exc:
        raise ServiceError(f"截止时间“{raw}”格式不正确，应为 2025-03-31 或 2025-03-31T17:00。") from exc
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    require(permissions.can_manage_campaigns(request.user))
    workflows = latest_workflows()
    values = request.POST
    if request.method == "POST":
        try:
            tracks = [
                {
                    "workflow": wf.key,
                    "audience": values.get(f"audience__{wf.key}", ""),
                    "template_code": values.get(f"template__{wf.key}", "").strip(),
                }
                for wf in workflows
                if values.get(f"track__{wf.key}")
            ]
            deadlines = {
                s: _parse_deadline(values[f"deadline__{s}"])
                for s in DEADLINE_STAGES
                if values.get(f"deadline__{s}", "").strip()
            }
            quotas = {
                k: int(values[f"quota__{k}"])
                for k in ("province", "autonomous_region", "municipality", "plan_city", "corps")
                if values.get(f"quota__{k}", "").strip()
            }
            reminder_days = [
                int(x) for x in values.get("reminder_days", "7,3,1").replace("，", ",").split(",") if x.strip()
            ]
            campaign = services.campaign_create(
                actor=request.user,
                document_number=values.get("document_number", ""),
                title=values.get("title", ""),
                body=values.get("body", ""),
                year=int(values.get("year") or timezone.localdate().year),
                tracks=tracks,
                deadlines=deadlines,
                quotas=quotas,
                reminder_days=reminder_days,
                experts_per_submission=int(values.get("experts_per_submission") or 3),
                recognition_prefix=values.get("recognition_prefix", "").strip(),
            )
        except ValueError:
            messages.error(request, "名额、提醒天数和年度须为整数。")
        except ServiceError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, f"已保存工作通知“{campaign.title}”（草稿），核对后请发布。")
            return redirect("workflow:campaign_detail", pk=campaign.pk)
    from apps.filings.definitions import list_templates

    return render(
        request,
        "workflow/campaign_form.html",
        {
            "workflows": workflows,
            "templates": [t for t in list_templates() if t.status == "published"],
            "stages": DEADLINE_STAGES,
            "audiences": Audience.choices,
            "values": values,
            "year": timezone.localdate().year,
        },
    )


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(request.user).prefetch_related("deadlines", "tracks"), pk=pk)
    subs = (
        submissions_visible_to(request.user).filter(campaign=campaign).order_by("workflow_key", "district__path", "pk")
    )
    startable: list[tuple[CampaignTrack, list, Any]] = []
    if is_operator_staff(request.user):
        mine = clusters_visible_to(request.user)
        for tr in campaign.tracks.filter(audience=Audience.NEW_APPLICANTS):
            started = subs.filter(track=tr).values("cluster_id")
            _stage, deadline = start_deadline(tr)
            startable.append((tr, list(eligible_applicants(tr, mine.exclude(pk__in=started))), deadline))
    now = timezone.now()
    overdue = {s.pk for s in services.overdue_submissions(subs, now)}
    groups = []
    for tr in campaign.tracks.all():
        rows = [s for s in subs if s.track_id == tr.pk]
        counts: dict[str, int] = {}
        for s in rows:
            counts[s.state_label] = counts.get(s.state_label, 0) + 1
        late = sum(1 for s in rows if s.pk in overdue)
        groups.append({"track": tr, "rows": rows, "counts": sorted(counts.items()), "overdue": late})
    return render(
        request,
        "workflow/campaign_detail.html",
        {
            "campaign": campaign,
            "deadlines": [(d, d.due_at - now) for d in campaign.deadlines.all()],
            "now": now,
            "groups": groups,
            "overdue": overdue,
            "startable": startable,
            "can_manage": permissions.can_manage_campaign(request.user, campaign)[0],
            "can_lists": permissions.can_view_lists(request.user)[0],
        },
    )


@require_POST
def campaign_publish(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    require(permissions.can_manage_campaign(request.user, campaign))
    try:
        services.campaign_publish(actor=request.user, campaign=campaign)
    except ServiceError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, "工作通知已发布，报送对象已收到通知。")
    return redirect("workflow:campaign_detail", pk=pk)


@require_POST
def campaign_attach(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    require(permissions.can_manage_campaign(request.user, campaign))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的附件。")
    else:
        try:
            services.campaign_attach(
                actor=request.user,
                campaign=campaign,
                name=request.POST.get("name", "") or upload.name or "",
                content=upload,
            )
        except ServiceError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, "附件已上传。")
    return redirect("workflow:campaign_detail", pk=pk)


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    att = get_object_or_404(CampaignAttachment.objects.filter(campaign__in=campaigns_visible_to(request.user)), pk=pk)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.file.name.rsplit("/", 1)[-1])


@require_POST
def submission_start(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    if not is_operator_staff(request.user):
        raise PermissionDenied("只有集群运营管理机构的填报人员可以发起申报。")
    track = get_object_or_404(
        campaign.tracks.filter(audience=Audience.NEW_APPLICANTS), pk=request.POST.get("track") or 0
    )
    cluster = get_object_or_404(clusters_visible_to(request.user), pk=request.POST.get("cluster") or 0)
    try:
        sub = services.application_start(actor=request.user, campaign=campaign, track=track, cluster=cluster)
    except ServiceError as exc:
        flash_error(request, exc)
        return redirect("workflow:campaign_detail", pk=pk)
    if sub.subject is not None:
        messages.success(request, f"已创建申报事项和《{track.title}》表单，请填写后回到申报事项页面提交。")
        return redirect("filings:edit", pk=sub.subject_id)
    messages.success(request, "已创建申报事项。")
    return redirect("workflow:submission_detail", pk=sub.pk)
