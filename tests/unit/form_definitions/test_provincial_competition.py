"""The provincial cluster competition form (004): year tables with 增幅, row tables, the 四库, cross-checks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from apps.filings.definitions import compute, indicator_values, load_template, validate
from tests.unit.form_definitions.builders import complete_values, evidence_slots


@pytest.fixture(scope="module")
def form():
    return load_template("provincial_competition", "2026")


def _firm(n: int) -> dict[str, str]:
    return {
        "name": f"演示企业{n}有限公司",
        "city": "某市",
        "county": "某区",
        "park": "某产业园",
        "profile": "主营精密零部件，员工300人，掌握精密冲压技术。",
        "products": "连接器、端子、线束",
        "above_scale": "yes",
        "revenue_2025": "2.35",
        "contact_name": "张三",
        "contact_phone": "0731-8888888",
    }


def consistent(form: Any, **overrides: Any) -> dict[str, Any]:
    """A complete answer whose figures agree with each other (the form's cross-checks pass)."""
    values = complete_values(form)
    values.update(
        firm_count={"2024": "40", "2025": "45"},
        existing_firms={"rows": [_firm(n) for n in range(45)]},
        top10_revenue={
            "rows": [
                {
                    "firm_name": "演示龙头企业",
                    "revenue_2024": "5.00",
                    "revenue_2025": "6.00",
                    "revenue_growth": "20.00",
                    "main_products": "电机、电控",
                }
            ]
        },
        top10_rd={
            "rows": [{"firm_name": "演示龙头企业", "rd_2024": "100.00", "rd_2025": "120.00", "rd_growth": "20.00"}]
        },
        public_platform_national_count={"2024": "1", "2025": "1"},
        public_platform_provincial_count={"2024": "0", "2025": "0"},
        national_green_factory_count={"2024": "1", "2025": "1"},
        provincial_green_factory_count={"2024": "0", "2025": "0"},
        national_green_supply_chain_count={"2024": "0", "2025": "0"},
        provincial_green_supply_chain_count={"2024": "0", "2025": "0"},
        promotion_org_title=values["promotion_org_name"],
        economic_targets={
            "fixed": {
                "revenue": {"actual_prev": "10.50", "target_2026": "12", "target_2027": "14", "target_2028": "16"},
                "above_scale_firms": {
                    "actual_prev": "10",
                    "target_2026": "12",
                    "target_2027": "14",
                    "target_2028": "16",
                },
                "profit": {"actual_prev": "10.50", "target_2026": "11", "target_2027": "12", "target_2028": "13"},
                "tax": {"actual_prev": "10.50", "target_2026": "11", "target_2027": "12", "target_2028": "13"},
            }
        },
    )
    values.update(overrides)
    return values


def _submit(form, values):  # type: ignore[no-untyped-def]
    return validate(form, values, for_submit=True, evidenced=evidence_slots(form, values))


def test_sections_one_to_eight_and_the_four_libraries(form) -> None:
    assert [s.heading for s in form.sections[1:]] == [
        "一、集群基本信息",
        "二、集群发展总体情况",
        "三、集群核心承载园区情况",
        "四、集群发展促进组织情况",
        "五、培育发展产业集群实施方案",
        "六、集群“四库”",
        "七、真实性声明",
        "八、佐证材料",
    ]
    libraries = [f for f in form.sections[6].fields if f.kind == "row_table"]
    assert [(f.group, len(f.columns)) for f in libraries] == [
        ("（一）现有企业库", 11),
        ("（二）拟引进企业库", 9),
        ("（三）在建项目库", 12),
        ("（四）拟建项目库", 9),
    ]
    assert form.data_years == (2024, 2025) and form.target_years == (2026, 2027, 2028)


def test_a_fully_filled_consistent_form_has_no_issue_at_submission(form) -> None:
    assert _submit(form, consistent(form)) == []


def test_every_increase_cell_is_computed_and_explains_itself(form) -> None:
    comp = compute(form, {"cluster_revenue": {"2024": "80.00", "2025": "92.00"}})["cluster_revenue_growth"]
    assert comp.value == Decimal("15.00")
    assert "集群营收（亿元）（2025年）" in comp.explanation and "= 15.00 %" in comp.explanation
    smart = {
        "smart_factory_leading": {"2024": "0", "2025": "1"},
        "smart_factory_excellent": {"2024": "1", "2025": "1"},
        "smart_factory_advanced": {"2024": "3", "2025": "4"},
        "smart_factory_basic": {"2024": "6", "2025": "9"},
    }
    assert compute(form, smart)["smart_factory_growth"].value == Decimal("50.00")


def test_the_sme_share_row_is_asked_only_of_sme_clusters(form) -> None:
    values = consistent(form, category="sme")
    del values["sme_output_share"]
    assert [(i.field, i.year) for i in _submit(form, values)] == [
        ("sme_output_share", 2024),
        ("sme_output_share", 2025),
    ]
    values["category"] = "advanced"
    assert _submit(form, values) == []


def test_the_top_ten_tables_hold_at_most_ten_firms_and_three_products_each(form) -> None:
    row = {"firm_name": "某企业", "revenue_2024": "1.00", "revenue_2025": "1.10", "revenue_growth": "10.00"}
    eleven = {"top10_revenue": {"rows": [dict(row, main_products="甲") for _ in range(11)]}}
    assert any("最多10行" in i.message for i in validate(form, eleven, for_submit=False))
    four = {"top10_revenue": {"rows": [dict(row, main_products="甲、乙、丙、丁")]}}
    [issue] = [i for i in validate(form, four, for_submit=False) if i.field == "top10_revenue"]
    assert "不超过3个（填写了4个" in issue.message and issue.column == "main_products"


def test_a_growth_cell_that_disagrees_with_its_row_is_a_warning(form) -> None:
    row = {"firm_name": "某企业", "revenue_2024": "10.00", "revenue_2025": "11.00", "revenue_growth": "12.00"}
    [issue] = [i for i in validate(form, {"top10_revenue": {"rows": [row]}}, for_submit=False)]
    assert issue.severity == "warning" and issue.row == 0 and "= 10.00" in issue.message


def test_the_existing_firm_library_is_counted_and_checked_against_the_firm_count(form) -> None:
    values = consistent(form, existing_firms={"rows": [_firm(n) for n in range(44)]})
    assert compute(form, values)["library_firm_count"].value == Decimal("44")
    [issue] = _submit(form, values)
    assert issue.code == "rule:library_matches_firm_count" and issue.severity == "warning"


def test_last_years_actuals_of_the_plan_must_match_the_2025_figures(form) -> None:
    values = consistent(form)
    values["economic_targets"]["fixed"]["profit"]["actual_prev"] = "9.00"
    assert [i.code for i in _submit(form, values)] == ["rule:targets_profit_actual"]


def test_a_park_figure_for_the_cluster_cannot_exceed_the_park_total(form) -> None:
    values = {"park_tax": {"2024": "5.00", "2025": "6.00"}, "park_cluster_tax": {"2024": "5.50", "2025": "4.00"}}
    assert [(i.code, i.year) for i in validate(form, values, for_submit=False)] == [("rule:park_tax_part:2024", 2024)]


def test_a_green_park_needs_evidence_and_no_does_not(form) -> None:
    found = [i for i in validate(form, {"green_park": "provincial"}, for_submit=True) if i.field == "green_park"]
    assert found and "省级绿色园区" in found[0].message
    assert [i for i in validate(form, {"green_park": "no"}, for_submit=True) if i.field == "green_park"] == []


def test_rows_with_a_page_reference_column_are_marked(form) -> None:
    marked = {f.key for f in form.fields.values() if f.evidence_pages}
    assert {"firm_count", "top10_revenue", "top10_rd", "co2_intensity", "green_park"} <= marked
    assert "output_value" not in marked  # 2.1 has no 佐证页码 column


def test_year_figures_become_indicator_values_and_targets_do_not(form) -> None:
    codes = {(c, y) for c, y, _ in indicator_values(form, consistent(form))}
    assert {("cluster_revenue", 2024), ("cluster_revenue", 2025), ("cluster_revenue_growth", 2025)} <= codes
    assert ("library_firm_count", 2025) in codes
    assert not any(y >= 2026 for _c, y in codes)
