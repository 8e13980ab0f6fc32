"""Size classification at every bound of the 16 industries, both sides, generated from the table."""

from decimal import Decimal

import pytest

from apps.enterprises.sme_size import RULES, Industry, Metric, SizeClass, classify

HUGE = {Metric.STAFF: 10**7, Metric.REVENUE: 10**9, Metric.ASSETS: 10**9}


def test_the_standard_has_sixteen_industries():
    assert len(RULES) == 16 == len(Industry)


def _values(ind, **override):
    """Metrics far above every bound (a large firm), then the given overrides."""
    vals = {m: HUGE[m] for m in RULES[ind].metrics}
    vals.update(override)
    return vals


def _classify(ind, vals):
    return classify(
        ind,
        staff=vals.get(Metric.STAFF),
        revenue=Decimal(vals[Metric.REVENUE]) if Metric.REVENUE in vals else None,
        assets=Decimal(vals[Metric.ASSETS]) if Metric.ASSETS in vals else None,
    )


def _cases():
    """For each industry and each bound: (industry, values at the bound, expected), and just below.

    SME row: a firm on every SME bound is large; one unit below any single bound is SME, and
    (every other metric being far above the medium row) medium.
    Medium/small rows: on every bound of the row → that class; one unit below any → one step down.
    """
    cases = []
    for ind, rule in RULES.items():
        # SME threshold: all metrics on their SME bound → large; one just below → not large.
        at = {m: b for m, b in rule.sme}
        for m in rule.metrics:
            at.setdefault(m, HUGE[m])
        cases.append((ind, dict(at), SizeClass.LARGE, "sme-at"))
        for m, b in rule.sme:
            below = dict(at)
            below[m] = b - 1
            # Still ≥ every medium bound (the medium bounds are all far below the SME ones).
            cases.append((ind, below, SizeClass.MEDIUM, f"sme-below-{m}"))
        # Medium row: exactly on every medium bound → medium; one below any → small (falls a step).
        # Every row of the standard uses the same metrics as its SME test.
        assert {m for m, _ in rule.medium} == {m for m, _ in rule.small} == set(rule.metrics)
        at_medium = {m: b for m, b in rule.medium}
        cases.append((ind, dict(at_medium), SizeClass.MEDIUM, "medium-at"))
        for m, b in rule.medium:
            below = dict(at_medium)
            below[m] = b - 1
            cases.append((ind, below, SizeClass.SMALL, f"medium-below-{m}"))
        # Small row: exactly on every small bound → small; one below any → micro.
        at_small = {m: b for m, b in rule.small}
        cases.append((ind, dict(at_small), SizeClass.SMALL, "small-at"))
        for m, b in rule.small:
            below = dict(at_small)
            below[m] = b - 1
            cases.append((ind, below, SizeClass.MICRO, f"small-below-{m}"))
    return cases


CASES = _cases()


def test_cases_cover_every_bound_of_every_industry():
    bounds = sum(len(r.sme) + len(r.medium) + len(r.small) for r in RULES.values())
    # one "at" case per row and industry, one "below" case per bound
    assert len(CASES) == bounds + 3 * len(RULES)


@pytest.mark.parametrize(("industry", "values", "expected", "label"), CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_size_class_on_both_sides_of_each_bound(industry, values, expected, label):
    result = _classify(industry, values)
    assert result.size == expected, result.reason
    assert RULES[industry].label in result.reason


def test_the_reason_cites_the_standard_and_the_thresholds_used():
    r = classify(Industry.INDUSTRY, staff=1500, revenue=Decimal("1000"), assets=None)
    assert r.size == SizeClass.SMALL
    assert "工信部联企业〔2011〕300号" in r.reason
    assert "从业人员≥300人且营业收入≥2000万元" in r.reason
    assert "下划一档" in r.reason


def test_a_firm_meeting_one_medium_bound_only_falls_one_step_down():
    assert classify(Industry.RETAIL, staff=200, revenue=Decimal("90"), assets=None).size == SizeClass.MICRO
    assert classify(Industry.RETAIL, staff=200, revenue=Decimal("100"), assets=None).size == SizeClass.SMALL


def test_missing_metric_gives_unknown_with_a_reason():
    r = classify(Industry.CONSTRUCTION, staff=None, revenue=Decimal("100"), assets=None)
    assert r.size == SizeClass.UNKNOWN
    assert "资产总额" in r.reason


def test_staff_is_not_needed_where_the_industry_does_not_use_it():
    assert classify(Industry.REAL_ESTATE, staff=None, revenue=Decimal("1000"), assets=Decimal("5000")).is_sme


def test_unknown_industry_is_not_classified():
    assert classify("mining", staff=1, revenue=Decimal(1), assets=Decimal(1)).size == SizeClass.UNKNOWN
