"""Home-page to-dos of the review cycle (registered with apps.core.todos in apps.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.core.todos import TodoItem
from apps.orgs.models import OrgKind, Role

from .definitions import latest_workflows
from .models import Audience, CampaignTrack, ExpertScore, Objection, ObjectionStatus, ReviewAssignment, ScoreStatus
from .models.campaigns import CampaignStatus
from .permissions import prime_assignments
from .selectors import submissions_visible_to
from .services.forms import held_recognition_levels, start_deadline, track_recognition_level


def _acting_states() -> dict[str, set[str]]:
    states: dict[str, set[str]] = {}
    for wf in latest_workflows():
        states[wf.key] = {s for t in wf.transitions.values() for s in t.sources}
    return states


def workflow_todos(user: Any) -> list[TodoItem]:
    from .services import evaluation as ev
    from .services.engine import available_transitions

    if not getattr(user, "is_authenticated", False):
        return []
    items: list[TodoItem] = []
    now = timezone.now()
    acting = _acting_states()
    where = Q()
    for key, states in acting.items():
        where |= Q(workflow_key=key, state__in=states)
    subs = (
        list(submissions_visible_to(user).filter(where).select_related("track").prefetch_related("campaign__deadlines"))
        if acting
        else []
    )
    prime_assignments(user, subs)  # roles over the list without a query per row
    order = {key: i for i, key in enumerate(acting)}
    for sub in sorted(subs, key=lambda s: order[s.workflow_key]):
        key = sub.workflow_key
        if key == ev.WORKFLOW_KEY and sub.state == ev.CONFIRM_STATE:
            continue  # listed as 待确认等级 by service_evaluation_todos
        transitions = available_transitions(user, sub)
        if not transitions:
            continue
        deadline = None
        for t in transitions:
            if t.deadline and sub.campaign is not None:
                d = sub.campaign.deadline_for(t.deadline)
                if d is not None:
                    deadline = d.due_at
                    break
        overdue = deadline is not None and now > deadline
        detail = ("已逾期；" if overdue else "") + "可办理：" + "、".join(t.label for t in transitions)
        track = sub.track
        if (
            sub.subject_id is None
            and track is not None
            and track.template_code
            and sub.workflow.states[sub.state].editable == "all"
        ):
            detail = ("已逾期；" if overdue else "") + f"请开始填报《{track.title}》后提交"
        items.append(
            TodoItem(
                title=f"{sub}",
                url=reverse("workflow:submission_detail", args=[sub.pk]),
                category=sub.state_label,
                deadline=deadline,
                detail=detail,
            )
        )
    # Experts: assigned reviews without a submitted score.
    if user.has_role(Role.EXPERT):
        pending = ReviewAssignment.objects.filter(expert=user, submission__state="expert_review").exclude(
            pk__in=ExpertScore.objects.filter(status=ScoreStatus.SUBMITTED).values("assignment_id")
        )
        for ra in pending.select_related("submission", "submission__cluster", "submission__district"):
            items.append(
                TodoItem(
                    title=f"{ra.submission}",
                    url=reverse("workflow:review_score", args=[ra.submission_id]),
                    category="专家评分",
                    detail="请完成评分并提交",
                )
            )
    # Authorities: pending objections during 公示.
    if user.organisation is not None and user.organisation.kind in (OrgKind.PROVINCE, OrgKind.CITY):
        pending_obj = Objection.objects.filter(
            status=ObjectionStatus.PENDING, submission__in=submissions_visible_to(user)
        ).select_related("submission", "submission__cluster", "submission__district")
        for o in pending_obj:
            items.append(
                TodoItem(
                    title=f"{o.submission}",
                    url=reverse("workflow:submission_detail", args=[o.submission_id]),
                    category="公示异议",
                    detail=f"异议人：{o.objector_name}，待核查处理",
                )
            )
    # Operators: open calls for new applications they have not started.
    org = user.organisation
    if org is not None and org.kind == OrgKind.OPERATOR and user.has_role(Role.OPERATOR_STAFF):
        # The tracks with their deadlines, the operator's clusters, the ones that have answered and
        # the recognitions they hold are read once for all tracks (eligible_applicants' rule).
        ancestor_ids = [int(p) for p in org.path.strip("/").split("/") if p]
        tracks = (
            CampaignTrack.objects.filter(
                audience=Audience.NEW_APPLICANTS,
                campaign__status=CampaignStatus.PUBLISHED,
                campaign__authority_id__in=ancestor_ids,
            )
            .select_related("campaign")
            .prefetch_related("campaign__deadlines")
        )
        open_tracks = []
        for tr in tracks:
            _stage, d = start_deadline(tr)
            if d is None or d.due_at >= now:
                open_tracks.append((tr, d))
        clusters = list(org.operated_clusters.values_list("pk", flat=True)) if open_tracks else []
        answered = (
            set(
                submissions_visible_to(user)
                .filter(campaign_id__in={tr.campaign_id for tr, _d in open_tracks}, cluster_id__in=clusters)
                .values_list("campaign_id", "workflow_key", "cluster_id")
            )
            if clusters
            else set()
        )
        held = held_recognition_levels(clusters) if clusters else set()
        for tr, d in open_tracks:
            level = track_recognition_level(tr)
            if any((tr.campaign_id, tr.workflow_key, c) not in answered and (c, level) not in held for c in clusters):
                items.append(
                    TodoItem(
                        title=f"{tr.campaign.document_number} {tr.title}",
                        url=reverse("workflow:campaign_detail", args=[tr.campaign_id]),
                        category="可申报",
                        deadline=d.due_at if d is not None else None,
                        detail="本机构运营的集群可在截止前发起申报",
                    )
                )
    return items


def service_evaluation_todos(user: Any) -> list[TodoItem]:
    """服务评价: 待评分 (an assigned evaluator who has not submitted), 待分配评价人员 and 待确认等级
    (the city). The evaluations, the user's progress on them and the panels are read for the whole
    list at once (a constant number of queries however many submissions there are)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from apps.assessment.models import EvaluationScore, ServiceEvaluation
    from apps.assessment.scoring import get_rubric
    from apps.orgs.models import Assignment
    from apps.orgs.selectors import assigned_ids

    from .permissions import has_workflow_role
    from .services import evaluation as ev

    if not getattr(user, "is_authenticated", False):
        return []
    items: list[TodoItem] = []
    subs = list(
        submissions_visible_to(user).filter(
            workflow_key=ev.WORKFLOW_KEY, state__in=(ev.SCORING_STATE, ev.CONFIRM_STATE)
        )
    )
    ev.prime_evaluations(subs)
    evaluation_ids = [e.pk for s in subs if (e := ev.evaluation_for(s)) is not None]
    if user.has_role(Role.EVALUATOR):
        mine = set(
            assigned_ids(user, ServiceEvaluation, purpose=ev.EVALUATION_PURPOSE).values_list("object_id", flat=True)
        )
        scored = dict(
            EvaluationScore.objects.filter(evaluation_id__in=evaluation_ids, evaluator=user)
            .values("evaluation_id")
            .annotate(n=Count("id"))
            .values_list("evaluation_id", "n")
        )
        for sub in subs:
            if sub.state != ev.SCORING_STATE:
                continue
            evaluation = ev.evaluation_for(sub)
            if (
                evaluation is None
                or evaluation.pk not in mine
                or any(r.evaluator_id == user.pk for r in evaluation.submissions.all())  # prefetched
            ):
                continue
            items.append(
                TodoItem(
                    title=f"{sub}",
                    url=reverse("assessment:evaluation_score", args=[evaluation.pk]),
                    category="待评分",
                    detail=f"已评 {scored.get(evaluation.pk, 0)}/{len(get_rubric(evaluation.rubric_code).items())} 项，"
                    "请逐项评分并提交",
                )
            )
    org = user.organisation
    if org is not None and org.kind in (OrgKind.PROVINCE, OrgKind.CITY):
        with_panel = set(
            Assignment.objects.filter(
                content_type=ContentType.objects.get_for_model(ServiceEvaluation),
                object_id__in=evaluation_ids,
                purpose=ev.EVALUATION_PURPOSE,
                is_active=True,
            ).values_list("object_id", flat=True)
        )
        for sub in subs:
            if not has_workflow_role(user, "city", sub):
                continue
            url = reverse("workflow:submission_detail", args=[sub.pk])
            if sub.state == ev.CONFIRM_STATE:
                items.append(
                    TodoItem(
                        title=f"{sub}",
                        url=url,
                        category="待确认等级",
                        detail=f"第三方评价得分 {sub.data.get('score', '—')} 分，"
                        f"建议等级“{sub.data.get('proposed_grade', '—')}”，请确认评价等级",
                    )
                )
            elif (evaluation := ev.evaluation_for(sub)) is None or evaluation.pk not in with_panel:
                items.append(
                    TodoItem(
                        title=f"{sub}", url=url, category="待分配评价人员", detail="自评已提交，请分配第三方评价人员"
                    )
                )
    return items
