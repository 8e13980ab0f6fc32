"""“需要我处理的事项” on the home page. Apps register providers; the home page asks each.

A provider takes the user and returns a list of TodoItem. Later issues (workflow, annual
reports, evaluations) register theirs in their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    category: str
    deadline: datetime | None = None
    detail: str = ""

    @property
    def is_overdue(self) -> bool:
        """The deadline has passed (the home page says so instead of showing time left)."""
        from django.utils import timezone

        return self.deadline is not None and self.deadline < timezone.now()


TodoProvider = Callable[[Any], list[TodoItem]]
_providers: list[TodoProvider] = []


def register(provider: TodoProvider) -> TodoProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def todos_for(user: Any) -> list[TodoItem]:
    items: list[TodoItem] = []
    for provider in _providers:
        items.extend(provider(user))
    return sorted(items, key=lambda t: (t.deadline is None, t.deadline or datetime.max))
