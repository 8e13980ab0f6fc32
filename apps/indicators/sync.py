"""Sync the Indicator table from the catalogue file (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from apps.core.audit import audit_record

from .catalogue import Catalogue, load_catalogue
from .models import Indicator

FIELDS = ("name", "unit", "dimension", "decimals", "kind", "definition", "formula", "list_aggregate", "position")


@dataclass(frozen=True)
class SyncResult:
    created: int
    updated: int
    deactivated: int


def indicators_sync(*, actor: Any = None, catalogue: Catalogue | None = None) -> SyncResult:
    """Create/update one row per catalogue code; deactivate codes no longer in the file."""
    cat = catalogue or load_catalogue()
    created = updated = 0
    with transaction.atomic():
        existing = {i.code: i for i in Indicator.objects.all()}
        for ind in cat.indicators.values():
            wanted = {
                "name": ind.name,
                "unit": ind.unit,
                "dimension": cat.units[ind.unit].dimension,
                "decimals": ind.decimals,
                "kind": ind.kind,
                "definition": ind.definition,
                "formula": ind.formula[:300],
                "list_aggregate": ind.list_aggregate[:300],
                "position": ind.position,
            }
            row = existing.get(ind.code)
            if row is None:
                Indicator.objects.create(code=ind.code, catalogue_version=cat.version, is_active=True, **wanted)
                created += 1
                continue
            if (
                any(getattr(row, k) != v for k, v in wanted.items())
                or not row.is_active
                or (row.catalogue_version != cat.version)
            ):
                for k, v in wanted.items():
                    setattr(row, k, v)
                row.is_active = True
                row.catalogue_version = cat.version
                row.save()
                updated += 1
        gone = [code for code in existing if code not in cat.indicators and existing[code].is_active]
        deactivated = Indicator.objects.filter(code__in=gone).update(is_active=False)
        if created or updated or deactivated:
            audit_record(
                actor=actor,
                action="indicators.sync",
                action_label="同步指标目录",
                changes={"version": cat.version, "created": created, "updated": updated, "deactivated": deactivated},
            )
    return SyncResult(created, updated, deactivated)
