"""Targets against actuals (目标完成情况).

An application sets a baseline and yearly targets; later annual reports bring the actuals.
`completion` compares them per indicator and year; `prefill_rereview_completion` fills the
完成值 column of the re-review form's target table (003 附件3 八、三、发展成效).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .catalogue import name_of, unit_of
from .dossier import Dossier

# Indicators where a lower value is better (intensities).
LOWER_IS_BETTER = frozenset({"co2_intensity", "energy_intensity"})
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Completion:
    code: str
    name: str
    unit: str
    year: int
    baseline: Decimal | None
    target: Decimal | None
    actual: Decimal | None
    completion_pct: Decimal | None  # share of the planned change achieved, in %
    status: str  # on_track / off_track / missing
    explanation: str

    @property
    def status_label(self) -> str:
        return {"on_track": "已完成", "off_track": "未完成", "missing": "缺少数据"}[self.status]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "unit": self.unit,
            "year": self.year,
            "baseline": None if self.baseline is None else str(self.baseline),
            "target": None if self.target is None else str(self.target),
            "actual": None if self.actual is None else str(self.actual),
            "completion_pct": None if self.completion_pct is None else str(self.completion_pct),
            "status": self.status,
            "status_label": self.status_label,
            "explanation": self.explanation,
        }


def _q(v: Decimal) -> Decimal:
    return v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def completion(plan: Dossier, actuals: Dossier) -> list[Completion]:
    """Per indicator and target year: target vs actual. `plan` holds the application's targets
    (and baseline); `actuals` the values reported later (annual reports or a re-review)."""
    baseline_year, _ = plan.target_years()
    out: list[Completion] = []
    for code in sorted(plan.targets):
        lower = code in LOWER_IS_BETTER
        base = plan.indicators.get(code, {}).get(baseline_year) if baseline_year else None
        if base is None and baseline_year is not None:
            base = plan.targets[code].get(baseline_year)
        for year in sorted(y for y in plan.targets[code] if baseline_year is None or y > baseline_year):
            target = plan.targets[code][year]
            actual = actuals.indicators.get(code, {}).get(year)
            name, unit = name_of(code), unit_of(code)
            if actual is None:
                out.append(
                    Completion(code, name, unit, year, base, target, None, None, "missing", f"缺少 {year} 年实际值。")
                )
                continue
            met = actual <= target if lower else actual >= target
            pct: Decimal | None = None
            # Share of the planned change achieved, when the plan moves the right way from the
            # baseline; otherwise (e.g. a growth-rate target below the baseline rate) actual ÷ target.
            planned_gain = base is not None and (target < base if lower else target > base)
            if planned_gain and base is not None:
                pct = _q((actual - base) / (target - base) * HUNDRED)
            elif target != 0:
                pct = _q(actual / target * HUNDRED)
            word = "不高于" if lower else "不低于"
            verdict = "达到" if met else "未达到"
            text = f"{year} 年目标 {target}{unit}，实际 {actual}{unit}，{verdict}目标（要求实际值{word}目标值）"
            if pct is not None and planned_gain:
                text += f"；完成计划增量的 {pct}%（(实际 − 基准) ÷ (目标 − 基准) × 100，基准 {base}{unit}）"
            elif pct is not None:
                text += f"；实际值为目标值的 {pct}%（实际 ÷ 目标 × 100）"
            out.append(
                Completion(
                    code, name, unit, year, base, target, actual, pct, "on_track" if met else "off_track", text + "。"
                )
            )
    return out


def prefill_rereview_completion(plan: Dossier, actuals: Dossier, year: int) -> list[dict[str, Any]]:
    """Rows of the re-review form's 发展成效 table (基准值 / 目标值 / 完成值) for `year`,
    with 完成值 taken from the actual data; rows without data are left blank and marked."""
    baseline_year, _ = plan.target_years()
    rows: list[dict[str, Any]] = []
    for code in sorted(plan.targets):
        target = plan.targets[code].get(year)
        if target is None:
            continue
        base = plan.indicators.get(code, {}).get(baseline_year) if baseline_year else None
        actual = actuals.indicators.get(code, {}).get(year)
        rows.append(
            {
                "code": code,
                "indicator": name_of(code),
                "unit": unit_of(code),
                f"baseline_{baseline_year}": None if base is None else str(base),
                f"target_{year}": str(target),
                f"actual_{year}": None if actual is None else str(actual),
                "actual_source": actuals.source_of(code) if actual is not None else "",
                "needs_input": actual is None,
            }
        )
    return rows


# Growth indicators derived from their series when not reported: code → (series, years between).
DERIVED_GROWTH = {"output_cagr": ("output_value", 2), "sme_rd_expense_cagr": ("sme_rd_expense", 2)}


def with_derived_growth(indicators: dict[str, dict[str, str]], sources: dict[str, str]) -> None:
    """Fill 年均增速 values (geometric, n = 2) a dossier does not report, from the series they are
    computed from, naming the formula as their source. Reported values are kept."""
    from .expressions import cagr_percent

    for code, (series_code, n) in DERIVED_GROWTH.items():
        series = indicators.get(series_code) or {}
        for year_text, last in series.items():
            first = series.get(str(int(year_text) - n))
            if first is None or year_text in (indicators.get(code) or {}):
                continue
            try:
                value = cagr_percent(Decimal(first), Decimal(last), n)
            except (ZeroDivisionError, ArithmeticError):
                continue
            indicators.setdefault(code, {})[year_text] = str(_q(value))
            sources.setdefault(
                code, f"按{name_of(series_code)}计算：((末年值 ÷ 首年值) ^ (1 ÷ {n}) − 1) × 100（几何平均）"
            )
