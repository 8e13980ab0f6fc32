"""The rule expression language: Decimal arithmetic, whitelisted syntax, missing inputs named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.assessment.expressions import ExpressionError, Missing, parse, variables_of


class Box:
    def __init__(self, values: dict[tuple[str, str, int], Decimal], y: int = 2024, t: int = 2027) -> None:
        self.values = values
        self.year_y = y
        self.year_t = t

    def lookup(self, namespace: str, code: str, year: int) -> Decimal | Missing:
        v = self.values.get((namespace, code, year))
        return v if v is not None else Missing((f"缺 {namespace}.{code}[{year}]",))


def test_arithmetic_is_decimal_and_exact() -> None:
    box = Box({("value", "a", 2024): Decimal("0.1"), ("value", "b", 2024): Decimal("0.2")})
    assert parse("a + b").evaluate(box) == Decimal("0.3")


def test_year_offsets_and_namespaces_are_listed_as_variables() -> None:
    refs = variables_of("cagr(target.x[Y], target.x[T], T - Y) + list.firm_count + output_value[Y-2]")
    assert [r.label() for r in refs] == ["target.x[Y]", "target.x[T]", "list.firm_count[Y]", "output_value[Y-2]"]


def test_missing_inputs_spread_and_name_every_absent_value() -> None:
    result = parse("a[Y-1] + b").evaluate(Box({}))
    assert isinstance(result, Missing)
    assert result.reasons == ("缺 value.a[2023]", "缺 value.b[2024]")


def test_coalesce_takes_the_first_available_value() -> None:
    box = Box({("value", "b", 2024): Decimal(7)})
    assert parse("coalesce(a, b)").evaluate(box) == Decimal(7)


def test_division_by_zero_is_missing_not_an_error() -> None:
    box = Box({("value", "a", 2024): Decimal(1), ("value", "b", 2024): Decimal(0)})
    assert isinstance(parse("a / b").evaluate(box), Missing)


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os')",
        "a.__class__",
        "open('x')",
        "a if b else c",
        "lambda: 1",
        "[a, b]",
        "a ** 2",
        "'text'",
        "a < b",
        "min(a, key=b)",
        "a[b]",
    ],
)
def test_anything_outside_the_whitelist_is_refused(source: str) -> None:
    with pytest.raises(ExpressionError):
        parse(source)


def test_parse_is_cached() -> None:
    assert parse("x + 1") is parse("x + 1")
