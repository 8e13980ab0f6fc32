"""Template helpers for the audit timeline (变更记录): field labels and before → after values."""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from apps.core.models import AuditEvent

register = template.Library()

# Keys recorded by services that are not model fields.
EXTRA_LABELS = {"roles": "角色", "status_reason": "原因"}


def _label(object_type: str, key: str) -> str:
    if key in EXTRA_LABELS:
        return EXTRA_LABELS[key]
    try:
        model = apps.get_model(object_type)
        field = model._meta.get_field(key)
        return str(getattr(field, "verbose_name", key))
    except (LookupError, ValueError, FieldDoesNotExist):
        return key


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


@register.filter
def change_rows(event: AuditEvent) -> list[tuple[str, str, str]]:
    """[(field label, before, after)] of one event, for the timeline."""
    rows = []
    for key, pair in (event.changes or {}).items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            rows.append((_label(event.object_type, key), _show(pair[0]), _show(pair[1])))
    return rows
