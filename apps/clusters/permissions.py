"""Access decisions for the cluster registry: `can_<verb>_<entity>(user, obj) -> (ok, reason)`.

Visibility (404) is decided by selectors.clusters_visible_to; these functions decide what a user
may do with a cluster they can see.
- city/province staff and admins edit clusters and recognitions in their jurisdiction;
- the operator files major changes (重大变动报备) for its own cluster only;
- the district confirms major changes of its own clusters.
"""

from __future__ import annotations

from typing import Any

from apps.orgs.models import Organisation, OrgKind, Role

from .models import Cluster, MajorChange, MajorChangeStatus

Decision = tuple[bool, str]
REGISTRY_EDITOR_ROLES = (Role.AUTHORITY_STAFF, Role.AUTHORITY_ADMIN, Role.SYSTEM_ADMIN)
REGISTRY_EDITOR_KINDS = frozenset({OrgKind.PROVINCE, OrgKind.CITY})


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _is_registry_editor_for(user: Any, district: Organisation) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    org = user.organisation
    return bool(
        org is not None
        and org.is_active
        and org.kind in REGISTRY_EDITOR_KINDS
        and user.has_role(*REGISTRY_EDITOR_ROLES)
        and district.is_within(org)
    )


def can_create_cluster(user: Any, district: Organisation | None = None) -> Decision:
    """district=None asks whether the user may create clusters anywhere (to show the button)."""
    if not _active(user):
        return False, "请先登录。"
    if user.is_superuser:
        return True, ""
    org = user.organisation
    if org is None or org.kind not in REGISTRY_EDITOR_KINDS or not user.has_role(*REGISTRY_EDITOR_ROLES):
        return False, "只有市/省主管部门工作人员可以登记集群。"
    if district is not None and not district.is_within(org):
        return False, "只能在本辖区的区县下登记集群。"
    return True, ""


def can_edit_cluster(user: Any, cluster: Cluster) -> Decision:
    if _is_registry_editor_for(user, cluster.district):
        return True, ""
    return False, "只有本辖区的市/省主管部门工作人员可以修改集群信息；运营管理机构如有重大变动请报备。"


def can_manage_recognition(user: Any, cluster: Cluster) -> Decision:
    if _is_registry_editor_for(user, cluster.district):
        return True, ""
    return False, "只有本辖区的市/省主管部门工作人员可以登记或变更认定记录。"


def can_report_major_change(user: Any, cluster: Cluster) -> Decision:
    if not _active(user):
        return False, "请先登录。"
    if not user.has_role(Role.OPERATOR_STAFF) or user.organisation_id != cluster.operator_id:
        return False, "只有该集群的运营管理机构可以报备重大变动。"
    return True, ""


def can_decide_major_change(user: Any, change: MajorChange) -> Decision:
    if not _active(user):
        return False, "请先登录。"
    if not user.has_role(Role.DISTRICT_REVIEWER) or user.organisation_id != change.cluster.district_id:
        return False, "只有集群所在区的主管部门可以确认重大变动。"
    if change.status != MajorChangeStatus.REPORTED:
        return False, f"该报备已处理（{change.get_status_display()}），不能重复确认。"
    return True, ""
