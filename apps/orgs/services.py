"""State changes for organisations and users. Each is one transaction with an audit record."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from apps.core.audit import audit_record, diff, snapshot
from apps.core.errors import ServiceError, require

from . import permissions
from .models import ALLOWED_PARENT_KINDS, Organisation, OrgKind, Role, User, UserRole

ORG_FIELDS = [
    "name",
    "short_name",
    "kind",
    "provincial_type",
    "region_name",
    "parent",
    "is_active",
    "contact_name",
    "contact_phone",
]
USER_FIELDS = ["username", "display_name", "email", "phone", "organisation", "is_active"]


def _check_tree(kind: str, parent: Organisation | None) -> None:
    allowed = ALLOWED_PARENT_KINDS.get(kind, frozenset())
    if parent is None and allowed:
        raise ServiceError("请选择上级组织机构。", field="parent")
    if parent is not None and parent.kind not in allowed:
        raise ServiceError(f"“{parent.name}”下不能设立“{OrgKind(kind).label}”。", field="parent")


@transaction.atomic
def organisation_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    parent: Organisation | None,
    short_name: str = "",
    provincial_type: str = "",
    region_name: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    is_demo: bool = False,
) -> Organisation:
    if actor is not None:
        require(permissions.can_create_organisation(actor, parent, kind))
    name = name.strip()
    if not name:
        raise ServiceError("请填写组织机构名称。", field="name")
    _check_tree(kind, parent)
    if kind == OrgKind.PROVINCE and not provincial_type:
        raise ServiceError("省级单位须选择类型（省、直辖市、计划单列市、兵团等）。", field="provincial_type")
    if Organisation.objects.filter(parent=parent, name=name).exists():
        raise ServiceError(f"同一上级下已有名为“{name}”的组织机构。", field="name")
    org = Organisation.objects.create(
        name=name,
        kind=kind,
        parent=parent,
        short_name=short_name,
        provincial_type=provincial_type,
        region_name=region_name,
        contact_name=contact_name,
        contact_phone=contact_phone,
        is_demo=is_demo,
    )
    audit_record(
        actor=actor,
        action="organisation.create",
        action_label="新建组织机构",
        obj=org,
        changes=diff({}, snapshot(org, ORG_FIELDS)),
    )
    return org


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **fields: Any) -> Organisation:
    require(permissions.can_manage_organisation(actor, organisation))
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(org, ORG_FIELDS)
    editable = {"name", "short_name", "region_name", "contact_name", "contact_phone", "provincial_type"}
    unknown = set(fields) - editable
    if unknown:
        raise ServiceError(f"不可修改的字段：{'、'.join(sorted(unknown))}")
    for key, value in fields.items():
        setattr(org, key, value.strip() if isinstance(value, str) else value)
    if not org.name:
        raise ServiceError("请填写组织机构名称。", field="name")
    org.save()
    changes = diff(before, snapshot(org, ORG_FIELDS))
    if changes:
        audit_record(actor=actor, action="organisation.update", action_label="修改组织机构", obj=org, changes=changes)
    return org


@transaction.atomic
def organisation_set_active(*, actor: Any, organisation: Organisation, active: bool, reason: str = "") -> Organisation:
    require(permissions.can_manage_organisation(actor, organisation))
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if org.is_active == active:
        return org
    if not active and not reason.strip():
        raise ServiceError("停用组织机构须填写原因。", field="reason")
    org.is_active = active
    org.save(update_fields=["is_active", "path"])
    audit_record(
        actor=actor,
        action="organisation.activate" if active else "organisation.deactivate",
        action_label="启用组织机构" if active else "停用组织机构",
        obj=org,
        changes={"is_active": [not active, active]},
        note=reason,
    )
    return org


def _validate_new_password(password: str, user: User, field: str = "password") -> None:
    """Django's validators with their zh-hans messages, also outside a request (commands, API)."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError("；".join(str(m) for m in exc.messages), field=field) from exc


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    organisation: Organisation,
    roles: set[str],
    password: str | None = None,
    display_name: str = "",
    email: str = "",
    phone: str = "",
    specialties: list[str] | None = None,
    must_change_password: bool = True,
) -> tuple[User, str]:
    """Create a user. Returns the user and the initial password (generated when not given),
    which the admin hands over once; it must be changed at first login."""
    if actor is not None:
        require(permissions.can_create_user(actor, organisation))
        require(permissions.can_grant_roles(actor, organisation, roles))
    username = username.strip()
    if not username:
        raise ServiceError("请填写登录名。", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(f"登录名“{username}”已被使用。", field="username")
    if not roles:
        raise ServiceError("请至少选择一个角色。", field="roles")
    user = User(
        username=username,
        organisation=organisation,
        display_name=display_name,
        email=email,
        phone=phone,
        specialties=specialties or [],
        must_change_password=must_change_password,
    )
    initial = password or _generate_password()
    _validate_new_password(initial, user)
    user.set_password(initial)
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(roles)])
    audit_record(
        actor=actor,
        action="user.create",
        action_label="新建用户",
        obj=user,
        subject=organisation,
        changes={**diff({}, snapshot(user, USER_FIELDS)), "roles": [[], sorted(roles)]},
    )
    return user, initial


