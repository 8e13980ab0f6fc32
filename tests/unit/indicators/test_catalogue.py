from decimal import Decimal

import pytest
import yaml

from apps.indicators.catalogue import CatalogueError, catalogue_path, load_catalogue, parse_catalogue
from apps.indicators.models import Indicator
from apps.indicators.sync import indicators_sync

V1_CODES = [
    "area_km2", "output_value", "sme_output_share", "leading_industry_output_cagr", "firm_count", "sme_count",
    "specialised_sme_count", "little_giant_count", "single_champion_count", "sme_rd_expense", "sme_employees",
    "standards_group_participate", "patents_per_10k_sme_employees", "iip_penetration", "co2_intensity",
    "water_reuse_rate", "green_other_count", "service_investment",
]  # fmt: skip


def _minimal(**overrides: object) -> dict:
    data: dict = {
        "version": 9,
        "units": {"亿元": {"dimension": "money", "factor_to_base": "100000000"}},
        "indicators": [{"code": "x", "name": "某指标", "unit": "亿元", "decimals": 2, "kind": "flow"}],
    }
    data.update(overrides)
    return data


def test_catalogue_file_loads_and_keeps_every_v1_code() -> None:
    cat = load_catalogue()
    for code in V1_CODES:
        assert code in cat.indicators, code
    assert cat.version >= 2


def test_catalogue_has_codes_for_the_national_provincial_and_evaluation_forms() -> None:
    cat = load_catalogue()
    for code in (
        "output_share_of_county_industrial",
        "pilot_demo_national_count",
        "sme_psp_demo_other_count",
        "talent_matching_events",
        "import_export_usd",
        "park_tax_per_mu",
        "smart_factory_basic_count",
    ):
        assert code in cat.indicators, code


def test_one_hundred_million_yuan_is_ten_thousand_ten_thousand_yuan() -> None:
    cat = load_catalogue()
    assert cat.convert(Decimal("1.5"), "亿元", "万元") == Decimal("15000")
    assert cat.convert(Decimal("12345.67"), "万元", "亿元") == Decimal("1.234567")
    assert cat.convert(Decimal("3"), "亿美元", "万美元") == Decimal("30000")


def test_units_of_different_dimensions_do_not_convert() -> None:
    cat = load_catalogue()
    assert not cat.convertible("亿元", "亿美元")
    with pytest.raises(CatalogueError, match="不是同一量纲"):
        cat.convert(Decimal(1), "亿元", "%")


def test_duplicate_code_is_refused() -> None:
    ind = {"code": "x", "name": "某指标", "unit": "亿元", "decimals": 2, "kind": "flow"}
    with pytest.raises(CatalogueError, match="指标代码重复"):
        parse_catalogue(_minimal(indicators=[ind, dict(ind)]))


def test_unknown_unit_and_kind_are_refused_with_every_problem_listed() -> None:
    bad = {"code": "y", "name": "某指标", "unit": "斤", "decimals": 2, "kind": "mood"}
    with pytest.raises(CatalogueError) as exc:
        parse_catalogue(_minimal(indicators=[bad]))
    text = "；".join(exc.value.problems)
    assert "未知计量单位“斤”" in text and "未知指标类型“mood”" in text


def test_sync_creates_rows_then_changes_nothing_on_a_second_run(db: None) -> None:
    cat = load_catalogue()
    assert Indicator.objects.filter(is_active=True).count() == len(cat.indicators)  # post_migrate synced
    again = indicators_sync(actor=None)
    assert (again.created, again.updated, again.deactivated) == (0, 0, 0)


def test_sync_deactivates_a_code_removed_from_the_file_instead_of_deleting_it(db: None) -> None:
    raw = yaml.safe_load(catalogue_path().read_text(encoding="utf-8"))
    raw["indicators"] = [i for i in raw["indicators"] if i["code"] != "service_investment"]
    result = indicators_sync(actor=None, catalogue=parse_catalogue(raw))
    assert result.deactivated == 1
    row = Indicator.objects.get(code="service_investment")
    assert row.is_active is False


def test_catalogue_v3_has_the_codes_of_the_annual_report_evaluation_and_provincial_forms() -> None:
    cat = load_catalogue()
    assert cat.version >= 3
    for code in ("co2_emissions", "library_firm_count", "cluster_revenue_growth", "park_fdi_used_growth"):
        assert code in cat.indicators, code
    assert cat.get("cluster_revenue_growth").formula == "(V2025 / V2024 - 1) * 100"  # type: ignore[union-attr]
    assert cat.convert(Decimal("1.25"), "万吨二氧化碳", "吨二氧化碳") == Decimal("12500")
