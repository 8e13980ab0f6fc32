"""The earlier Shanghai application (001, data years 2020–2022): its own rows, wording and rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.filings.definitions import compute, list_templates, load_template, validate
from tests.unit.form_definitions.builders import complete_values, evidence_slots

FAVOURABLE = {"banned_industry": "no", "major_accidents": "no", "tax_evasion": "no"}


@pytest.fixture(scope="module")
def old():
    return load_template("sh_municipal_application", "2020-2022")


def _submit(template, values):  # type: ignore[no-untyped-def]
    return validate(template, values, for_submit=True, evidenced=evidence_slots(template, values))


def test_the_version_is_named_by_its_data_years_and_sorts_before_2025(old) -> None:
    assert old.data_years == (2020, 2021, 2022) and old.reference_year == 2022
    versions = [i.version for i in list_templates() if i.code == "sh_municipal_application"]
    assert versions == ["2020-2022", "2025", "2025.2"]


def test_its_instructions_are_the_28_points_in_their_numbering(old) -> None:
    assert len(old.instructions) == 28
    assert old.instructions[4] == "未注明填报年度的，请填写截止到2022年底的数据。"
    assert old.instructions[27].startswith("未来三年中小企业特色产业集群发展规划中的发展目标")


def test_a_fully_filled_application_has_no_issue_at_submission(old) -> None:
    values = complete_values(old, **FAVOURABLE)
    assert _submit(old, values) == []


def test_its_own_domain_list_asks_for_the_new_track_and_future_industry_by_name(old) -> None:
    labels = [o.label for o in old.field("domain").options]
    assert labels[-2:] == ["新赛道", "未来产业"] and "元宇宙" not in labels
    values = complete_values(old, **FAVOURABLE, domain={"checked": ["new_track"]})
    del values["new_track_name"]
    [issue] = [i for i in _submit(old, values) if i.field == "new_track_name"]
    assert "必填" in issue.message
    del values["future_industry_name"]  # not ticked: not asked
    assert [i for i in _submit(old, values) if i.field == "future_industry_name"] == []


def test_imported_technology_must_be_explained_when_ticked(old) -> None:
    values = complete_values(old, **FAVOURABLE, intl_activities={"checked": ["introduced_tech"]})
    values["introduced_tech_detail"] = ""
    assert [i.field for i in _submit(old, values)] == ["introduced_tech_detail"]


def test_the_200_character_narratives_of_the_2020_2022_form(old) -> None:
    for key in ("chain_narrative", "digital_narrative", "green_narrative", "intl_narrative", "environment_narrative"):
        assert old.field(key).max_chars == 200
        assert [i for i in validate(old, {key: "字" * 200}, for_submit=False) if i.field == key] == []
        [issue] = [i for i in validate(old, {key: "字" * 201}, for_submit=False) if i.field == key]
        assert "限200字以内（现有201字）" in issue.message


def test_is_it_questions_warn_on_the_adverse_answer(old) -> None:
    values = complete_values(old, **{**FAVOURABLE, "major_accidents": "yes"})
    [issue] = _submit(old, values)
    assert issue.field == "major_accidents" and issue.severity == "warning" and "不符合集群认定条件" in issue.message


def test_the_three_year_growth_is_geometric_over_2020_to_2022(old) -> None:
    values = {
        "output_value": {"2020": "100", "2022": "144"},
        "leading_industry_output_share": {"2020": "50", "2022": "50"},
    }
    comp = compute(old, values)["leading_industry_output_cagr"]
    assert comp.value == Decimal("20.00") and "2022" in comp.formula and "2020" in comp.formula


def test_the_carbon_monitoring_answer_and_its_box_must_agree(old) -> None:
    values = complete_values(old, **FAVOURABLE, carbon_monitoring="no")
    [issue] = _submit(old, values)
    assert issue.code == "rule:carbon_monitoring_consistent" and issue.severity == "warning"
