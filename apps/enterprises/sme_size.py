"""企业划型 by 《中小企业划型标准规定》（工信部联企业〔2011〕300号）.

The standard's rule, per industry: a firm under the first threshold is 中小微型; 大型、中型和
小型 must meet *every* lower bound of their row, otherwise the firm falls one step down
(“否则下划一档”); a firm that is SME but meets neither the medium nor the small row is micro.
Bounds are read as in the table of domain-notes §5: “X以上” includes X, “X以下” excludes X.

Metrics: 从业人员 (staff, 人), 营业收入 (revenue, 万元), 资产总额 (assets, 万元).
Pure functions, Decimal arithmetic, no Django. The table is the 2011 standard; a revised
standard would be a second table selected by its year, never an edit of this one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

STANDARD_NAME = "《中小企业划型标准规定》（工信部联企业〔2011〕300号）"


class Metric(enum.StrEnum):
    STAFF = "staff"
    REVENUE = "revenue"
    ASSETS = "assets"

    @property
    def label(self) -> str:
        return {"staff": "从业人员", "revenue": "营业收入", "assets": "资产总额"}[self.value]

    @property
    def unit(self) -> str:
        return "人" if self is Metric.STAFF else "万元"


class SizeClass(enum.StrEnum):
    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return SIZE_LABELS[self]

    @property
    def is_sme(self) -> bool:
        return self in (SizeClass.MEDIUM, SizeClass.SMALL, SizeClass.MICRO)


SIZE_LABELS = {
    SizeClass.LARGE: "大型",
    SizeClass.MEDIUM: "中型",
    SizeClass.SMALL: "小型",
    SizeClass.MICRO: "微型",
    SizeClass.UNKNOWN: "无法划型",
}


class Industry(enum.StrEnum):
    """The 16 industry categories of the 2011 standard (划型行业)."""

    AGRICULTURE = "agriculture"
    INDUSTRY = "industry"
    CONSTRUCTION = "construction"
    WHOLESALE = "wholesale"
    RETAIL = "retail"
    TRANSPORT = "transport"
    WAREHOUSING = "warehousing"
    POSTAL = "postal"
    ACCOMMODATION = "accommodation"
    CATERING = "catering"
    INFO_TRANSMISSION = "info_transmission"
    SOFTWARE_IT = "software_it"
    REAL_ESTATE = "real_estate"
    PROPERTY_MANAGEMENT = "property_management"
    LEASING_BUSINESS = "leasing_business"
    OTHER = "other"

    @property
    def label(self) -> str:
        return RULES[self].label


Bounds = tuple[tuple[Metric, int], ...]


@dataclass(frozen=True)
class IndustryRule:
    """One row of the standard. `sme` bounds are alternatives (SME if any metric is below its
    bound); `medium` and `small` bounds must all be met (value ≥ bound)."""

    label: str
    sme: Bounds
    medium: Bounds
    small: Bounds

    @property
    def metrics(self) -> tuple[Metric, ...]:
        seen: dict[Metric, None] = {}
        for m, _ in (*self.sme, *self.medium, *self.small):
            seen[m] = None
        return tuple(seen)


S, R, A = Metric.STAFF, Metric.REVENUE, Metric.ASSETS

RULES: dict[Industry, IndustryRule] = {
    Industry.AGRICULTURE: IndustryRule("农、林、牧、渔业", ((R, 20000),), ((R, 500),), ((R, 50),)),
    Industry.INDUSTRY: IndustryRule("工业", ((S, 1000), (R, 40000)), ((S, 300), (R, 2000)), ((S, 20), (R, 300))),
    Industry.CONSTRUCTION: IndustryRule(
        "建筑业", ((R, 80000), (A, 80000)), ((R, 6000), (A, 5000)), ((R, 300), (A, 300))
    ),
    Industry.WHOLESALE: IndustryRule("批发业", ((S, 200), (R, 40000)), ((S, 20), (R, 5000)), ((S, 5), (R, 1000))),
    Industry.RETAIL: IndustryRule("零售业", ((S, 300), (R, 20000)), ((S, 50), (R, 500)), ((S, 10), (R, 100))),
    Industry.TRANSPORT: IndustryRule("交通运输业", ((S, 1000), (R, 30000)), ((S, 300), (R, 3000)), ((S, 20), (R, 200))),
    Industry.WAREHOUSING: IndustryRule("仓储业", ((S, 200), (R, 30000)), ((S, 100), (R, 1000)), ((S, 20), (R, 100))),
    Industry.POSTAL: IndustryRule("邮政业", ((S, 1000), (R, 30000)), ((S, 300), (R, 2000)), ((S, 20), (R, 100))),
    Industry.ACCOMMODATION: IndustryRule("住宿业", ((S, 300), (R, 10000)), ((S, 100), (R, 2000)), ((S, 10), (R, 100))),
    Industry.CATERING: IndustryRule("餐饮业", ((S, 300), (R, 10000)), ((S, 100), (R, 2000)), ((S, 10), (R, 100))),
    Industry.INFO_TRANSMISSION: IndustryRule(
        "信息传输业", ((S, 2000), (R, 100000)), ((S, 100), (R, 1000)), ((S, 10), (R, 100))
    ),
    Industry.SOFTWARE_IT: IndustryRule(
        "软件和信息技术服务业", ((S, 300), (R, 10000)), ((S, 100), (R, 1000)), ((S, 10), (R, 50))
    ),
    Industry.REAL_ESTATE: IndustryRule(
        "房地产开发经营", ((R, 200000), (A, 10000)), ((R, 1000), (A, 5000)), ((R, 100), (A, 2000))
    ),
    Industry.PROPERTY_MANAGEMENT: IndustryRule(
        "物业管理", ((S, 1000), (R, 5000)), ((S, 300), (R, 1000)), ((S, 100), (R, 500))
    ),
    Industry.LEASING_BUSINESS: IndustryRule(
        "租赁和商务服务业", ((S, 300), (A, 120000)), ((S, 100), (A, 8000)), ((S, 10), (A, 100))
    ),
    Industry.OTHER: IndustryRule("其他未列明行业", ((S, 300),), ((S, 100),), ((S, 10),)),
}

INDUSTRY_BY_LABEL: dict[str, Industry] = {rule.label: ind for ind, rule in RULES.items()}


@dataclass(frozen=True)
class SizeResult:
    """划型结果: the class and a Chinese reason that cites the thresholds used."""

    size: SizeClass
    reason: str

    @property
    def is_sme(self) -> bool:
        return self.size.is_sme


def _fmt(value: Decimal | int) -> str:
    """A metric as the reason shows it: whole numbers without decimals (8000.00 → 8000), else as is."""
    if value.__class__ is int:
        return str(value)
    text = str(value)
    if len(text) > 3 and text[-3] == ".":  # 2 places, as the importer's amounts: 8000.00 → 8000
        return text[:-3] if text[-2:] == "00" else text
    if "E" in text or "e" in text:  # exponent notation (not produced by the importer's 2-place amounts)
        text = format(Decimal(value), "f")
    whole, dot, fraction = text.partition(".")
    return whole if dot and not fraction.strip("0") else text


def _bounds_text(bounds: Bounds, joiner: str, op: str) -> str:
    return joiner.join(f"{m.label}{op}{b}{m.unit}" for m, b in bounds)


_SLOT = {S: 0, R: 1, A: 2}
# (index into (staff, revenue, assets), bound): staff bounds as int, amounts as Decimal, so each
# comparison is between values of one type (the importer passes int staff and Decimal amounts).
Slots = tuple[tuple[int, int | Decimal], ...]


@dataclass(frozen=True)
class _Compiled:
    """One industry's row prepared once: bounds as plain tuples and every fixed text piece."""

    metrics: tuple[tuple[int, str, str], ...]  # (slot, label, unit) in the order the reason lists them
    slots: tuple[int, ...]  # the metrics' slots, same order
    sme: Slots
    medium: Slots
    small: Slots
    missing_prefix: str
    head: str  # "%s"-template of the reason's first sentence, one slot per metric
    large_tail: str
    medium_tail: str
    small_fall: str
    small_tail: str
    micro_fall_tail: str
    micro_tail: str


