"""Who may do what with enterprise lists: `can_<verb>_<entity>(user, obj) -> (ok, reason)`.

Visibility (404) is decided by selectors.py; these decide actions on what the user can see.
"""

from __future__ import annotations

from typing import Any

from apps.clusters.models import Cluster
from apps.orgs.models import OrgKind, Role

from .models import EnterpriseImport, FirmYear

Decision = tuple[bool, str]
AUTHORITY_ROLES = (Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN, Role.MINISTRY_STAFF, Role.SYSTEM_ADMIN)
REVIEW_ROLES = (Role.DISTRICT_REVIEWER, *AUTHORITY_ROLES)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_view_enterprise_list(user: Any, cluster: Cluster) -> Decision:
    if not _active(user):
        return False, "请先登录。"
    return True, ""


def can_import_enterprise_list(user: Any, cluster: Cluster) -> Decision:
    """Only the cluster's own operator staff maintain its list (they fill the forms)."""
    if not _active(user):
        return False, "请先登录。"
    if user.is_superuser:
        return True, ""
    org = user.organisation
    if org is None or org.kind != OrgKind.OPERATOR or org.pk != cluster.operator_id:
        return False, "只有本集群的运营管理机构可以导入或修改企业清单。"
    if not user.has_role(Role.OPERATOR_STAFF):
        return False, "需要“集群运营管理机构填报人员”角色。"
    return True, ""


def can_commit_enterprise_import(user: Any, batch: EnterpriseImport) -> Decision:
    ok, reason = can_import_enterprise_list(user, batch.cluster)
    if not ok:
        return ok, reason
    if batch.status != "preview":
        return False, "该导入不是“待确认导入”状态，不能确认。"
    if batch.summary.get("error_count"):
        return False, "清单仍有错误，请修改后重新上传。"
    return True, ""


def can_override_firm_size(user: Any, firm_year: FirmYear) -> Decision:
    """The operator may correct a size with a note (e.g. a group subsidiary); reviewers see it."""
    return can_import_enterprise_list(user, firm_year.cluster)


def can_export_enterprise_list(user: Any, cluster: Cluster) -> Decision:
    return can_view_enterprise_list(user, cluster)


def can_view_city_enterprises(user: Any) -> Decision:
    """The city-wide list and the duplicate-listing page: authorities (district upward)."""
    if not _active(user):
        return False, "请先登录。"
    if user.is_superuser:
        return True, ""
    org = user.organisation
    if org is None or not org.is_authority or not user.has_role(*REVIEW_ROLES):
        return False, "只有区、市、省主管部门可以查看辖区企业库。"
    return True, ""
