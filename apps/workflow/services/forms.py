"""The form behind a submission (填报表单): an operator starting an application opens the
Filing the campaign track asks for (template and version, the campaign's year) and it is bound
to the submission; reports opened when a campaign is published get theirs when the operator
starts filling. See apps/workflow/bindings.py for what the workflow then does with it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from apps.clusters.models import Cluster, ClusterStatus, Recognition
from apps.core.errors import AccessDenied, ServiceError
from apps.orgs.models import OrgKind, Role

from .. import permissions
from ..definitions import DEADLINE_STAGES, get_workflow
from ..models import Audience, Campaign, CampaignTrack, Submission
from ..models.campaigns import CampaignStatus
from .engine import submission_bind_subject, submission_start


def campaign_ref(campaign: Campaign | None) -> str:
    """What the Filing records as the notice that asked for it (filings.Filing.campaign_ref)."""
    return campaign.document_number[:64] if campaign is not None else ""


def start_deadline(track: CampaignTrack) -> tuple[str, Any]:
    """(stage key, CampaignDeadline or None) of the first submission of the track's workflow."""
    wf = get_workflow(track.workflow_key, track.workflow_version)
    for t in wf.transitions_from(wf.initial):
        if t.deadline:
            return t.deadline, track.campaign.deadline_for(t.deadline)
    return "", None


def eligible_applicants(track: CampaignTrack, clusters: QuerySet[Cluster]) -> QuerySet[Cluster]:
    """Clusters that may answer a call for new applications: not already holding a valid
    recognition of the level the workflow grants (a recognised municipal cluster does not apply
    for municipal recognition again; it reports yearly and is re-reviewed when it expires)."""
    level = track_recognition_level(track)
    if not level:
        return clusters
    return clusters.exclude(pk__in=_held_recognitions().filter(level=level).values("cluster_id"))


def track_recognition_level(track: CampaignTrack) -> str:
    """The recognition level the track's workflow grants ("" when it grants none)."""
    return get_workflow(track.workflow_key, track.workflow_version).recognition_level


def _held_recognitions() -> QuerySet[Recognition]:
    return Recognition.objects.filter(
        is_current=True, status__in=[ClusterStatus.RECOGNISED, ClusterStatus.UNDER_REREVIEW]
    )


def held_recognition_levels(cluster_ids: list[int]) -> set[tuple[int, str]]:
    """(cluster id, level) of every valid recognition the clusters hold, in one query: what
    eligible_applicants excludes, for a list of tracks at once (the operator's 可申报 to-dos)."""
    return set(_held_recognitions().filter(cluster_id__in=cluster_ids).values_list("cluster_id", "level"))


def submission_open_form(*, actor: Any, submission: Submission) -> Any:
    """开始填报: create the track's form for the submission's cluster and bind it (once). A
    district's submission (no cluster: the district summary, 沪经信企〔2025〕73号 附件2) opens a
    district-level form (template `subject: district`) for the submission's district."""
    from apps.filings.definitions import load_template
    from apps.filings.services import filing_create

    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("campaign", "track", "cluster", "district")
            .get(pk=submission.pk)
        )
        wf = locked.workflow
        state = wf.states[locked.state]
        if locked.subject_id is not None:
            raise ServiceError("该事项已关联填报表单，请直接打开填写。", code="wrong_state")
        if state.editable != "all":
            raise ServiceError(f"当前环节为“{state.label}”，不能开始填报。", code="wrong_state")
        owner = state.owner or "operator"
        if not permissions.has_workflow_role(actor, owner, locked):
            from ..definitions import WORKFLOW_ROLES

            raise AccessDenied(f"该表单须由{WORKFLOW_ROLES[owner]}填写，您无权开始填报。")
        track = locked.track
        if track is None or not track.template_code:
            raise ServiceError(f"工作通知未指定“{wf.title}”的填报模板，请联系发文单位。", field="template")
        subject: dict[str, Any] = {"cluster": locked.cluster}
        if locked.cluster is None:
            version = track.template_version or None
            if version is not None and load_template(track.template_code, version).subject != "district":
                raise ServiceError("该事项没有关联集群，通知指定的表单须按集群填写，不能新建填报表单。")
            subject = {"district": locked.district}
        filing = filing_create(
            actor=actor,
            **subject,
            template_code=track.template_code,
            template_version=track.template_version or None,
            reporting_year=locked.year,
            campaign_ref=campaign_ref(locked.campaign),
            # The applicant (申报主体) is the template's (the county department for the national
            # forms, 77号 一（一）、二（一）); filing_create refuses an actor who is not it, so a track
            # binding a form to a workflow whose first state another role owns opens nothing.
        )
        submission_bind_subject(actor=actor, submission=locked, subject=filing)
    submission.refresh_from_db()
    return filing


def application_start(*, actor: Any, campaign: Campaign, track: CampaignTrack, cluster: Any) -> Submission:
    """发起申报: an operator answers a call for new applications for one of its clusters; the
    submission opens in its first state with the form the track asks for (when it names one)."""
    org = getattr(actor, "organisation", None)
    if not (
        getattr(actor, "is_authenticated", False)
        and org is not None
        and org.kind == OrgKind.OPERATOR
        and actor.has_role(Role.OPERATOR_STAFF)
    ):
        raise AccessDenied("只有集群运营管理机构的填报人员可以发起申报。")
    if cluster.operator_id != org.pk:
        raise AccessDenied("只能为本机构运营的集群发起申报。")
    if track.campaign_id != campaign.pk or track.audience != Audience.NEW_APPLICANTS:
        raise ServiceError("该事项不接受集群自行发起申报。", field="track")
    if not eligible_applicants(track, Cluster.objects.filter(pk=cluster.pk)).exists():
        raise ServiceError(f"“{cluster.name}”持有有效期内的认定，不属于新申报集群。", field="cluster")
    if campaign.status != CampaignStatus.PUBLISHED:
        raise ServiceError("工作通知尚未发布或已结束，不能发起申报。", code="wrong_state")
    stage, deadline = start_deadline(track)
    if deadline is not None and timezone.now() > deadline.due_at:
        when = date_format(timezone.localtime(deadline.due_at), "Y-m-d H:i")
        raise ServiceError(f"“{DEADLINE_STAGES[stage]}”已于 {when} 截止，不能再发起申报。", code="deadline")
    with transaction.atomic():
        sub = submission_start(
            actor=actor,
            campaign=campaign,
            track=track,
            workflow_key=track.workflow_key,
            year=campaign.year,
            cluster=cluster,
            is_demo=campaign.is_demo,
        )
        if track.template_code:
            submission_open_form(actor=actor, submission=sub)
    sub.refresh_from_db()
    return sub
