"""Validators of the definition layer, on the Shanghai 2025 application template."""

from __future__ import annotations

import pytest

from apps.filings.definitions import NONE_MARK, load_template, submission_blocked, validate


@pytest.fixture(scope="module")
def sh2025():
    return load_template("sh_municipal_application", "2025")


def issues_for(template, values, key, *, for_submit=False, evidenced=()):
    return [i for i in validate(template, values, for_submit=for_submit, evidenced=set(evidenced)) if i.field == key]


def test_text_in_a_number_is_an_error_naming_the_field_and_year(sh2025) -> None:
    found = issues_for(sh2025, {"output_value": {"2023": "三十亿"}}, "output_value")
    assert [(i.severity, i.year) for i in found] == [("error", 2023)]
    assert "集群总产值/营业收入（亿元）" in found[0].message and "不是数字" in found[0].message


def test_three_decimals_are_refused_and_two_are_accepted(sh2025) -> None:
    assert "最多保留2位小数" in issues_for(sh2025, {"area_km2": "12.345"}, "area_km2")[0].message
    assert issues_for(sh2025, {"area_km2": "12.34"}, "area_km2") == []


def test_two_hundred_and_one_characters_exceed_a_two_hundred_character_field(sh2025) -> None:
    # The 2025 application's narratives are 2000 字; a short text field carries the 100-字 limit.
    assert issues_for(sh2025, {"cluster_name": "集" * 100}, "cluster_name") == []
    found = issues_for(sh2025, {"cluster_name": "集" * 101}, "cluster_name")
    assert "限100字以内（现有101字）" in found[0].message


def test_characters_not_bytes_are_counted_in_a_narrative(sh2025) -> None:
    assert issues_for(sh2025, {"plan_problems": "问" * 2000}, "plan_problems") == []
    found = issues_for(sh2025, {"plan_problems": "问" * 2001}, "plan_problems")
    assert any("2000字以内" in i.message for i in found)


def test_the_section_limit_counts_all_narratives_of_the_section_together(sh2025) -> None:
    values = {"plan_overview": "甲" * 1500, "plan_problems": "乙" * 501}
    found = [i for i in validate(sh2025, values, for_submit=False) if i.code == "plan:len"]
    assert len(found) == 1 and "全文限2000字以内（现有2001字）" in found[0].message


def test_a_negative_count_is_refused(sh2025) -> None:
    found = issues_for(sh2025, {"firm_count": {"2024": "-3"}}, "firm_count")
    assert "不能为负数" in found[0].message


def test_a_fractional_count_is_refused(sh2025) -> None:
    assert "应为整数" in issues_for(sh2025, {"firm_count": {"2024": "3.5"}}, "firm_count")[0].message


def test_one_hundred_and_twenty_percent_is_refused_but_a_growth_rate_may_exceed_it(sh2025) -> None:
    found = issues_for(sh2025, {"sme_output_share": {"2022": "120"}}, "sme_output_share")
    assert "应在0–100之间" in found[0].message
    assert issues_for(sh2025, {"fdi_growth": "120"}, "fdi_growth") == []
    assert issues_for(sh2025, {"fdi_growth": "-12.5"}, "fdi_growth") == []


def test_none_is_an_answer_but_blank_is_not_at_submission(sh2025) -> None:
    blank = issues_for(sh2025, {}, "fdi_amount", for_submit=True)
    assert "必填项" in blank[0].message and "无相关情况请填写“无”" in blank[0].message
    assert issues_for(sh2025, {"fdi_amount": NONE_MARK}, "fdi_amount", for_submit=True) == []


def test_none_is_refused_where_the_document_demands_a_value(sh2025) -> None:
    found = issues_for(sh2025, {"area_km2": NONE_MARK}, "area_km2")
    assert "不能填“无”" in found[0].message


def test_blank_required_items_do_not_block_a_draft_save(sh2025) -> None:
    assert validate(sh2025, {}, for_submit=False) == []


def test_sme_count_above_firm_count_is_an_error_for_that_year(sh2025) -> None:
    values = {"firm_count": {"2024": "100"}, "sme_count": {"2024": "101"}}
    found = issues_for(sh2025, values, "sme_count")
    assert [(i.year, i.severity) for i in found] == [(2024, "error")]
    assert "2024年集群中小企业数量不能大于集群企业数量" in found[0].message


def test_each_quality_firm_count_is_checked_against_the_firm_count(sh2025) -> None:
    values = {
        "firm_count": {"2023": "10"},
        "little_giant_count": {"2023": "11"},
        "single_champion_count": {"2023": "2"},
    }
    assert [i.year for i in issues_for(sh2025, values, "little_giant_count")] == [2023]
    assert issues_for(sh2025, values, "single_champion_count") == []


def test_a_share_inconsistent_with_its_counts_is_a_warning_that_an_explanation_releases(sh2025) -> None:
    values = {"sme_count": {"2024": "200"}, "cloud_sme_count": {"2024": "50"}, "cloud_sme_ratio": {"2024": "30.00"}}
    [warning] = issues_for(sh2025, values, "cloud_sme_ratio")
    assert warning.severity == "warning" and warning.blocking
    values["_explanations"] = {warning.code: "比例按全部集群企业计算"}
    [explained] = issues_for(sh2025, values, "cloud_sme_ratio")
    assert explained.explained and not explained.blocking
    values["cloud_sme_ratio"] = {"2024": "25.00"}
    assert issues_for(sh2025, values, "cloud_sme_ratio") == []


