"""Template helpers for the filing pages: input names and values by the formdata scheme."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def iname(fv: Any, *parts: Any) -> str:
    """Input name `v:<key>:<part>:…` (see apps.filings.formdata)."""
    return ":".join([f"v:{fv.f.key}", *(str(p) for p in parts)])


@register.simple_tag
def ival(fv: Any, *parts: Any) -> Any:
    """The stored/typed value for the input `v:<key>:<part>:…` ("" when none)."""
    return fv.inputs.get(":".join([f"v:{fv.f.key}", *(str(p) for p in parts)]), "")


@register.simple_tag
def row_val(row: Any, key: str) -> Any:
    return row.get(key, "") if hasattr(row, "get") else ""


@register.filter
def checked_in(option_key: str, fv: Any) -> bool:
    return option_key in (fv.inputs.get(f"v:{fv.f.key}:checked") or [])


@register.filter
def slot_files(fv: Any, option_key: str = "") -> list[Any]:
    slot = f"{fv.f.key}:{option_key}" if option_key else fv.f.key
    return list(fv.evidence.get(slot, []))


@register.filter
def issue_anchor(issue: Any) -> str:
    return f"field-{issue.field}"


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def json_script_safe(value: Any) -> str:
    """JSON for a <script type="application/json"> block (escapes <, >, &)."""
    import json

    from django.utils.safestring import mark_safe

    text = json.dumps(value, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - escaped above for a script block


@register.filter
def print_value(fv: Any) -> str:
    """The value of a field as one reading for the print view."""
    from apps.filings.formdata import display

    return display(fv.f, getattr(fv, "raw", None))


@register.filter
def json_attr(value: Any) -> str:
    """JSON for an HTML attribute value (the template's autoescape quotes it)."""
    import json

    return json.dumps(value, ensure_ascii=False)


@register.filter
def cn_date(value: Any) -> str:
    """2025-05-08 → 2025年5月8日."""
    from apps.filings.paper import cn_date as to_cn

    return to_cn(value) if value else ""
