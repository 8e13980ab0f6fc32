"""Property tests: growth equals the closed-form geometric formula; missing data never passes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.assessment.engine import MISSING, PASS, Engine
from apps.assessment.expressions import cagr_percent
from apps.assessment.rulesets import get_ruleset
from tests.factories_assessment import BASE_DOSSIER, dossier

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)


@given(first=amounts, last=amounts, n=st.integers(min_value=1, max_value=6))
def test_growth_rate_equals_closed_form_geometric_mean(first: Decimal, last: Decimal, n: int) -> None:
    got = cagr_percent(first, last, n)
    expected = ((float(last) / float(first)) ** (1 / n) - 1) * 100
    assert abs(float(got) - expected) <= 1e-9 * max(1.0, abs(expected))
    # and compounding the rate back gives the last value
    back = first * (1 + got / 100) ** n
    assert abs(back - last) <= Decimal("1e-20") * max(Decimal(1), last)


@given(
    v1=amounts,
    v2=amounts,
    v3=amounts,
)
def test_three_year_growth_uses_two_intervals_not_the_arithmetic_mean(v1: Decimal, v2: Decimal, v3: Decimal) -> None:
    assert cagr_percent(v1, v3, 2) == cagr_percent(v1, v3, Decimal(2))
    geometric = ((float(v3) / float(v1)) ** 0.5 - 1) * 100
    assert abs(float(cagr_percent(v1, v3, 2)) - geometric) < 1e-6 * max(1.0, abs(geometric))


QUANT_CODES = sorted(BASE_DOSSIER["indicators"])
ANSWER_CODES = sorted(BASE_DOSSIER["answers"])
_FULL = get_ruleset("sh-recognition-2025-v1")
# The quantitative and declared-answer rules only: on the base dossier they all pass (verdict 符合),
# so any verdict other than 符合 after dropping data is the engine noticing the gap.
_QUANT = replace(_FULL, rules=[r for r in _FULL.rules if r.check["type"] not in ("evidence",)])
ENGINE = Engine(_QUANT)
ALTERNATIVES = {
    r.id for r in _QUANT.rules if r.check["type"] == "any_of" or "coalesce(" in str(r.check.get("value", ""))
}


def test_base_dossier_meets_every_quantitative_rule() -> None:
    assert ENGINE.evaluate(dossier()).verdict == "meets"


@settings(max_examples=150, deadline=None)
@given(
    drop_indicators=st.sets(st.sampled_from(QUANT_CODES), min_size=1),
    drop_answers=st.sets(st.sampled_from(ANSWER_CODES)),
)
def test_missing_data_never_passes(drop_indicators: set[str], drop_answers: set[str]) -> None:
    d = dossier(indicators=dict.fromkeys(drop_indicators))
    for code in drop_answers:
        d.answers.pop(code, None)
    result = ENGINE.evaluate(d)
    needed_gone = False
    for r in result.results:
        read = [i for i in r.inputs if i.value is not None]
        absent = [i for i in r.inputs if i.value is None]
        if r.inputs and not read:
            assert r.status != PASS, f"{r.rule_id} passed with no input at all"
        if absent and r.status == PASS:
            # allowed only where the rule offers alternatives (coalesce / any_of) and one was present
            assert r.rule_id in ALTERNATIVES, r.rule_id
        if absent and r.status != PASS:
            needed_gone = True
            assert r.status == MISSING or r.missing or r.status in ("fail", "judgment")
    if needed_gone:
        assert result.verdict != "meets"
