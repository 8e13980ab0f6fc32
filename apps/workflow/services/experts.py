"""Expert review (专家评审): conflicts of interest, manual and random assignment (reproducible
draw with stored seed and parameters), scoring by rubric, aggregation and ranking."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from apps.clusters.models import Domain
from apps.core.audit import audit_record
from apps.core.errors import AccessDenied, ServiceError, require
from apps.orgs.models import Assignment, Role, User

from .. import permissions
from ..models import (
    Campaign,
    ConflictDeclaration,
    ExpertDraw,
    ExpertProfile,
    ExpertScore,
    ReviewAssignment,
    ScoreStatus,
    Submission,
)
from ..models.experts import AssignmentMethod
from ..scoring import Rubric, get_rubric
from .notify import notify

TWO = Decimal("0.01")


def conflicts_of(expert: User, submission: Submission) -> list[str]:
    """Reasons the expert must stay away from this submission (empty list: no conflict)."""
    reasons: list[str] = []
    cluster = submission.cluster
    profile = ExpertProfile.objects.filter(user=expert).first()
    org = expert.organisation
    if profile is not None and profile.district_id is not None and profile.district_id == submission.district_id:
        reasons.append(f"专家所在区与申报集群同属“{submission.district.name}”")
    if cluster is not None:
        if org is not None and org.pk in (cluster.operator_id, cluster.district_id):
            reasons.append("专家所在单位即为申报集群的运营管理机构或主管部门")
        if profile is not None:
            declared = set(profile.affiliated_orgs.values_list("pk", flat=True))
            if cluster.operator_id in declared:
                reasons.append(f"专家申报的关联单位包含运营管理机构“{cluster.operator.name}”")
            if cluster.district_id in declared:
                reasons.append(f"专家申报的关联单位包含“{cluster.district.name}”")
        declared_conflict = ConflictDeclaration.objects.filter(expert=expert, cluster=cluster).first()
        if declared_conflict is not None:
            reasons.append(f"专家本人申报回避：{declared_conflict.reason}")
    return reasons


def expert_pool(campaign: Campaign) -> list[User]:
    """Active experts available for draws, in a stable order (by id)."""
    return list(
        User.objects.filter(
            is_active=True,
            role_grants__role=Role.EXPERT,
            expert_profile__is_available=True,
        )
        .select_related("organisation", "expert_profile")
        .distinct()
        .order_by("pk")
    )


def _check_reviewable(submission: Submission) -> None:
    if submission.state != "expert_review":
        raise ServiceError(
            f"“{submission}”当前环节为“{submission.state_label}”，不在专家评审阶段。", code="wrong_state"
        )


def _assign(actor: Any, submission: Submission, expert: User, method: str, draw: ExpertDraw | None) -> ReviewAssignment:
    reasons = conflicts_of(expert, submission)
    if reasons:
        raise ServiceError(f"专家“{expert}”须回避“{submission}”：{'；'.join(reasons)}。", code="conflict")
    if not expert.has_role(Role.EXPERT):
        raise ServiceError(f"“{expert}”不是评审专家。", field="expert")
    if ReviewAssignment.objects.filter(submission=submission, expert=expert).exists():
        raise ServiceError(f"专家“{expert}”已分配评审“{submission}”。", field="expert")
    ra = ReviewAssignment.objects.create(
        submission=submission, expert=expert, method=method, draw=draw, assigned_by=actor
    )
    Assignment.objects.update_or_create(
        user=expert,
        content_type=ContentType.objects.get_for_model(Submission),
        object_id=submission.pk,
        purpose=permissions.REVIEW_PURPOSE,
        defaults={"is_active": True},
    )
    if submission.subject_type_id is not None and submission.subject_id is not None:
        # The expert reads the application form itself (and its evidence) through the filings pages.
        Assignment.objects.update_or_create(
            user=expert,
            content_type_id=submission.subject_type_id,
            object_id=submission.subject_id,
            purpose=permissions.REVIEW_PURPOSE,
            defaults={"is_active": True},
        )
    audit_record(
        actor=actor,
        action="review.assign",
        action_label="分配评审专家" if method == AssignmentMethod.MANUAL else "随机抽取评审专家",
        obj=ra,
        subject=submission,
        changes={"专家": [None, str(expert)]},
    )
    notify(
        recipients=[expert],
        key=f"review_assignment:{ra.pk}",
        title=f"评审任务：{submission}"[:200],
        body=f"您被{'指定' if method == AssignmentMethod.MANUAL else '抽取'}为“{submission}”的评审专家，"
        "请登录平台评分。",
        url=reverse("workflow:review_score", args=[submission.pk]),
    )
    return ra


@transaction.atomic
def review_assign(*, actor: Any, submission: Submission, expert: User) -> ReviewAssignment:
    """人工指定: assign one expert by hand (conflicts refused)."""
    locked = Submission.objects.select_for_update(of=("self",)).get(pk=submission.pk)
    require(permissions.can_review_as_authority(actor, locked))
    _check_reviewable(locked)
    return _assign(actor, locked, expert, AssignmentMethod.MANUAL, None)


@dataclass(frozen=True)
class DrawPlan:
    assignments: dict[int, list[int]]  # submission id → expert ids
    problems: dict[int, str]  # submission id → why it could not be filled


def compute_draw(
    *,
    seed: str,
    submissions: list[dict[str, Any]],
    experts: list[dict[str, Any]],
    per_submission: int,
    domain_match: bool,
) -> DrawPlan:
    """Pure function of its inputs (so a stored draw can be replayed).

    submissions: [{id, domain, excluded: [expert ids in conflict], existing: [expert ids]}] in order;
    experts: [{id, specialties, load}] in order. Each submission gets experts with the lowest
    current load, ties broken by a seeded shuffle; domain-matched experts first when asked.
    """
    rng = random.Random(seed)  # noqa: S311 — reproducible draw, not a secret
    load = {e["id"]: int(e["load"]) for e in experts}
    order = [e["id"] for e in experts]
    rng.shuffle(order)
    position = {eid: i for i, eid in enumerate(order)}
    specialties = {e["id"]: set(e["specialties"]) for e in experts}
    plan: dict[int, list[int]] = {}
    problems: dict[int, str] = {}
    for sub in submissions:
        need = per_submission - len(sub["existing"])
        if need <= 0:
            plan[sub["id"]] = []
            continue
        candidates = [e for e in order if e not in set(sub["excluded"]) and e not in set(sub["existing"])]
        matched = [e for e in candidates if sub["domain"] in specialties[e]] if domain_match else candidates
        if len(matched) < need:
            label = dict(Domain.choices).get(sub["domain"], sub["domain"])
            problems[sub["id"]] = (
                f"符合条件（领域“{label}”、无回避关系）的专家只有 {len(matched)} 名，需要 {need} 名"
                if domain_match
                else f"无回避关系的专家只有 {len(matched)} 名，需要 {need} 名"
            )
            plan[sub["id"]] = []
            continue
        chosen = sorted(matched, key=lambda e: (load[e], position[e]))[:need]
        for e in chosen:
            load[e] += 1
        plan[sub["id"]] = chosen
    return DrawPlan(plan, problems)


def _draw_inputs(
    campaign: Campaign, submissions: list[Submission]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    pool = expert_pool(campaign)
    loads = dict(
        ReviewAssignment.objects.filter(submission__campaign=campaign)
        .values_list("expert_id")
        .annotate(n=Count("id"))
        .values_list("expert_id", "n")
    )
    experts = [{"id": e.pk, "specialties": list(e.specialties or []), "load": loads.get(e.pk, 0)} for e in pool]
    subs = []
    for s in submissions:
        existing = list(ReviewAssignment.objects.filter(submission=s).values_list("expert_id", flat=True))
        subs.append(
            {
                "id": s.pk,
                "domain": s.cluster.domain if s.cluster else "",
                "excluded": [e.pk for e in pool if conflicts_of(e, s)],
                "existing": existing,
            }
        )
    return subs, experts


@transaction.atomic
def expert_draw(
    *,
    actor: Any,
    campaign: Campaign,
    submissions: list[Submission],
    per_submission: int | None = None,
    domain_match: bool = True,
    seed: str | None = None,
    dry_run: bool = False,
) -> tuple[ExpertDraw | None, DrawPlan]:
    """专家随机抽取 for many submissions at once, all or nothing. With dry_run, only the plan."""
    require(permissions.can_manage_expert_review(actor, campaign))
    if not submissions:
        raise ServiceError("请至少选择一项申报。", field="submissions")
    locked = list(
        Submission.objects.select_for_update(of=("self",)).filter(pk__in=[s.pk for s in submissions]).order_by("pk")
    )
    for s in locked:
        if s.campaign_id != campaign.pk:
            raise ServiceError(f"“{s}”不属于本通知。")
        _check_reviewable(s)
    n = per_submission or campaign.experts_per_submission
    seed = seed or secrets.token_hex(8)
    subs, experts = _draw_inputs(campaign, locked)
    plan = compute_draw(seed=seed, submissions=subs, experts=experts, per_submission=n, domain_match=domain_match)
    if plan.problems and not dry_run:
        first = next(iter(plan.problems.items()))
        sub = next(s for s in locked if s.pk == first[0])
        raise ServiceError(f"“{sub}”：{first[1]}，本次抽取未执行（全部不变）。", code="draw")
    if dry_run:
        return None, plan
    params = {"per_submission": n, "domain_match": domain_match, "submissions": subs, "experts": experts}
    draw = ExpertDraw.objects.create(
        campaign=campaign,
        seed=seed,
        params=params,
        result={str(k): v for k, v in plan.assignments.items()},
        created_by=actor,
    )
    by_id = {s.pk: s for s in locked}
    users = {u.pk: u for u in User.objects.filter(pk__in=[e["id"] for e in experts])}
    for sid, expert_ids in plan.assignments.items():
        for eid in expert_ids:
            _assign(actor, by_id[sid], users[eid], AssignmentMethod.DRAW, draw)
    audit_record(
        actor=actor,
        action="review.draw",
        action_label="专家随机抽取",
        obj=draw,
        subject=campaign,
        changes={"随机种子": [None, seed], "结果": [None, draw.result]},
    )
    return draw, plan


def expert_draw_replay(draw: ExpertDraw) -> bool:
    """Recompute a stored draw from its seed and parameters; True if it gives the stored result."""
    p = draw.params
    plan = compute_draw(
        seed=draw.seed,
        submissions=p["submissions"],
        experts=p["experts"],
        per_submission=p["per_submission"],
        domain_match=p["domain_match"],
    )
    return {str(k): v for k, v in plan.assignments.items()} == draw.result


@transaction.atomic
def conflict_declare(*, actor: Any, cluster: Any, reason: str) -> ConflictDeclaration:
    """An expert declares a conflict; an existing assignment to that cluster is withdrawn."""
    if not actor.has_role(Role.EXPERT):
        raise AccessDenied("只有评审专家可以申报回避。")
    if not reason.strip():
        raise ServiceError("请说明回避原因。", field="reason")
    decl, _ = ConflictDeclaration.objects.update_or_create(
        expert=actor, cluster=cluster, defaults={"reason": reason.strip()}
    )
    ct = ContentType.objects.get_for_model(Submission)
    for ra in ReviewAssignment.objects.filter(expert=actor, submission__cluster=cluster).select_related("submission"):
        if hasattr(ra, "score") and ra.score.status == ScoreStatus.SUBMITTED:
            continue
        Assignment.objects.filter(
            user=actor, content_type=ct, object_id=ra.submission_id, purpose=permissions.REVIEW_PURPOSE
        ).update(is_active=False)
        sub = ra.submission
        if sub.subject_type_id is not None and sub.subject_id is not None:
            Assignment.objects.filter(
                user=actor,
                content_type_id=sub.subject_type_id,
                object_id=sub.subject_id,
                purpose=permissions.REVIEW_PURPOSE,
            ).update(is_active=False)
        ExpertScore.objects.filter(assignment=ra).delete()
        ra.delete()
    audit_record(
        actor=actor, action="review.conflict", action_label="专家申报回避", obj=decl, subject=cluster, note=reason
    )
    return decl


def _parse_items(rubric: Rubric, items: dict[str, Any], final: bool) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for it in rubric.items:
        raw = items.get(it.code)
        if raw in (None, ""):
            if final:
                raise ServiceError(f"请为“{it.label}”评分。", field=it.code)
            continue
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation as exc:
            raise ServiceError(f"“{it.label}”的得分应为数字。", field=it.code) from exc
        if value < 0 or value > it.max:
            raise ServiceError(f"“{it.label}”的得分应在 0 至 {it.max} 之间。", field=it.code)
        parsed[it.code] = str(value.quantize(TWO, ROUND_HALF_UP))
    unknown = set(items) - {i.code for i in rubric.items}
    if unknown:
        raise ServiceError(f"评分表中没有“{sorted(unknown)[0]}”一项。")
    return parsed


@transaction.atomic
def score_save(*, actor: Any, submission: Submission, items: dict[str, Any], comment: str, submit: bool) -> ExpertScore:
    """Save (暂存) or submit (提交) an expert's scores. Submitted scores are final."""
    locked = Submission.objects.select_for_update(of=("self",)).get(pk=submission.pk)
    require(permissions.can_score_submission(actor, locked))
    ra = ReviewAssignment.objects.get(submission=locked, expert=actor)
    reasons = conflicts_of(actor, locked)
    if reasons:
        raise ServiceError(f"您须回避该申报：{'；'.join(reasons)}。", code="conflict")
    campaign = locked.campaign
    rubric = get_rubric(campaign.scoring_rubric if campaign else "municipal_expert_review.v1")
    score, _ = ExpertScore.objects.select_for_update(of=("self",)).get_or_create(
        assignment=ra, defaults={"rubric": rubric.ref}
    )
    if score.status == ScoreStatus.SUBMITTED:
        raise ServiceError("您已提交评分，不能再修改。", code="wrong_state")
    parsed = _parse_items(rubric, items, final=submit)
    if submit and not comment.strip():
        raise ServiceError("请填写评审意见。", field="comment")
    score.items = parsed
    score.rubric = rubric.ref
    score.total = sum((Decimal(v) for v in parsed.values()), Decimal("0")).quantize(TWO) if parsed else None
    score.comment = comment.strip()
    if submit:
        score.status = ScoreStatus.SUBMITTED
        score.submitted_at = timezone.now()
    score.save()
    audit_record(
        actor=actor,
        action="review.score_submit" if submit else "review.score_save",
        action_label="提交专家评分" if submit else "暂存专家评分",
        obj=score,
        subject=locked,
        changes={"总分": [None, str(score.total) if score.total is not None else None]},
    )
    return score


