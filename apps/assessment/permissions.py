"""Access decisions for the assessment app: `can_<verb>_<entity>(user, obj) -> (ok, reason)`."""

from __future__ import annotations

from typing import Any

from apps.orgs.models import AUTHORITY_KINDS, OrgKind, Role

Decision = tuple[bool, str]
REVIEWER_ROLES = (Role.DISTRICT_REVIEWER, Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN, Role.MINISTRY_STAFF)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_view_rulesets(user: Any) -> Decision:
    """Rule sets are read by the authorities that apply them (district, city, province, ministry)."""
    if not _active(user):
        return False, "请先登录。"
    if user.is_superuser:
        return True, ""
    org = user.organisation
    if org is None or org.kind not in AUTHORITY_KINDS:
        return False, "规则集仅供各级主管部门查阅；集群的认定条件自查请在集群页面进入。"
    return True, ""


def can_edit_rulesets(user: Any) -> Decision:
    """City/province admins (and the ministry's admins) maintain rule sets of their own authority."""
    if not _active(user):
        return False, "请先登录。"
    if user.is_superuser:
        return True, ""
    org = user.organisation
    if org is None or org.kind not in (OrgKind.MINISTRY, OrgKind.PROVINCE, OrgKind.CITY):
        return False, "只有市/省主管部门管理员可以维护规则集。"
    if not user.has_role(Role.AUTHORITY_ADMIN, Role.SYSTEM_ADMIN):
        return False, "只有市/省主管部门管理员可以维护规则集。"
    return True, ""


def can_edit_stored_ruleset(user: Any, stored: Any) -> Decision:
    ok, reason = can_edit_rulesets(user)
    if not ok:
        return ok, reason
    if stored.is_published:
        return False, "规则集已发布，不可修改；如需调整请复制为新版本。"
    if not user.is_superuser and stored.authority_id != user.organisation_id:
        return False, "只能修改本单位的规则集。"
    return True, ""


def can_run_assessment(user: Any, cluster: Any) -> Decision:
    """Operators self-check their own clusters; reviewers assess clusters in their scope."""
    if not _active(user):
        return False, "请先登录。"
    if user.is_superuser or user.has_role(Role.OPERATOR_STAFF, *REVIEWER_ROLES):
        return True, ""
    return False, "当前角色不能发起评估。"


def can_judge_assessment(user: Any, record: Any) -> Decision:
    if not _active(user):
        return False, "请先登录。"
    if user.is_superuser or user.has_role(*REVIEWER_ROLES):
        return True, ""
    return False, "只有审核人员可以对需人工判断的条款作出判断。"


def is_assigned_evaluator(user: Any, evaluation: Any) -> bool:
    """The evaluation is assigned to the user (orgs.Assignment, purpose “service_evaluation”)."""
    from django.contrib.contenttypes.models import ContentType

    from apps.orgs.models import Assignment

    return Assignment.objects.filter(
        user=user,
        is_active=True,
        purpose="service_evaluation",
        content_type=ContentType.objects.get_for_model(evaluation),
        object_id=evaluation.pk,
    ).exists()


def can_score_evaluation(user: Any, evaluation: Any) -> Decision:
    if not _active(user):
        return False, "请先登录。"
    if not user.has_role(Role.EVALUATOR):
        return False, "只有第三方评价人员可以评分。"
    if not is_assigned_evaluator(user, evaluation):
        return False, "该评价未分配给您。"
    if evaluation.status != "open":
        return False, "该评价已汇总，不能再修改评分。"
    if evaluation.submissions.filter(evaluator=user).exists():
        return False, "您已提交本人评分，不能再修改。"
    return True, ""


def can_view_evaluation_summary(user: Any, evaluation: Any) -> Decision:
    """Authorities see the aggregate; an assigned evaluator sees the others' scores only after
    submitting their own; operators wait for the published result."""
    if not _active(user):
        return False, "请先登录。"
    if user.is_superuser:
        return True, ""
    org = user.organisation
    if org is not None and org.kind in AUTHORITY_KINDS:
        return True, ""
    if user.has_role(Role.EVALUATOR) and is_assigned_evaluator(user, evaluation):
        if evaluation.submissions.filter(evaluator=user).exists():
            return True, ""
        return False, "请先提交本人评分，提交后方可查看其他评价人员的评分和汇总结果。"
    return False, "服务评价的汇总结果由主管部门查看和公布。"


def can_set_grade_bands(user: Any, authority: Any) -> Decision:
    ok, _ = can_edit_rulesets(user)
    if not ok:
        return False, "只有市/省主管部门管理员可以设置评价等次。"
    if not user.is_superuser and authority.pk != user.organisation_id:
        return False, "只能设置本单位的评价等次。"
    return True, ""


def can_manage_evaluations(user: Any, cluster: Any = None) -> Decision:
    """City/province staff organise service evaluations of the clusters under them."""
    if not _active(user):
        return False, "请先登录。"
    if user.is_superuser:
        return True, ""
    org = user.organisation
    if org is None or org.kind not in (OrgKind.PROVINCE, OrgKind.CITY):
        return False, "服务评价由市/省主管部门组织。"
    if not user.has_role(Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN):
        return False, "服务评价由市/省主管部门组织。"
    if cluster is not None and not cluster.district.path.startswith(org.path):
        return False, "只能组织本辖区集群的服务评价。"
    return True, ""
