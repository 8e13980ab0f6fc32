"""Writing and reading the audit trail. Every service function that changes state calls
`audit_record` inside its transaction, so the change and its record commit together."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from .middleware import current_ip
from .models import AuditEvent


def object_key(obj: models.Model) -> tuple[str, str]:
    """Stable (type, id) pair for any model instance, e.g. ("clusters.cluster", "12")."""
    return obj._meta.label_lower, str(obj.pk)


def _plain(value: Any) -> Any:
    """JSON-safe form of a field value; Decimal stays exact as a string (never float)."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Values of `fields` for a before/after comparison (FKs by their display string)."""
    out: dict[str, Any] = {}
    for name in fields:
        out[name] = _plain(getattr(obj, name))
    return out


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {k: [before.get(k), after.get(k)] for k in keys if _plain(before.get(k)) != _plain(after.get(k))}


def audit_record(
    *,
    actor: Any,
    action: str,
    action_label: str = "",
    obj: models.Model | None = None,
    subject: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    note: str = "",
    ip: str | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Record one event. `actor` may be None (system jobs, anonymous login failures)."""
    object_type = object_id = object_repr = ""
    if obj is not None:
        object_type, object_id = object_key(obj)
        object_repr = str(obj)[:300]
    subject_type, subject_id = object_key(subject) if subject is not None else (object_type, object_id)
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor_label or actor.get_full_name() or actor.get_username()
        actor_obj = actor
    else:
        label = actor_label or "系统"
        actor_obj = None
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_label=label[:200],
        ip=ip or current_ip(),
        action=action,
        action_label=action_label,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        subject_type=subject_type,
        subject_id=subject_id,
        changes=_plain(dict(changes or {})),
        note=note,
    )


def timeline_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """Events about `obj` itself or filed under it as subject, newest first."""
    t, i = object_key(obj)
    return AuditEvent.objects.filter(
        models.Q(object_type=t, object_id=i) | models.Q(subject_type=t, subject_id=i)
    ).select_related("actor")