def _slots(bounds: Bounds) -> Slots:
    return tuple((_SLOT[m], b if m is S else Decimal(b)) for m, b in bounds)


def _compile(rule: IndustryRule) -> _Compiled:
    sme_text = _bounds_text(rule.sme, "或", "低于")
    medium_text = _bounds_text(rule.medium, "且", "≥")
    small_text = _bounds_text(rule.small, "且", "≥")
    micro_text = _bounds_text(rule.small, "或", "低于")
    used = "、".join(m.label for m in rule.metrics)
    return _Compiled(
        metrics=tuple((_SLOT[m], m.label, m.unit) for m in rule.metrics),
        slots=tuple(_SLOT[m] for m in rule.metrics),
        sme=_slots(rule.sme),
        medium=_slots(rule.medium),
        small=_slots(rule.small),
        missing_prefix=f"{rule.label}按{used}划型，缺少",
        head=f"按{STANDARD_NAME}，{rule.label}：" + "，".join(f"{m.label}%s{m.unit}" for m in rule.metrics) + "。",
        large_tail=f"不满足中小微型企业标准（{sme_text}），为大型企业。",
        medium_tail=f"属中小微型（{sme_text}），且{medium_text}，为中型企业。",
        small_fall="未同时达到中型标准（须" + medium_text + "），下划一档；",
        small_tail=f"满足{small_text}，为小型企业。",
        micro_fall_tail=(
            f"属中小微型，未同时达到中型（{medium_text}）或小型（{small_text}）标准，"
            f"下划一档为微型企业（{micro_text}）。"
        ),
        micro_tail=f"属中小微型，{micro_text}，为微型企业。",
    )


