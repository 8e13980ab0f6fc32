"""Template helpers for the audit timeline (变更记录): field labels and before → after values."""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from apps.core.models import AuditEvent

register = template.Library()

# Keys recorded by services that are not model fields.
EXTRA_LABELS = {"roles": "角色", "cluster_status": "集群状态"}
EXTRA_CHOICES = {"cluster_status": ("clusters.cluster", "status")}


def _field(types: tuple[str, ...], key: str) -> Any:
    """The model field named `key` on the changed object's model, else on its subject's model
    (a confirmed major change also records the cluster fields it changed)."""
    candidates = [EXTRA_CHOICES[key]] if key in EXTRA_CHOICES else [(t, key) for t in types if t]
    for model_label, name in candidates:
        try:
            return apps.get_model(model_label)._meta.get_field(name)
        except (LookupError, ValueError, FieldDoesNotExist):
            continue
    return None


def _label(object_type: tuple[str, ...], key: str) -> str:
    if key in EXTRA_LABELS:
        return EXTRA_LABELS[key]
    field = _field(object_type, key)
    return str(getattr(field, "verbose_name", key)) if field is not None else key


def _choice(object_type: tuple[str, ...], key: str, value: Any) -> Any:
    field = _field(object_type, key)
    choices = dict(getattr(field, "flatchoices", None) or [])
    return choices.get(value, value) if isinstance(value, str) else value


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
            t = (event.object_type, event.subject_type)
            rows.append((_label(t, key), _show(_choice(t, key, pair[0])), _show(_choice(t, key, pair[1]))))
    return rows
