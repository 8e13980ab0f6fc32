"""Each Shanghai rule at its exact boundary, on both sides (30.00 亿元, 50.00 %, 10.00 %, 15/万人 …)."""

from __future__ import annotations

import pytest

from apps.assessment.engine import FAIL, JUDGMENT, MISSING, PASS, WARNING, Engine
from apps.assessment.rulesets import get_ruleset
from tests.factories_assessment import dossier


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(get_ruleset("sh-recognition-2025-v1"))


def status_of(engine: Engine, rule_id: str, **kw: object) -> tuple[str, str]:
    result = engine.evaluate(dossier(**kw))  # type: ignore[arg-type]
    r = next(x for x in result.results if x.rule_id == rule_id)
    return r.status, r.explanation


def test_base_dossier_passes_every_quantitative_rule(engine: Engine) -> None:
    result = engine.evaluate(dossier())
    statuses = {r.rule_id: r.status for r in result.results}
    assert all(s in (PASS, JUDGMENT) for s in statuses.values()), statuses
    assert result.verdict_label == "需人工判断"


@pytest.mark.parametrize(
    ("lowest", "expected"),
    [("30.00", PASS), ("29.99", FAIL), ("30.01", PASS)],
)
def test_output_of_each_of_three_years_at_30_yi_yuan(engine: Engine, lowest: str, expected: str) -> None:
    series = {"2022": lowest, "2023": "46.00", "2024": "52.90"}
    status, _ = status_of(engine, "sh.6.2.output", indicators={"output_value": series})
    assert status == expected


def test_output_below_30_in_the_middle_year_fails(engine: Engine) -> None:
    series = {"2022": "31.00", "2023": "29.99", "2024": "52.90"}
    status, text = status_of(engine, "sh.6.2.output", indicators={"output_value": series})
    assert status == FAIL
    assert "29.99" in text


@pytest.mark.parametrize(("share", "expected"), [("50.00", PASS), ("49.99", FAIL), ("50.01", PASS)])
def test_sme_share_at_50_percent_is_inclusive_in_regulation_and_footnote(
    engine: Engine, share: str, expected: str
) -> None:
    status, _ = status_of(engine, "sh.6.2.sme_share", indicators={"sme_output_share": {"2024": share}})
    assert status == expected


@pytest.mark.parametrize(("share", "expected"), [("50.00", JUDGMENT), ("49.99", FAIL), ("50.01", PASS)])
def test_leading_share_exactly_50_is_flagged_because_footnote_says_gaoyu(
    engine: Engine, share: str, expected: str
) -> None:
    status, text = status_of(
        engine, "sh.6.2.leading_share", indicators={"leading_industry_output_share": {"2024": share}}
    )
    assert status == expected
    if expected == JUDGMENT:
        assert "以上" in text and "高于" in text and "脚注5" in text and "以规章为准" in text


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ({"2022": "100.00", "2023": "110.00", "2024": "121.00"}, JUDGMENT),  # exactly 10.00 %
        ({"2022": "100.00", "2023": "110.00", "2024": "120.98"}, FAIL),  # 9.99 %
        ({"2022": "100.00", "2023": "110.00", "2024": "121.03"}, PASS),  # 10.01 %
    ],
)
def test_output_growth_at_10_percent_follows_regulation_and_flags_the_boundary(
    engine: Engine, series: dict[str, str], expected: str
) -> None:
    status, text = status_of(engine, "sh.6.2.growth", indicators={"output_value": series})
    assert status == expected
    if expected == JUDGMENT:
        assert "10.00" in text and "脚注6" in text


@pytest.mark.parametrize(
    ("patents", "expected"),
    [("12", PASS), ("11", FAIL)],  # 12 / 8000 × 10000 = 15.00; 11 → 13.75
)
def test_patents_per_10k_sme_employees_at_15(engine: Engine, patents: str, expected: str) -> None:
    series = {"2022": "8", "2023": "10", "2024": patents}
    status, _ = status_of(engine, "sh.6.5.patents_per_10k", indicators={"sme_invention_patents": series})
    assert status == expected


def test_patents_per_10k_just_above_15_passes(engine: Engine) -> None:
    # 1501 / 1,000,000 × 10000 = 15.01
    status, _ = status_of(
        engine,
        "sh.6.5.patents_per_10k",
        indicators={"sme_invention_patents": {"2024": "1501"}, "sme_employees": {"2024": "1000000"}},
    )
    assert status == PASS


@pytest.mark.parametrize(("rate", "expected"), [("10.00", PASS), ("9.99", FAIL), ("10.01", PASS)])
def test_industrial_internet_penetration_at_10_percent(engine: Engine, rate: str, expected: str) -> None:
    status, _ = status_of(engine, "sh.6.6.iip", indicators={"iip_penetration": {"2024": rate}})
    assert status == expected