_COMPILED: dict[str, _Compiled] = {ind.value: _compile(rule) for ind, rule in RULES.items()}


def classify(
    industry: Industry | str,
    *,
    staff: int | Decimal | None,
    revenue: Decimal | int | None,
    assets: Decimal | int | None,
) -> SizeResult:
    """Size class for one firm-year, with a reason naming the bounds of its industry."""
    size, reason = classify_values(industry, staff, revenue, assets)
    return SizeResult(SizeClass(size), reason)


def classify_values(
    industry: Industry | str, staff: int | Decimal | None, revenue: Decimal | int | None, assets: Decimal | int | None
) -> tuple[str, str]:
    """`classify` as plain (size value, reason): what the importer calls once per row.

    The standard's rows are compiled once (`_COMPILED`), so this does only comparisons and one
    string formatting.
    """
    c = _COMPILED.get(industry) if isinstance(industry, str) else None
    if c is None:
        return UNKNOWN, "未填写或无法识别划型行业，无法划型。"
    given = (staff, revenue, assets)
    for slot in c.slots:
        v = given[slot]
        if v is None or v < 0:
            return UNKNOWN, _unusable(c, given)
    values: tuple[Decimal | int, ...] = given  # type: ignore[assignment]  # none is None (checked above)
    slots = c.slots
    if len(slots) == 2:  # most industries: two metrics
        head = c.head % (_fmt(values[slots[0]]), _fmt(values[slots[1]]))
    else:
        head = c.head % tuple([_fmt(values[slot]) for slot in slots])
    for slot, bound in c.sme:
        if values[slot] < bound:
            break
    else:
        return LARGE, head + c.large_tail
    met = 0
    for slot, bound in c.medium:
        if values[slot] >= bound:
            met += 1
    if met == len(c.medium):
        return MEDIUM, head + c.medium_tail
    partly_medium = met > 0 and len(c.medium) > 1
    met = 0
    for slot, bound in c.small:
        if values[slot] >= bound:
            met += 1
    if met == len(c.small):
        fall = c.small_fall if partly_medium else ""
        return SMALL, f"{head}属中小微型，{fall}{c.small_tail}"
    if partly_medium or (met > 0 and len(c.small) > 1):
        return MICRO, head + c.micro_fall_tail
    return MICRO, head + c.micro_tail


def classify_size(
    industry: str, staff: int | Decimal | None, revenue: Decimal | int | None, assets: Decimal | int | None
) -> str:
    """The size value alone, by the same comparisons as `classify_values` without building the
    reason (the importer classifies every row; a row's reason is built when it is shown)."""
    c = _COMPILED.get(industry)
    if c is None:
        return UNKNOWN
    given = (staff, revenue, assets)
    for slot in c.slots:
        v = given[slot]
        if v is None or v < 0:
            return UNKNOWN
    values: tuple[Decimal | int, ...] = given  # type: ignore[assignment]  # none is None (checked above)
    for slot, bound in c.sme:
        if values[slot] < bound:
            break
    else:
        return LARGE
    met = 0
    for slot, bound in c.medium:
        if values[slot] >= bound:
            met += 1
    if met == len(c.medium):
        return MEDIUM
    for slot, bound in c.small:
        if values[slot] < bound:
            return MICRO
    return SMALL


def _unusable(c: _Compiled, given: tuple[Decimal | int | None, ...]) -> str:
    """Why a firm with a missing or negative metric cannot be classified."""
    missing = "、".join(label for slot, label, _unit in c.metrics if given[slot] is None)
    if missing:
        return f"{c.missing_prefix}{missing}数据，无法划型。"
    negative = "、".join(label for slot, label, _unit in c.metrics if given[slot] < 0)  # type: ignore[operator]
    return f"{negative}为负数，无法划型。"


LARGE, MEDIUM, SMALL, MICRO, UNKNOWN = (c.value for c in SizeClass)
