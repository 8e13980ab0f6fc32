"""The Shanghai annual development report 2025 (000 附件1, 2024 data): structure and behaviour."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.filings.definitions import compute, indicator_values, load_template, submission_blocked, validate
from tests.unit.form_definitions.builders import complete_values, evidence_slots


@pytest.fixture(scope="module")
def report():
    return load_template("sh_annual_report", "2025")


def _submit(template, values, **kw):  # type: ignore[no-untyped-def]
    return validate(template, values, for_submit=True, evidenced=evidence_slots(template, values), **kw)


def test_sections_one_to_eight_in_the_order_and_numbering_of_the_original(report) -> None:
    assert [s.heading for s in report.sections[1:]] == [
        "一、基本情况",
        "二、主导产业情况",
        "三、创新能力情况",
        "四、数字化升级情况",
        "五、绿色化转型情况",
        "六、开放合作情况",
        "七、2024 年集群工作",
        "八、真实性声明及考核意见",
    ]
    assert report.data_years == (2024,)


def test_a_fully_filled_report_has_no_issue_at_submission(report) -> None:
    values = complete_values(report, operator_changed="no", leading_industry_changed="no")
    assert _submit(report, values) == []


def test_every_number_maps_to_a_catalogue_indicator(report) -> None:
    numeric = [f for f in report.fields.values() if f.kind in ("number", "year_series", "count_names", "computed")]
    assert numeric and all(f.indicator for f in numeric)
    codes = {code for code, _year, _v in indicator_values(report, complete_values(report))}
    assert {"output_value", "sme_rd_expense", "cloud_sme_ratio", "overseas_branch_count"} <= codes


def test_an_operator_change_needs_its_statement_and_no_change_hides_it(report) -> None:
    values = complete_values(report, operator_changed="yes")
    del values["operator_change_statement"]
    [issue] = [i for i in _submit(report, values) if i.field == "operator_change_statement"]
    assert issue.severity == "error" and "集群运营管理机构变更情况说明" in issue.message
    values["operator_change_statement"] = "2024年6月起由某园区运营公司承接运营，已向区科经委报备。"
    assert [i for i in _submit(report, values) if i.field == "operator_change_statement"] == []
    unchanged = complete_values(report, operator_changed="no")
    del unchanged["operator_change_statement"]
    assert [i for i in _submit(report, unchanged) if i.field == "operator_change_statement"] == []


def test_a_leading_industry_change_needs_its_statement(report) -> None:
    values = complete_values(report, leading_industry_changed="yes", leading_industry_change_statement="")
    assert any(i.field == "leading_industry_change_statement" for i in _submit(report, values))


def test_section_seven_is_limited_to_three_thousand_characters_in_all(report) -> None:
    parts = ["work_overview", "work_results", "work_done", "work_problems", "work_plan_2025", "work_suggestions"]
    values = {key: "字" * 500 for key in parts}
    assert [i for i in validate(report, values, for_submit=False) if i.code == "work:len"] == []
    values["work_suggestions"] = "字" * 501
    [issue] = [i for i in validate(report, values, for_submit=False) if i.code == "work:len"]
    assert "3000字以内（现有3001字）" in issue.message


def test_an_accident_in_the_year_is_a_warning_citing_the_revocation_ground(report) -> None:
    values = complete_values(report, operator_changed="no", leading_industry_changed="no", no_major_accidents="no")
    [issue] = [i for i in _submit(report, values) if i.field == "no_major_accidents"]
    assert issue.severity == "warning" and "第十九条（五）" in issue.message and issue.blocking
    explained = _submit(report, {**values, "_explanations": {issue.code: "2024年5月一般火灾，已整改。"}})
    assert not submission_blocked(explained)


def test_a_target_missed_in_2024_asks_for_an_explanation(report) -> None:
    values = complete_values(report, operator_changed="no", leading_industry_changed="no")
    values["work_targets"]["fixed"]["rd_expense"] = {"target_2024": "5000.00", "actual_2024": "4800.00"}
    values["work_targets"]["fixed"]["co2"] = {"target_2024": "1000.00", "actual_2024": "900.00"}
    found = [i.code for i in _submit(report, values)]
    assert found == ["rule:target_rd_met"]


def test_rows_added_to_the_target_table_go_under_a_direction_of_the_original(report) -> None:
    values = {
        "work_targets": {
            "added": [
                {"direction": "创新", "label": "PCT申请量", "unit": "个", "target_2024": "5", "actual_2024": "6"},
                {"direction": "人才", "label": "引进人才", "target_2024": "5", "actual_2024": "6"},
            ]
        }
    }
    found = [i for i in validate(report, values, for_submit=False) if i.field == "work_targets"]
    assert len(found) == 1 and "方向“人才”不在原表所列方向内" in found[0].message and found[0].row == 10


def test_patents_per_ten_thousand_employees_is_computed_and_explains_itself(report) -> None:
    comp = compute(report, {"sme_invention_patents": "360", "sme_employees": "12000"})["patents_per_10k"]
    assert comp.value == Decimal("300.00")
    assert "集群内中小企业有效发明专利拥有量" in comp.explanation and "= 300.00" in comp.explanation


def test_the_district_assessment_is_not_asked_of_the_operator(report) -> None:
    values = complete_values(report, operator_changed="no", leading_industry_changed="no")
    for key in ("district_assessment", "district_seal", "district_date"):
        del values[key]
    assert _submit(report, values) == []
