"""Access decisions for organisations and users: `can_<verb>_<entity>(user, obj) -> (ok, reason)`.

The reason is shown to the user in Chinese when the answer is no. Visibility (404) is the
selectors' job; these functions decide what a user may *do* with an object they can see.
"""

from __future__ import annotations

from typing import Any

from .models import ALLOWED_PARENT_KINDS, ROLES_BY_ORG_KIND, Organisation, Role, User

Decision = tuple[bool, str]
ADMIN_ROLES = (Role.AUTHORITY_ADMIN, Role.SYSTEM_ADMIN)


def _is_jurisdiction_admin(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.organisation is not None
        and user.organisation.is_authority
        and user.has_role(*ADMIN_ROLES)
    )


def can_administer(user: Any) -> Decision:
    """Open the jurisdiction admin pages (组织与用户管理) at all."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True, ""
    if not _is_jurisdiction_admin(user):
        return False, "只有市/省主管部门管理员可以管理本辖区的组织机构和用户。"
    return True, ""


def can_create_organisation(user: Any, parent: Organisation | None, kind: str) -> Decision:
    if user.is_superuser:
        return True, ""
    if not _is_jurisdiction_admin(user):
        return False, "只有市/省主管部门管理员可以新建组织机构。"
    if parent is None or not parent.is_within(user.organisation):
        return False, "只能在本辖区内新建组织机构。"
    if parent.kind not in ALLOWED_PARENT_KINDS.get(kind, frozenset()):
        return False, f"“{parent.name}”下不能设立该类型的组织机构。"
    return True, ""


def can_manage_organisation(user: Any, org: Organisation) -> Decision:
    """Edit or deactivate `org`: only organisations strictly below the admin's own."""
    if user.is_superuser:
        return True, ""
    if not _is_jurisdiction_admin(user):
        return False, "只有市/省主管部门管理员可以管理组织机构。"
    if org.pk == user.organisation_id:
        return False, "不能修改本单位自身的信息，请联系上级主管部门。"
    if not org.is_within(user.organisation):
        return False, "不能修改上级或辖区外的组织机构。"
    return True, ""


def can_manage_user(user: Any, target: User) -> Decision:
    """Create, deactivate, reset password or change roles of `target`."""
    if user.is_superuser:
        return True, ""
    if not _is_jurisdiction_admin(user):
        return False, "只有市/省主管部门管理员可以管理用户。"
    if target.pk == user.pk:
        return False, "不能修改自己的账号状态或角色。"
    if target.organisation is None or not target.organisation.is_within(user.organisation):
        return False, "只能管理本辖区内的用户。"
    return True, ""


def can_create_user(user: Any, org: Organisation) -> Decision:
    if user.is_superuser:
        return True, ""
    if not _is_jurisdiction_admin(user):
        return False, "只有市/省主管部门管理员可以新建用户。"
    if not org.is_within(user.organisation):
        return False, "只能在本辖区内新建用户。"
    return True, ""


def can_grant_roles(user: Any, org: Organisation, roles: set[str]) -> Decision:
    allowed = ROLES_BY_ORG_KIND.get(org.kind, frozenset())
    bad = sorted(r for r in roles if r not in allowed)
    if bad:
        names = "、".join(Role(r).label for r in bad)
        return False, f"“{org.get_kind_display()}”类型的组织不能授予角色：{names}。"
    if Role.SYSTEM_ADMIN in roles and not (user.is_superuser or user.has_role(Role.SYSTEM_ADMIN)):
        return False, "只有系统管理员可以授予系统管理员角色。"
    return True, ""
