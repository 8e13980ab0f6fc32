"""Read-only view of the indicator catalogue (data/indicators/catalogue.yaml) for the engine:
names and units for explanations, and the set of valid codes rule sets may use."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings

CATALOGUE_PATH = Path(settings.BASE_DIR) / "data" / "indicators" / "catalogue.yaml"


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name: str
    unit: str
    decimals: int
    kind: str


@lru_cache(maxsize=1)
def indicators() -> dict[str, IndicatorInfo]:
    with CATALOGUE_PATH.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    out: dict[str, IndicatorInfo] = {}
    for row in data.get("indicators", []):
        out[row["code"]] = IndicatorInfo(
            code=row["code"],
            name=str(row.get("name", row["code"])),
            unit=str(row.get("unit", "")),
            decimals=int(row.get("decimals", 2)),
            kind=str(row.get("kind", "")),
        )
    return out


def name_of(code: str) -> str:
    info = indicators().get(code)
    return info.name if info else code


def unit_of(code: str) -> str:
    info = indicators().get(code)
    return info.unit if info else ""
