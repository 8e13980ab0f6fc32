"""指标目录 (indicator catalogue) loader and unit conversion — pure Python, no database.

The catalogue lives in `data/indicators/catalogue.yaml`: one stable code per quantitative item
across every form. Forms may ask for the same item in another unit of the same dimension
(亿元 here, 万元 there); `convert()` turns a Decimal from one unit into another exactly.
`load_catalogue()` validates the file (unique codes, known units, known kinds, whole-number
decimals) and raises `CatalogueError` with Chinese messages naming the entry at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

KINDS = {"stock": "存量（期末数）", "flow": "流量（年度发生额）", "ratio": "比率", "count": "计数（期末个数）"}


class CatalogueError(ValueError):
    """The catalogue file is invalid; `problems` lists every problem found (Chinese)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Unit:
    """计量单位: `factor_to_base` converts a value in this unit to the dimension's base unit."""

    name: str
    dimension: str
    factor_to_base: Decimal


@dataclass(frozen=True)
class IndicatorDef:
    """One catalogue entry (指标)."""

    code: str
    name: str
    unit: str
    decimals: int
    kind: str
    definition: str = ""
    formula: str = ""
    list_aggregate: str = ""
    position: int = 0


@dataclass(frozen=True)
class Catalogue:
    version: int
    units: dict[str, Unit]
    indicators: dict[str, IndicatorDef] = field(default_factory=dict)

    def get(self, code: str) -> IndicatorDef | None:
        return self.indicators.get(code)

    def convertible(self, from_unit: str, to_unit: str) -> bool:
        a, b = self.units.get(from_unit), self.units.get(to_unit)
        return a is not None and b is not None and a.dimension == b.dimension

    def convert(self, value: Decimal, from_unit: str, to_unit: str) -> Decimal:
        """Convert `value` from `from_unit` to `to_unit` (same dimension), exactly in Decimal."""
        if from_unit == to_unit:
            return value
        a, b = self.units.get(from_unit), self.units.get(to_unit)
        if a is None or b is None:
            missing = from_unit if a is None else to_unit
            raise CatalogueError([f"未知计量单位“{missing}”"])
        if a.dimension != b.dimension:
            raise CatalogueError([f"“{from_unit}”与“{to_unit}”不是同一量纲，不能换算"])
        result = value * a.factor_to_base / b.factor_to_base
        # Drop trailing zeros introduced by the factors but keep integers readable.
        normalised = result.normalize()
        return normalised.quantize(Decimal(1)) if normalised == normalised.to_integral() else normalised


def catalogue_path() -> Path:
    return Path(
        getattr(settings, "INDICATOR_CATALOGUE_PATH", Path(settings.BASE_DIR) / "data/indicators/catalogue.yaml")
    )


def parse_catalogue(raw: Any) -> Catalogue:
    """Build and validate a catalogue from the loaded YAML mapping."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise CatalogueError(["指标目录文件必须是一个映射（version、units、indicators）"])
    version = raw.get("version")
    if not isinstance(version, int):
        problems.append("version 必须是整数")
        version = 0
    units: dict[str, Unit] = {}
    for name, spec in (raw.get("units") or {}).items():
        if not isinstance(spec, dict) or "dimension" not in spec or "factor_to_base" not in spec:
            problems.append(f"计量单位“{name}”须有 dimension 与 factor_to_base")
            continue
        try:
            factor = Decimal(str(spec["factor_to_base"]))
        except InvalidOperation:
            problems.append(f"计量单位“{name}”的换算系数“{spec['factor_to_base']}”不是数字")
            continue
        if factor <= 0:
            problems.append(f"计量单位“{name}”的换算系数必须大于0")
            continue
        units[str(name)] = Unit(str(name), str(spec["dimension"]), factor)
    indicators: dict[str, IndicatorDef] = {}
    for pos, entry in enumerate(raw.get("indicators") or []):
        where = f"indicators[{pos}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}：必须是映射")
            continue
        code = entry.get("code")
        if not isinstance(code, str) or not code:
            problems.append(f"{where}：缺少指标代码 code")
            continue
        where = f"{where}（{code}）"
        if code in indicators:
            problems.append(f"{where}：指标代码重复")
            continue
        unit = entry.get("unit")
        if unit not in units:
            problems.append(f"{where}：未知计量单位“{unit}”")
        kind = entry.get("kind")
        if kind not in KINDS:
            problems.append(f"{where}：未知指标类型“{kind}”（可选 {'、'.join(KINDS)}）")
        decimals = entry.get("decimals")
        if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
            problems.append(f"{where}：小数位数 decimals 必须是0–6的整数")
            decimals = 2
        if not entry.get("name"):
            problems.append(f"{where}：缺少中文名称 name")
        unknown = set(entry) - {"code", "name", "unit", "decimals", "kind", "definition", "formula", "list_aggregate"}
        if unknown:
            problems.append(f"{where}：未知属性 {'、'.join(sorted(unknown))}")
        indicators[code] = IndicatorDef(
            code=code,
            name=str(entry.get("name") or ""),
            unit=str(unit),
            decimals=decimals,
            kind=str(kind),
            definition=str(entry.get("definition") or ""),
            formula=str(entry.get("formula") or ""),
            list_aggregate=str(entry.get("list_aggregate") or ""),
            position=pos,
        )
    if problems:
        raise CatalogueError(problems)
    return Catalogue(version=version, units=units, indicators=indicators)


def read_catalogue(path: Path) -> Catalogue:
    with path.open(encoding="utf-8") as fh:
        return parse_catalogue(yaml.safe_load(fh))


@lru_cache(maxsize=4)
def _cached(path_str: str, mtime_ns: int) -> Catalogue:
    return read_catalogue(Path(path_str))


def load_catalogue() -> Catalogue:
    """The validated catalogue from disk (cached until the file changes)."""
    path = catalogue_path()
    return _cached(str(path), path.stat().st_mtime_ns)