def scores_visible_to(user: Any, submission: Submission) -> list[ExpertScore]:
    """Authorities see every submitted score; an expert sees others' only after submitting their own."""
    submitted = list(
        ExpertScore.objects.filter(assignment__submission=submission, status=ScoreStatus.SUBMITTED)
        .select_related("assignment__expert")
        .order_by("assignment_id")
    )
    if permissions.can_review_as_authority(user, submission)[0]:
        return submitted
    own = ExpertScore.objects.filter(assignment__submission=submission, assignment__expert=user).first()
    if own is not None and own.status == ScoreStatus.SUBMITTED:
        return submitted
    return [own] if own is not None else []


@dataclass(frozen=True)
class Aggregate:
    count: int
    expected: int
    mean: Decimal | None
    trimmed_mean: Decimal | None
    final: Decimal | None
    spread: Decimal | None
    disagreement: bool
    method: str


def aggregate_scores(submission: Submission, rubric: Rubric | None = None) -> Aggregate:
    """Mean of submitted totals; with at least `trim_min_count` scores, the mean without the highest
    and lowest (trimmed mean) is the final score. Disagreement: max − min above the threshold."""
    if rubric is None:
        campaign = submission.campaign
        rubric = get_rubric(campaign.scoring_rubric if campaign else "municipal_expert_review.v1")
    totals = sorted(
        t
        for t in ExpertScore.objects.filter(
            assignment__submission=submission, status=ScoreStatus.SUBMITTED, total__isnull=False
        ).values_list("total", flat=True)
        if t is not None
    )
    expected = ReviewAssignment.objects.filter(submission=submission).count()
    if not totals:
        return Aggregate(0, expected, None, None, None, None, False, "尚无评分")
    values = [Decimal(t) for t in totals]
    mean = (sum(values, Decimal("0")) / len(values)).quantize(TWO, ROUND_HALF_UP)
    trimmed = None
    if len(values) >= rubric.trim_min_count:
        inner = values[1:-1]
        trimmed = (sum(inner, Decimal("0")) / len(inner)).quantize(TWO, ROUND_HALF_UP)
    spread = values[-1] - values[0]
    method = (
        f"去掉一个最高分和一个最低分后的平均分（{len(values)} 名专家，≥ {rubric.trim_min_count} 名时适用）"
        if trimmed is not None
        else f"算术平均分（{len(values)} 名专家）"
    )
    return Aggregate(
        count=len(values),
        expected=expected,
        mean=mean,
        trimmed_mean=trimmed,
        final=trimmed if trimmed is not None else mean,
        spread=spread,
        disagreement=spread > rubric.disagreement_threshold,
        method=method,
    )


def ranking(campaign: Campaign, workflow_key: str = "municipal_application") -> list[tuple[Submission, Aggregate]]:
    """Submissions of a campaign with expert scores, best final score first (for the decision)."""
    subs = (
        Submission.objects.filter(campaign=campaign, workflow_key=workflow_key)
        .filter(Q(review_assignments__isnull=False))
        .distinct()
        .select_related("cluster", "district")
    )
    rubric = get_rubric(campaign.scoring_rubric)
    rows = [(s, aggregate_scores(s, rubric)) for s in subs]
    return sorted(rows, key=lambda r: (r[1].final is None, -(r[1].final or Decimal("0")), r[0].pk))
