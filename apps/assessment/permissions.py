"""Access decisions for the assessment app: `can_<verb>_<entity>(user, obj) -> (ok, reason)`."""

from __future__ import annotations

from typing import Any

from apps.orgs.models import OrgKind, Role

Decision = tuple[bool, str]
REVIEWER_ROLES = (Role.DISTRICT_REVIEWER, Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN, Role.MINISTRY_STAFF)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


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


def can_score_evaluation(user: Any, evaluation: Any) -> Decision:
    if not _active(user):
        return False, "请先登录。"
    if not user.has_role(Role.EVALUATOR):
        return False, "只有第三方评价人员可以评分。"
    if evaluation.status != "open":
        return False, "该评价已汇总，不能再修改评分。"
    return True, ""


def can_set_grade_bands(user: Any, authority: Any) -> Decision:
    ok, _ = can_edit_rulesets(user)
    if not ok:
        return False, "只有市/省主管部门管理员可以设置评价等次。"
    if not user.is_superuser and authority.pk != user.organisation_id:
        return False, "只能设置本单位的评价等次。"
    return True, ""
