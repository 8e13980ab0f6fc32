"""Access decisions of the review cycle: `can_<verb>_<entity>(user, obj) -> (ok, reason)`.

Visibility is the selectors' job (out of scope → 404). Here: which workflow role a user plays for
a submission (the YAML names roles such as "district" or "city"), and what they may do.
"""

from __future__ import annotations

from typing import Any

from apps.orgs.models import Assignment, OrgKind, Role

from .definitions import WORKFLOW_ROLES, Transition
from .models import Campaign, Submission

Decision = tuple[bool, str]
AUTHORITY_ROLES = (Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN)
REVIEW_PURPOSE = "expert_review"
EVALUATION_PURPOSE = "evaluation"


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _org(user: Any) -> Any:
    org = getattr(user, "organisation", None)
    return org if org is not None and org.is_active else None


def prime_assignments(user: Any, submissions: list[Submission]) -> None:
    """Read the user's active assignments to these submissions in one query, so that deciding
    roles over a list (to-dos, the API's list) does not ask once per row (`_assigned` reads it)."""
    from django.contrib.contenttypes.models import ContentType

    if not _active(user) or not submissions:
        return
    found: dict[int, set[str]] = {s.pk: set() for s in submissions}
    for object_id, purpose in Assignment.objects.filter(
        user=user,
        is_active=True,
        content_type=ContentType.objects.get_for_model(Submission),
        object_id__in=list(found),
    ).values_list("object_id", "purpose"):
        found[object_id].add(purpose)
    for s in submissions:
        s._assigned_purposes = (user.pk, found[s.pk])  # type: ignore[attr-defined]


def _assigned(user: Any, submission: Submission, purpose: str) -> bool:
    from django.contrib.contenttypes.models import ContentType

    primed = getattr(submission, "_assigned_purposes", None)
    if primed is not None and primed[0] == user.pk:
        return purpose in primed[1]
    return Assignment.objects.filter(
        user=user,
        is_active=True,
        purpose=purpose,
        content_type=ContentType.objects.get_for_model(Submission),
        object_id=submission.pk,
    ).exists()


def has_workflow_role(user: Any, role: str, submission: Submission) -> bool:
    """Does `user` act as `role` (a key of WORKFLOW_ROLES) for this submission?"""
    if not _active(user):
        return False
    org = _org(user)
    if org is None:
        return False
    district = submission.district
    if role == "operator":
        return bool(
            org.kind == OrgKind.OPERATOR
            and user.has_role(Role.OPERATOR_STAFF)
            and submission.cluster_id is not None
            and submission.cluster is not None
            and submission.cluster.operator_id == org.pk
        )
    if role in ("district", "county"):
        return org.kind == OrgKind.DISTRICT and user.has_role(Role.DISTRICT_REVIEWER) and district.is_within(org)
    if role == "city":
        return (
            org.kind in (OrgKind.PROVINCE, OrgKind.CITY) and user.has_role(*AUTHORITY_ROLES) and district.is_within(org)
        )
    if role == "province":
        return org.kind == OrgKind.PROVINCE and user.has_role(*AUTHORITY_ROLES) and district.is_within(org)
    if role == "ministry":
        return org.kind == OrgKind.MINISTRY and user.has_role(Role.MINISTRY_STAFF)
    if role == "expert":
        return user.has_role(Role.EXPERT) and _assigned(user, submission, REVIEW_PURPOSE)
    if role == "evaluator":
        return user.has_role(Role.EVALUATOR) and _assigned(user, submission, EVALUATION_PURPOSE)
    return False


def can_apply_transition(user: Any, submission: Submission, transition: Transition) -> Decision:
    if not has_workflow_role(user, transition.role, submission):
        return False, f"“{transition.label}”须由{WORKFLOW_ROLES[transition.role]}办理，您无权办理。"
    return True, ""


def is_authority_staff(user: Any) -> bool:
    org = _org(user)
    return bool(
        _active(user)
        and org is not None
        and org.kind in (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.MINISTRY)
        and user.has_role(*AUTHORITY_ROLES, Role.MINISTRY_STAFF)
    )


def can_manage_campaigns(user: Any) -> Decision:
    if not is_authority_staff(user):
        return False, "只有市/省级或部级主管部门工作人员可以发布工作通知。"
    return True, ""


