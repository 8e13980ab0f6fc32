from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.filings.definitions import compute, load_template
from apps.filings.definitions.formula import (
    FormulaError,
    MissingValue,
    Ref,
    compile_formula,
    evaluate,
    render,
    variables,
)


def const(values: dict):
    return lambda ref: values.get(str(ref))


def test_arithmetic_is_decimal_and_exact() -> None:
    assert evaluate("0.1 + 0.2", const({})) == Decimal("0.3")
    assert evaluate("a[2024] / a[2022]", const({"a[2024]": Decimal("3"), "a[2022]": Decimal("2")})) == Decimal("1.5")


def test_variables_are_listed_in_order_with_their_subscripts() -> None:
    refs = variables("(x[2024] / x[2022]) ** (1 / 2) - y['count'] + x[2024]")
    assert refs == (Ref("x", (2024,)), Ref("x", (2022,)), Ref("y", ("count",)))


@pytest.mark.parametrize(
    "source",
    ["__import__('os')", "x.__class__", "(lambda: 1)()", "open('f')", "[i for i in x]", "x[y]", "f'{x}'", "x if"],
)
def test_anything_outside_the_whitelist_is_refused(source: str) -> None:
    with pytest.raises(FormulaError):
        compile_formula(source)


def test_parsing_is_cached() -> None:
    assert compile_formula("a + b") is compile_formula("a + b")


def test_a_blank_input_raises_missing_value_naming_it() -> None:
    with pytest.raises(MissingValue) as exc:
        evaluate("a + b", const({"a": Decimal(1)}))
    assert exc.value.ref == Ref("b")


def test_division_by_zero_and_roots_of_negatives_are_reported_in_chinese() -> None:
    with pytest.raises(FormulaError, match="除数为0"):
        evaluate("a / b", const({"a": Decimal(1), "b": Decimal(0)}))
    with pytest.raises(FormulaError, match="无法计算"):
        evaluate("a ** (1 / 2)", const({"a": Decimal(-4)}))


def test_comparisons_conditions_and_functions() -> None:
    values = {"s": "yes", "a": Decimal("0.004")}
    assert evaluate("s == 'yes' and abs(a) <= 0.01", const(values)) is True
    assert evaluate("max(1, 2, 3) if s != 'no' else 0", const(values)) == 3


def test_render_shows_powers_and_multiplication_signs() -> None:
    text = render("((v[2024] / v[2022]) ** (1 / 2) - 1) * 100", lambda r: f"V{r.path[0]}")
    assert text == "((V2024 / V2022)^(1 / 2) − 1) × 100"


def test_growth_rate_is_the_geometric_mean_with_its_explanation() -> None:
    template = load_template("sh_municipal_application", "2025")
    values = {
        "output_value": {"2022": "30.00", "2023": "33.00", "2024": "36.30"},
        "leading_industry_output_share": {"2022": "80.00", "2023": "80.00", "2024": "80.00"},
    }
    result = compute(template, values)["leading_industry_output_cagr"]
    assert result.value == Decimal("10.00")  # 36.3/30 = 1.21, √1.21 = 1.1
    assert "^(1 / 2)" in result.explanation and result.explanation.endswith("）")
    assert "= ((29.04 / 24.00)^(1 / 2) − 1) × 100 = 10.00 %" in result.explanation
    assert result.inputs["L2024"]["value"] == Decimal("29.04")
    assert set(result.inputs["L2024"]["fields"]) == {"output_value", "leading_industry_output_share"}


def test_a_computed_field_says_what_is_missing() -> None:
    template = load_template("sh_municipal_application", "2025")
    result = compute(template, {"sme_invention_patents": "300"})["patents_per_10k"]
    assert result.value is None
    assert "集群中小企业从业人员数量（2024年）" in result.missing[0]


money = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("99999.99"), places=2)


@settings(max_examples=200, deadline=None)
@given(first=money, last=money)
def test_growth_rate_equals_the_closed_form_geometric_formula(first: Decimal, last: Decimal) -> None:
    formula = "((v[2024] / v[2022]) ** (1 / 2) - 1) * 100"
    got = evaluate(formula, const({"v[2024]": last, "v[2022]": first}))
    with decimal.localcontext() as ctx:
        ctx.prec = 40
        expected = ((last / first).sqrt() - 1) * 100
    assert abs(got - expected) < Decimal("1e-20")
