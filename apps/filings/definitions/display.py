"""Values as printed (打印/Word 文书中的显示文字): one place that turns a stored value into the text
the original form shows, shared by the Word/PDF renderer (apps.documents.forms.layout) and the
HTML print view (apps.filings.paper), so the two never disagree (国家级, not ``national``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from .types import NONE_MARK, Column


def plain(value: Any) -> str:
    """A scalar as text: blank for None, a Decimal with two places, a boolean as 是/否."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def cn_date_text(value: Any) -> str:
    """An ISO date as 2025年5月8日 (the explicit 无 and unparsable text are kept as they are)."""
    if not value:
        return ""
    if value == NONE_MARK:
        return NONE_MARK
    try:
        d = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{d.year}年{d.month}月{d.day}日"


def column_text(column: Column, value: Any) -> str:
    """A row-table cell as printed: a choice by its label (国家级, not the key), a date in Chinese."""
    if column.type == "choice":
        option = next((o for o in column.options if o.key == value), None)
        return option.label if option else plain(value)
    if column.type == "date":
        return cn_date_text(value)
    return plain(value)