def test_area_over_the_soft_limit_is_a_warning_not_an_error(sh2025) -> None:
    [issue] = issues_for(sh2025, {"area_km2": "120"}, "area_km2")
    assert issue.severity == "warning" and "一般不超过100平方公里" in issue.message


def test_a_checked_box_without_evidence_blocks_submission_only(sh2025) -> None:
    values = {"chain_cultivation": {"checked": ["chain_map"]}}
    assert issues_for(sh2025, values, "chain_cultivation") == []
    [missing] = issues_for(sh2025, values, "chain_cultivation", for_submit=True)
    assert missing.option == "chain_map" and "需上传佐证材料" in missing.message
    assert (
        issues_for(sh2025, values, "chain_cultivation", for_submit=True, evidenced={"chain_cultivation.chain_map"})
        == []
    )


def test_other_needs_its_text(sh2025) -> None:
    values = {"chain_cultivation": {"checked": ["other"]}}
    found = issues_for(sh2025, values, "chain_cultivation", evidenced={"chain_cultivation.other"})
    assert "请填写具体内容" in found[0].message
    values["chain_cultivation"]["other_text"] = "组建产业链党建联盟"
    assert issues_for(sh2025, values, "chain_cultivation") == []


def test_count_and_names_must_agree(sh2025) -> None:
    found = issues_for(sh2025, {"platforms_national": {"count": "2", "names": "甲平台"}}, "platforms_national")
    assert found[0].severity == "warning" and "列出了1个名称" in found[0].message
    ok = {"platforms_national": {"count": "2", "names": "甲平台、乙中心"}}
    assert issues_for(sh2025, ok, "platforms_national") == []


def test_a_full_valid_submission_is_not_blocked_by_the_declaration_once_signed(sh2025) -> None:
    values = {
        "truth_declaration": {"agreed": True, "signatures": {"0": "张三", "1": "某运营公司"}, "date": "2025-05-01"}
    }
    assert issues_for(sh2025, values, "truth_declaration", for_submit=True) == []
    unsigned = issues_for(sh2025, {"truth_declaration": {"agreed": True}}, "truth_declaration", for_submit=True)
    assert any("缺少单位负责人（签字）" in i.message for i in unsigned)
    assert submission_blocked(unsigned)


def test_target_table_rows_take_numbers_and_the_qualitative_rows_take_text(sh2025) -> None:
    values = {
        "plan_targets": {
            "fixed": {"output_cagr": {"target_2027": "十二"}, "openness": {"target_2027": "与德国园区建立合作"}},
            "added": [{"direction": "创新", "label": "PCT申请量", "unit": "个", "target_2027": "12.123"}],
        }
    }
    messages = [i.message for i in issues_for(sh2025, values, "plan_targets")]
    assert any("近三年集群产值年均增速" in m and "不是数字" in m for m in messages)
    assert any("新增第1行" in m and "最多保留2位小数" in m for m in messages)
    assert len(messages) == 2


def test_two_hundred_and_one_characters_in_a_two_hundred_character_narrative_are_refused() -> None:
    national = load_template("national_application", "2025")
    assert issues_for(national, {"chain_narrative": "链" * 200}, "chain_narrative") == []
    [issue] = issues_for(national, {"chain_narrative": "链" * 201}, "chain_narrative")
    assert issue.message == "“集群产业链强链补链情况”限200字以内（现有201字）"


def test_operator_change_statement_is_required_only_when_the_operator_changed() -> None:
    rereview = load_template("national_rereview", "2025")
    key = "operator_change_statement"
    assert issues_for(rereview, {"operator_changed": "no"}, key, for_submit=True) == []
    [issue] = issues_for(rereview, {"operator_changed": "yes"}, key, for_submit=True)
    assert "集群运营管理机构变化情况说明" in issue.message and "必填" in issue.message
    assert (
        issues_for(rereview, {"operator_changed": "yes", key: "原运营公司重组，由新公司承接。"}, key, for_submit=True)
        == []
    )


def test_a_hidden_field_is_not_validated() -> None:
    national = load_template("national_application", "2025")
    values = {"major_accidents": "no"}
    assert issues_for(national, values, "major_accidents_statement", for_submit=True) == []
    values["major_accidents"] = "yes"
    [issue] = issues_for(national, values, "major_accidents_statement", for_submit=True)
    assert "请上传" in issue.message


def test_a_2027_target_below_ten_percent_growth_is_a_warning_citing_note_a() -> None:
    national = load_template("national_application", "2025")
    values = {"plan_targets": {"fixed": {"output_cagr": {"baseline_2024": "12.00", "target_2027": "9.50"}}}}
    found = [i for i in issues_for(national, values, "plan_targets") if i.code == "rule:target_output_growth"]
    assert found and found[0].severity == "warning" and "备注 a" in found[0].message
