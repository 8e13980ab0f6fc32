"""Service-evaluation scoring (服务评价评分, 000 附件3): the rubric as data, aggregation across
evaluators (mean; trimmed mean without the highest and lowest with five or more evaluators),
grade bands and the cultivation-fund eligibility (“良好”及以上, 000 二)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

RUBRIC_DIR = Path(settings.BASE_DIR) / "data" / "rubrics"
TRIM_FROM = 5  # with this many evaluators or more, drop the highest and the lowest total
CENT = Decimal("0.01")


class RubricError(ValueError):
    pass


@dataclass(frozen=True)
class RubricItem:
    code: str
    title: str
    max: Decimal
    guidance: str
    section: str


@dataclass(frozen=True)
class RubricSection:
    code: str
    title: str
    max: Decimal
    items: tuple[RubricItem, ...]


@dataclass(frozen=True)
class Rubric:
    code: str
    title: str
    year: int
    sections: tuple[RubricSection, ...]
    default_bands: tuple[tuple[str, Decimal], ...]
    fund_min_label: str
    fund_basis: str
    item_points_note: str

    @property
    def max_total(self) -> Decimal:
        return sum((s.max for s in self.sections), Decimal(0))

    def items(self) -> list[RubricItem]:
        return [i for s in self.sections for i in s.items]

    def item(self, code: str) -> RubricItem:
        for i in self.items():
            if i.code == code:
                return i
        raise KeyError(code)


def build_rubric(data: dict[str, Any]) -> Rubric:
    sections = []
    codes: set[str] = set()
    for s in data["sections"]:
        items = tuple(
            RubricItem(str(i["code"]), str(i["title"]), Decimal(str(i["max"])), str(i.get("guidance", "")), s["code"])
            for i in s["items"]
        )
        smax = Decimal(str(s["max"]))
        total = sum((i.max for i in items), Decimal(0))
        if total != smax:
            raise RubricError(f"“{s['title']}”各评分项分值之和为 {total}，与该部分满分 {smax} 不一致")
        for i in items:
            if i.code in codes:
                raise RubricError(f"评分项编号重复：{i.code}")
            codes.add(i.code)
        sections.append(RubricSection(str(s["code"]), str(s["title"]), smax, items))
    bands = tuple((str(b["label"]), Decimal(str(b["min"]))) for b in data["grade_bands_default"])
    return Rubric(
        code=str(data["code"]),
        title=str(data["title"]),
        year=int(data["year"]),
        sections=tuple(sections),
        default_bands=bands,
        fund_min_label=str(data.get("fund_min_label", "良好")),
        fund_basis=str(data.get("fund_basis", "")),
        item_points_note=str(data.get("item_points_note", "")),
    )


@lru_cache(maxsize=8)
def rubrics() -> dict[str, Rubric]:
    out: dict[str, Rubric] = {}
    for path in sorted(RUBRIC_DIR.glob("*/*.yaml")):
        rubric = build_rubric(yaml.safe_load(path.read_text(encoding="utf-8")))
        out[rubric.code] = rubric
    return out


def get_rubric(code: str) -> Rubric:
    try:
        return rubrics()[code]
    except KeyError as exc:
        raise RubricError(f"评分细则“{code}”不存在") from exc


def _dropped(totals: list[Decimal]) -> tuple[int, int] | None:
    """Positions (in the given order) of the highest and the lowest total dropped before the mean —
    with at least TRIM_FROM totals; of equal highest the first, of equal lowest the last."""
    if len(totals) < TRIM_FROM:
        return None
    return totals.index(max(totals)), len(totals) - 1 - totals[::-1].index(min(totals))


def aggregate(totals: list[Decimal]) -> tuple[Decimal | None, str]:
    """Combine evaluators' totals: mean; with ≥ 5 evaluators drop one highest and one lowest first."""
    if not totals:
        return None, "尚无评分"
    dropped = _dropped(totals)
    if dropped is not None:
        high, low = dropped
        kept = [t for i, t in enumerate(totals) if i not in dropped]
        method = f"去掉一个最高分（{totals[high]}）和一个最低分（{totals[low]}）后取 {len(kept)} 位评价人员的平均分"
    else:
        kept = list(totals)
        method = f"{len(kept)} 位评价人员的平均分"
    mean = (sum(kept, Decimal(0)) / len(kept)).quantize(CENT, rounding=ROUND_HALF_UP)
    return mean, method


def trim_marks(totals: list[Decimal]) -> list[str]:
    """For each total (in the given order), what `aggregate` does with it: "去掉的最高分",
    "去掉的最低分" or "" (kept)."""
    marks = [""] * len(totals)
    dropped = _dropped(totals)
    if dropped is not None:
        marks[dropped[0]] = "去掉的最高分"
        marks[dropped[1]] = "去掉的最低分"
    return marks


def grade_for(score: Decimal, bands: list[tuple[str, Decimal]]) -> str:
    """The first band (ordered from high to low) whose minimum the score reaches."""
    for label, minimum in sorted(bands, key=lambda b: b[1], reverse=True):
        if score >= minimum:
            return label
    return bands[-1][0] if bands else ""


def may_apply_for_fund(grade: str, bands: list[tuple[str, Decimal]], min_label: str) -> bool:
    """True when `grade` is `min_label` or better (000 二: “良好”及以上可申报专项资金)."""
    ordered = [label for label, _ in sorted(bands, key=lambda b: b[1], reverse=True)]
    if grade not in ordered or min_label not in ordered:
        return False
    return ordered.index(grade) <= ordered.index(min_label)
