"""Expert-review rubrics as versioned data (评分细则): data/scoring/<key>.v<version>.yaml.

Maximums and the disagreement threshold are Decimal strings; a rubric error names the file and
the path inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings


class RubricError(ValueError):
    pass


@dataclass(frozen=True)
class RubricItem:
    code: str
    label: str
    max: Decimal
    guide: str


@dataclass(frozen=True)
class Rubric:
    key: str
    version: int
    title: str
    source: str
    items: tuple[RubricItem, ...]
    disagreement_threshold: Decimal
    trim_min_count: int

    @property
    def total_max(self) -> Decimal:
        return sum((i.max for i in self.items), Decimal("0"))

    @property
    def ref(self) -> str:
        return f"{self.key}.v{self.version}"


def _dec(value: Any, where: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise RubricError(f"{where}：应为数值。") from exc
    if d <= 0:
        raise RubricError(f"{where}：应大于 0。")
    return d


def parse_rubric(raw: Any, name: str) -> Rubric:
    if not isinstance(raw, dict):
        raise RubricError(f"{name}：文件内容应为映射。")
    for k in ("key", "version", "title", "items"):
        if k not in raw:
            raise RubricError(f"{name}: {k}：缺少必填项。")
    items: list[RubricItem] = []
    codes: set[str] = set()
    if not isinstance(raw["items"], list) or not raw["items"]:
        raise RubricError(f"{name}: items：至少需要一个评分项。")
    for i, it in enumerate(raw["items"]):
        where = f"{name}: items[{i}]"
        if not isinstance(it, dict) or not it.get("code") or not it.get("label"):
            raise RubricError(f"{where}：须有 code 和 label。")
        if it["code"] in codes:
            raise RubricError(f"{where}.code：评分项代码“{it['code']}”重复。")
        codes.add(it["code"])
        items.append(RubricItem(it["code"], it["label"], _dec(it.get("max"), f"{where}.max"), it.get("guide", "")))
    return Rubric(
        key=raw["key"],
        version=int(raw["version"]),
        title=raw["title"],
        source=raw.get("source", ""),
        items=tuple(items),
        disagreement_threshold=_dec(raw.get("disagreement_threshold", "20"), f"{name}: disagreement_threshold"),
        trim_min_count=int(raw.get("trim_min_count", 5)),
    )


def scoring_dir() -> Path:
    return Path(getattr(settings, "WORKFLOW_SCORING_DIR", settings.DATA_DIR / "scoring"))


@cache
def _load(directory: str, ref: str) -> Rubric:
    path = Path(directory) / f"{ref}.yaml"
    if not path.exists():
        raise RubricError(f"找不到评分细则“{ref}”。")
    return parse_rubric(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)


def get_rubric(ref: str) -> Rubric:
    """`ref` is "<key>.v<version>", e.g. "municipal_expert_review.v1"."""
    return _load(str(scoring_dir()), ref)


def available_rubrics() -> list[str]:
    return sorted(p.stem for p in scoring_dir().glob("*.yaml"))
