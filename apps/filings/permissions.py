"""Access decisions for filings: `can_<verb>_<entity>(user, obj) -> (ok, reason)`.

Visibility is the selectors' job (out of scope → 404); these functions decide what a user who
sees a filing may do with it:
- operators (填报人员) of the cluster's operator edit drafts, and after a return only the
  re-opened fields; they upload evidence and submit;
- district/city/ministry authorities read their subtree; district reviewers and city staff
  may return or lock a submitted form (the review workflow drives this);
- experts and evaluators read only what is assigned to them.
"""

from __future__ import annotations

from typing import Any

from apps.orgs.models import OrgKind, Role

from .models import EDITABLE_STATUSES, Filing, FilingStatus

Decision = tuple[bool, str]
REVIEWER_ROLES = (Role.DISTRICT_REVIEWER, Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN, Role.MINISTRY_STAFF)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_operator_staff(user: Any) -> bool:
    org = getattr(user, "organisation", None)
    return bool(
        _active(user) and org is not None and org.kind == OrgKind.OPERATOR and user.has_role(Role.OPERATOR_STAFF)
    )


def _is_own_operator(user: Any, filing: Filing) -> bool:
    return is_operator_staff(user) and filing.cluster.operator_id == user.organisation_id


def _is_reviewer_over(user: Any, filing: Filing) -> bool:
    org = getattr(user, "organisation", None)
    if getattr(user, "is_superuser", False) and _active(user):
        return True
    return bool(
        _active(user)
        and org is not None
        and org.is_authority
        and user.has_role(*REVIEWER_ROLES)
        and filing.cluster.district.path.startswith(org.path)
    )


def can_create_filing(user: Any, cluster: Any) -> Decision:
    if not is_operator_staff(user):
        return False, "只有集群运营管理机构的填报人员可以新建填报。"
    if cluster.operator_id != user.organisation_id:
        return False, "只能为本机构运营的集群新建填报。"
    return True, ""


def can_view_filing(user: Any, filing: Filing) -> Decision:
    """Callers have already found the filing through filings_visible_to; this is the second check."""
    from .selectors import filings_visible_to

    if filings_visible_to(user).filter(pk=filing.pk).exists():
        return True, ""
    return False, "无权查看该填报表单。"


def can_edit_filing(user: Any, filing: Filing) -> Decision:
    if not _is_own_operator(user, filing):
        return False, "只有本集群运营管理机构的填报人员可以修改填报内容。"
    if filing.status not in EDITABLE_STATUSES:
        return False, f"表单当前状态为“{filing.get_status_display()}”，不能修改。"
    return True, ""


def editable_field_keys(user: Any, filing: Filing) -> frozenset[str] | None:
    """Which fields the user may change: None means every field; an empty set means none.

    After a return (退回修改) only the re-opened fields may change.
    """
    if not can_edit_filing(user, filing)[0]:
        return frozenset()
    if filing.status == FilingStatus.RETURNED:
        return frozenset(filing.reopened_fields)
    return None


def can_edit_field(user: Any, filing: Filing, field_key: str) -> Decision:
    ok, reason = can_edit_filing(user, filing)
    if not ok:
        return ok, reason
    keys = editable_field_keys(user, filing)
    if keys is not None and field_key not in keys:
        return False, "该栏目未被退回修改，不能更改。"
    return True, ""


def can_upload_evidence(user: Any, filing: Filing, field_key: str = "") -> Decision:
    if field_key:
        return can_edit_field(user, filing, field_key)
    return can_edit_filing(user, filing)


def can_delete_evidence(user: Any, evidence: Any) -> Decision:
    return can_edit_field(user, evidence.filing, evidence.field_key)


def can_submit_filing(user: Any, filing: Filing) -> Decision:
    if not _is_own_operator(user, filing):
        return False, "只有本集群运营管理机构的填报人员可以提交。"
    if filing.status not in EDITABLE_STATUSES:
        return False, f"表单当前状态为“{filing.get_status_display()}”，不能提交。"
    return True, ""


def can_return_filing(user: Any, filing: Filing) -> Decision:
    if not _is_reviewer_over(user, filing):
        return False, "只有本辖区主管部门的审核人员可以退回修改。"
    if filing.status != FilingStatus.SUBMITTED:
        return False, f"表单当前状态为“{filing.get_status_display()}”，只有已提交的表单可以退回。"
    return True, ""


def can_lock_filing(user: Any, filing: Filing) -> Decision:
    if not _is_reviewer_over(user, filing):
        return False, "只有本辖区主管部门的审核人员可以锁定表单。"
    if filing.status != FilingStatus.SUBMITTED:
        return False, f"表单当前状态为“{filing.get_status_display()}”，只有已提交的表单可以锁定。"
    return True, ""