def can_manage_campaign(user: Any, campaign: Campaign) -> Decision:
    ok, reason = can_manage_campaigns(user)
    if not ok:
        return ok, reason
    org = _org(user)
    if org is None or campaign.authority_id != org.pk:
        return False, "只有发文单位可以修改或发布该工作通知。"
    return True, ""


def can_review_as_authority(user: Any, submission: Submission) -> Decision:
    """Manage the expert review (assign, see all scores, objections) of a submission."""
    if has_workflow_role(user, "city", submission) or has_workflow_role(user, "province", submission):
        return True, ""
    return False, "只有市/省级主管部门工作人员可以组织专家评审和处理公示异议。"


def can_manage_expert_review(user: Any, campaign: Campaign) -> Decision:
    ok, _reason = can_manage_campaign(user, campaign)
    if not ok:
        return False, "只有发文单位的工作人员可以组织专家评审。"
    return True, ""


def can_score_submission(user: Any, submission: Submission) -> Decision:
    if not (_active(user) and user.has_role(Role.EXPERT)):
        return False, "只有评审专家可以评分。"
    if not _assigned(user, submission, REVIEW_PURPOSE):
        return False, "该申报未分配给您评审。"
    if submission.state != "expert_review":
        return False, f"当前环节为“{submission.state_label}”，不在专家评审阶段，不能评分。"
    return True, ""


def can_revoke_recognition(user: Any, cluster: Any) -> Decision:
    org = _org(user)
    if not (
        _active(user)
        and org is not None
        and org.kind in (OrgKind.PROVINCE, OrgKind.CITY)
        and user.has_role(*AUTHORITY_ROLES)
        and cluster.district.is_within(org)
    ):
        return False, "只有认定机关（市/省级主管部门）可以撤销集群认定。"
    return True, ""


def can_view_lists(user: Any) -> Decision:
    org = _org(user)
    if not (_active(user) and org is not None and org.is_authority):
        return False, "只有主管部门可以查看汇总表和名单。"
    return True, ""


def can_view_evaluation_result(user: Any, submission: Submission) -> Decision:
    """See the result of a service evaluation (服务评价): the aggregate score, the proposed grade and
    the evaluators' opinions. The pages and the API both ask this, so they cannot diverge.

    Before the city confirms the grade only the authorities (and the superuser) and an assigned
    evaluator who has submitted their own scores see it; the operator learns the grade when the
    city confirms it. Other workflows have nothing to hide here."""
    from .services.evaluation import CONFIRMED_STATE, evaluation_for, is_service_evaluation

    if not is_service_evaluation(submission):
        return True, ""
    if not _active(user):
        return False, "请先登录。"
    if submission.state == CONFIRMED_STATE or user.is_superuser:
        return True, ""
    org = _org(user)
    if org is not None and org.is_authority:
        return True, ""
    if user.has_role(Role.EVALUATOR) and _assigned(user, submission, EVALUATION_PURPOSE):
        evaluation = evaluation_for(submission)
        # Read through .all(): a list primed with prefetched submissions asks nothing per row.
        if evaluation is not None and any(s.evaluator_id == user.pk for s in evaluation.submissions.all()):
            return True, ""
        return False, "请先提交本人评分，提交后方可查看汇总得分和其他评价人员的意见。"
    return False, "第三方评价得分、建议等级和评价意见在市经济信息化委确认评价等级后公布。"


def can_view_evaluator_identities(user: Any, submission: Submission) -> Decision:
    """Which evaluator gave which total and opinion (服务评价): the authorities (and the superuser)
    see the evaluators by name; everybody else who may see the result at all
    (can_view_evaluation_result decides that) sees them as 评价人员一、二…"""
    if not _active(user):
        return False, "请先登录。"
    org = _org(user)
    if user.is_superuser or (org is not None and org.is_authority):
        return True, ""
    return False, "第三方评价人员的姓名不对外公布，评分以“评价人员一、二……”显示。"


def can_view_evaluation_panel(user: Any, submission: Submission) -> Decision:
    """The panel of evaluators of a service evaluation (服务评价: who is assigned, their progress,
    the link to the item-by-item scores): it names the evaluators, so whoever may see their
    identities (can_view_evaluator_identities: the authorities and the superuser) sees it."""
    allowed, _reason = can_view_evaluator_identities(user, submission)
    if not allowed:
        return False, "第三方评价人员名单及评分进度仅主管部门可以查看。"
    return True, ""