@pytest.mark.parametrize(
    ("last", "expected"),
    [("22050.00", JUDGMENT), ("22047.00", FAIL), ("22060.00", PASS)],  # 20000 → 22050 over 2 years = 5.00 %
)
def test_sme_rd_growth_at_5_percent(engine: Engine, last: str, expected: str) -> None:
    series = {"2022": "20000.00", "2023": "21000.00", "2024": last}
    status, _ = status_of(engine, "sh.6.5.rd_growth", indicators={"sme_rd_expense": series})
    assert status == expected


@pytest.mark.parametrize(
    ("last", "expected"),
    [("13225", PASS), ("13223", FAIL)],  # 10000 → 13225 over 2 years = 15.00 %
)
def test_sme_invention_patent_growth_at_15_percent(engine: Engine, last: str, expected: str) -> None:
    series = {"2022": "10000", "2023": "11500", "2024": last}
    status, _ = status_of(
        engine,
        "sh.6.5.patent_growth",
        indicators={"sme_invention_patents": series, "sme_employees": {"2024": "100000"}},
    )
    assert status == expected


@pytest.mark.parametrize(("area", "expected"), [("100.00", PASS), ("100.01", WARNING)])
def test_area_over_100_km2_is_only_a_warning(engine: Engine, area: str, expected: str) -> None:
    status, text = status_of(engine, "sh.6.2.area", indicators={"area_km2": {"2024": area}})
    assert status == expected
    if expected == WARNING:
        assert "不作为否决条件" in text
        assert engine.evaluate(dossier(indicators={"area_km2": {"2024": area}})).verdict != "fails"


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"single_champion_count": "0", "little_giant_count": "1"}, PASS),
        (
            {
                "single_champion_count": "0",
                "little_giant_count": "0",
                "specialised_sme_count": "4",
                "innovative_sme_count": "3",
                "national_high_tech_count": "3",
            },
            PASS,
        ),
        (
            {
                "single_champion_count": "0",
                "little_giant_count": "0",
                "specialised_sme_count": "4",
                "innovative_sme_count": "3",
                "national_high_tech_count": "2",
            },
            FAIL,
        ),
    ],
)
def test_quality_firms_one_little_giant_or_ten_specialised(
    engine: Engine, counts: dict[str, str], expected: str
) -> None:
    status, _ = status_of(engine, "sh.6.3.quality_firms", indicators={k: {"2024": v} for k, v in counts.items()})
    assert status == expected


@pytest.mark.parametrize(("total", "expected"), [("2", PASS), ("1", FAIL)])
def test_standards_two_or_more(engine: Engine, total: str, expected: str) -> None:
    status, _ = status_of(engine, "sh.6.5.standards", indicators={"standards_total": {"2024": total}})
    assert status == expected


def test_only_other_platforms_needs_a_reviewer_to_confirm_the_level(engine: Engine) -> None:
    status, text = status_of(
        engine,
        "sh.6.5.platforms",
        indicators={
            "platforms_national_count": {"2024": "0"},
            "platforms_provincial_count": {"2024": "0"},
            "platforms_other_count": {"2024": "2"},
        },
    )
    assert status == JUDGMENT
    assert "区级及以上" in text


def test_answer_no_to_compliance_fails_and_decides_the_verdict(engine: Engine) -> None:
    result = engine.evaluate(dossier(no_major_incidents_3y="否"))
    assert next(r for r in result.results if r.rule_id == "sh.6.1.safety").status == FAIL
    assert result.verdict_label == "不符合"


def test_not_applicable_energy_efficiency_passes_with_explanation(engine: Engine) -> None:
    status, text = status_of(engine, "sh.6.7.energy", energy_efficiency_above_benchmark="不涉及")
    assert status == PASS
    assert "不适用" in text


def test_co2_intensity_not_falling_fails(engine: Engine) -> None:
    status, text = status_of(
        engine, "sh.6.7.co2", indicators={"co2_intensity": {"2022": "0.40", "2023": "0.41", "2024": "0.35"}}
    )
    assert status == FAIL
    assert "2023年" in text


def test_missing_output_year_names_what_is_missing_and_verdict_is_incomplete(engine: Engine) -> None:
    result = engine.evaluate(dossier(indicators={"output_value": {"2023": "46.00", "2024": "52.90"}}))
    r = next(x for x in result.results if x.rule_id == "sh.6.2.output")
    assert r.status == MISSING
    assert any("2022" in m and "output_value" in m for m in r.missing)
    assert result.verdict_label == "资料不全"


def test_declared_growth_that_differs_from_formula_is_reported(engine: Engine) -> None:
    result = engine.evaluate(dossier(indicators={"output_cagr": {"2024": "20.00"}}))
    r = next(x for x in result.results if x.rule_id == "sh.6.2.growth")
    assert "20.00" in r.explanation and "不一致" in r.explanation


def test_results_explain_formula_inputs_and_sources(engine: Engine) -> None:
    result = engine.evaluate(dossier())
    r = next(x for x in result.results if x.rule_id == "sh.6.2.growth")
    assert r.formula.startswith("cagr(")
    assert [i.year for i in r.inputs] == [2022, 2024]
    assert all(i.source for i in r.inputs)
    assert "第六条" in r.legal_basis_label
