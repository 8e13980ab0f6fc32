"""The starting value of a transition's data field (DataField.initial names a key of the
submission's data, e.g. 评价等级 starts at the proposed grade)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def data_initial(submission: Any, field: Any) -> str:
    key = getattr(field, "initial", "")
    if not key:
        return ""
    value = (submission.data or {}).get(key, "")
    return "" if value is None else str(value)
