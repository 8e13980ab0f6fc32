"""The one place that decides what a user may see (数据范围).

Every view and API endpoint gets its querysets through these functions (or through an app's
selectors built on `scope_queryset`). Objects outside the scope are simply not in the queryset,
so `get_object_or_404` answers 404 — never 403, never a partial page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AUTHORITY_KINDS, Assignment, Organisation, OrgKind, User

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """What part of the world a user sees."""

    everything: bool = False
    subtree_path: str | None = None  # authorities: their organisation's subtree
    operator_id: int | None = None  # cluster operators: their own clusters only
    assigned_only: bool = False  # experts, evaluators: only what is assigned
    nothing: bool = False


def scope_for(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(nothing=True)
    if user.is_superuser:
        return Scope(everything=True)
    org: Organisation | None = user.organisation
    if org is None or not org.is_active:
        return Scope(nothing=True)
    if org.kind in AUTHORITY_KINDS:
        return Scope(subtree_path=org.path)
    if org.kind == OrgKind.OPERATOR:
        return Scope(operator_id=org.pk)
    return Scope(assigned_only=True)


def assigned_ids(user: User, model: type[models.Model], purpose: str | None = None) -> models.QuerySet:
    qs = Assignment.objects.filter(user=user, is_active=True, content_type=ContentType.objects.get_for_model(model))
    if purpose:
        qs = qs.filter(purpose=purpose)
    return qs.values("object_id")


def scope_queryset(
    qs: models.QuerySet[M],
    user: Any,
    *,
    org_path_field: str,
    operator_field: str | None = None,
    assignable: bool = False,
) -> models.QuerySet[M]:
    """Filter `qs` to what `user` may see.

    org_path_field: lookup to the path of the organisation that owns the row in the tree
        (e.g. "district__path" for clusters, "cluster__district__path" for filings).
    operator_field: lookup to the operator organisation id (None: operators see nothing).
    assignable: rows can be assigned to experts/evaluators through Assignment.
    """
    scope = scope_for(user)
    if scope.nothing:
        return qs.none()
    if scope.everything:
        return qs
    if scope.subtree_path is not None:
        return qs.filter(**{f"{org_path_field}__startswith": scope.subtree_path})
    if scope.operator_id is not None:
        if operator_field is None:
            return qs.none()
        return qs.filter(**{operator_field: scope.operator_id})
    if scope.assigned_only and assignable:
        return qs.filter(pk__in=assigned_ids(user, qs.model))
    return qs.none()


def organisations_visible_to(user: Any) -> models.QuerySet[Organisation]:
    """Authorities see their subtree; everybody else sees only their own organisation."""
    scope = scope_for(user)
    qs = Organisation.objects.all()
    if scope.nothing:
        return qs.none()
    if scope.everything:
        return qs
    if scope.subtree_path is not None:
        return qs.filter(path__startswith=scope.subtree_path)
    return qs.filter(pk=user.organisation_id)


def users_visible_to(user: Any) -> models.QuerySet[User]:
    scope = scope_for(user)
    qs = User.objects.select_related("organisation").prefetch_related("role_grants")
    if scope.nothing:
        return qs.none()
    if scope.everything:
        return qs
    if scope.subtree_path is not None:
        return qs.filter(organisation__path__startswith=scope.subtree_path)
    return qs.filter(pk=user.pk)


def districts_visible_to(user: Any) -> models.QuerySet[Organisation]:
    return organisations_visible_to(user).filter(kind=OrgKind.DISTRICT)


def organisations_administered_by(user: Any) -> models.QuerySet[Organisation]:
    """What the jurisdiction admin pages show: the admin's own subtree; nothing for anyone else.

    The admin's own organisation is listed (to add children and users under it) but editing it
    is refused by permissions.can_manage_organisation.
    """
    from .permissions import can_administer

    if not can_administer(user)[0]:
        return Organisation.objects.none()
    return organisations_visible_to(user)


def users_administered_by(user: Any) -> models.QuerySet[User]:
    from .permissions import can_administer

    if not can_administer(user)[0]:
        return User.objects.none()
    return users_visible_to(user)
