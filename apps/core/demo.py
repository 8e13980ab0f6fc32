"""Demo data extension point (演示数据).

`python manage.py seed_demo` builds the base world (organisations, users, clusters — see
apps/core/demo_world.py) and then calls every registered seeder, in registration order, with the
DemoWorld. Apps add their own demo data in their AppConfig.ready():

    from apps.core.demo import register_seeder

    def seed_filings(world: DemoWorld) -> None:
        ...  # build through your services; mark rows is_demo where the model has the flag

    register_seeder(seed_filings, reset=delete_demo_filings)

A seeder must be idempotent (running seed_demo twice changes nothing the second time).
`reset` callables run (in reverse registration order) before the base world is deleted by
`seed_demo --reset`, so an app removes its rows that point at demo clusters first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEMO_PASSWORD = "Demo-Cluster-2025"  # noqa: S105 — printed by the command; demo only


@dataclass
class DemoLogin:
    username: str
    role: str
    organisation: str


@dataclass
class DemoWorld:
    """What the base world contains, by stable keys, for seeders to build on."""

    orgs: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    clusters: dict[str, Any] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


Seeder = Callable[[DemoWorld], None]
Resetter = Callable[[], None]
_seeders: list[tuple[Seeder, Resetter | None]] = []


def register_seeder(fn: Seeder, reset: Resetter | None = None) -> Seeder:
    if all(existing is not fn for existing, _ in _seeders):
        _seeders.append((fn, reset))
    return fn


def seeders() -> list[Seeder]:
    return [fn for fn, _ in _seeders]


def resetters() -> list[Resetter]:
    return [r for _, r in reversed(_seeders) if r is not None]