def _generate_password() -> str:
    # 14 characters from letters and digits, always with both: passes every validator.
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(14))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


@transaction.atomic
def user_set_roles(*, actor: Any, user: User, roles: set[str]) -> User:
    require(permissions.can_manage_user(actor, user))
    assert user.organisation is not None
    require(permissions.can_grant_roles(actor, user.organisation, roles))
    if not roles:
        raise ServiceError("请至少选择一个角色。", field="roles")
    before = sorted(UserRole.objects.filter(user=user).values_list("role", flat=True))
    UserRole.objects.filter(user=user).exclude(role__in=roles).delete()
    for r in roles - set(before):
        UserRole.objects.create(user=user, role=r)
    user.__dict__.pop("_role_codes", None)
    after = sorted(roles)
    if before != after:
        audit_record(
            actor=actor,
            action="user.roles",
            action_label="修改用户角色",
            obj=user,
            subject=user.organisation,
            changes={"roles": [[Role(r).label for r in before], [Role(r).label for r in after]]},
        )
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool, reason: str = "") -> User:
    require(permissions.can_manage_user(actor, user))
    if not active and not reason.strip():
        raise ServiceError("停用账号须填写原因。", field="reason")
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active == active:
        return locked
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        action_label="启用账号" if active else "停用账号",
        obj=locked,
        subject=locked.organisation,
        changes={"is_active": [not active, active]},
        note=reason,
    )
    return locked


@transaction.atomic
def user_reset_password(*, actor: Any, user: User) -> str:
    """Set a new random password that must be changed at next login; returns it once."""
    require(permissions.can_manage_user(actor, user))
    locked = User.objects.select_for_update().get(pk=user.pk)
    new = _generate_password()
    locked.set_password(new)
    locked.must_change_password = True
    locked.save(update_fields=["password", "must_change_password"])
    audit_record(
        actor=actor,
        action="user.reset_password",
        action_label="重置密码",
        obj=locked,
        subject=locked.organisation,
    )
    return new


@transaction.atomic
def user_change_own_password(*, actor: User, old_password: str, new_password: str) -> None:
    if not actor.check_password(old_password):
        raise ServiceError("原密码不正确。", field="old_password")
    if old_password == new_password:
        raise ServiceError("新密码不能与原密码相同。", field="new_password")
    _validate_new_password(new_password, actor, field="new_password")
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    audit_record(actor=actor, action="user.change_password", action_label="修改密码", obj=actor)


def roles_for_kind(kind: str) -> list[tuple[str, str]]:
    from .models import ROLES_BY_ORG_KIND

    allowed = ROLES_BY_ORG_KIND.get(kind, frozenset())
    return [(r.value, r.label) for r in Role if r.value in allowed]
