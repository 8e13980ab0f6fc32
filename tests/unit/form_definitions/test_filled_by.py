"""填写方 (`filled_by`): which party fills a field — the applicant, or the reviewing district /
city / province (their opinion, seal and date). A closed vocabulary checked by the schema, a
section default, and the applicant's submission not requiring the reviewer's fields."""

from __future__ import annotations

from apps.filings.definitions import load_template, validate
from apps.filings.definitions.loader import check_template_text

HEAD = """\
code: demo
version: "1"
title: 演示表
source: 测试
status: draft
data_years: [2024]
sections:
"""

BODY = """\
  - key: s1
    title: 基本情况
    fields:
      - {key: name, label: 集群名称, kind: text, max_chars: 50}
  - key: s2
    title: 推荐意见
    filled_by: district
    fields:
      - {key: opinion, label: 区级中小企业主管部门推荐意见, kind: text, max_chars: 100}
      - {key: seal, label: 推荐单位（公章）, kind: text, max_chars: 50, required: false}
      - {key: extra, label: 市级意见, kind: text, max_chars: 50, filled_by: city, required: false}
"""


def _problems(body: str) -> list[str]:
    _template, problems = check_template_text(HEAD + body, "data/form_templates/demo/1.yaml")
    return [str(p) for p in problems]


def test_a_section_names_the_default_party_and_a_field_may_name_its_own() -> None:
    template, problems = check_template_text(HEAD + BODY, "demo/1.yaml")
    assert problems == [] and template is not None
    assert [template.field(k).filled_by for k in ("name", "opinion", "seal", "extra")] == [
        "applicant",
        "district",
        "district",
        "city",
    ]
    assert template.field("opinion").filled_by_note == "由区级中小企业主管部门填写"
    assert template.field("name").filled_by_note == ""
    assert template.reviewer_parties == ["district", "city"]


def test_an_unknown_party_is_refused_naming_the_file_and_the_path() -> None:
    [problem] = _problems(BODY.replace("filled_by: city", "filled_by: county_office"))
    assert problem.startswith("data/form_templates/demo/1.yaml:")
    assert "sections[1].fields[2].filled_by" in problem
    assert "填写方“county_office”不在允许范围内" in problem and "district（区级中小企业主管部门）" in problem


def test_a_reviewer_cannot_be_named_for_a_declaration_or_computed_field() -> None:
    body = BODY + "      - {key: decl, label: 真实性声明, kind: declaration, statement: 承诺, signers: [负责人]}\n"
    [problem] = _problems(body)
    assert "sections[1].fields[3]" in problem and "声明" in problem and "只能由申报（填报）单位填写" in problem


def test_the_applicants_submission_does_not_require_the_reviewers_fields_but_the_reviewers_does() -> None:
    template, _ = check_template_text(HEAD + BODY, "demo/1.yaml")
    assert template is not None
    assert validate(template, {"name": "甲集群"}, for_submit=True) == []
    by_district = validate(template, {"name": "甲集群"}, for_submit=True, party="district")
    assert [i.code for i in by_district] == ["opinion:blank"]
    too_long = validate(template, {"name": "甲集群", "seal": "章" * 60}, for_submit=True)
    assert [i.code for i in too_long] == ["seal:len"]  # format errors count whoever fills the field


def test_the_corrected_2025_forms_mark_the_reviewing_authoritys_fields() -> None:
    expected = {
        "sh_municipal_application": (
            "district",
            ["district_recommendation", "district_recommendation_seal", "district_recommendation_date"],
        ),
        "sh_annual_report": ("district", ["district_assessment", "district_seal", "district_date"]),
        "national_application": (
            "province",
            ["provincial_recommendation", "provincial_recommendation_seal", "provincial_recommendation_date"],
        ),
        "national_rereview": (
            "province",
            ["provincial_review_opinion", "provincial_review_seal", "provincial_review_date"],
        ),
    }
    for code, (party, keys) in expected.items():
        template = load_template(code, "2025.2")
        assert template.keys_filled_by(party) == keys, code
        assert template.reviewer_parties == [party], code
        assert template.field(keys[0]).required, code  # the opinion is required of the reviewer
        # The first 2025 files stay as published; their filled_by overlay assigns the same party.
        assert load_template(code, "2025").reviewer_parties == [party], code


def test_the_corrected_shanghai_application_has_the_seal_line_and_the_other_row() -> None:
    template = load_template("sh_municipal_application", "2025.2")
    assert template.field("district_recommendation_seal").label == "推荐单位（公章）"
    assert template.field("plan_targets").added_row_directions[-1] == "其它"
    assert "其它" not in load_template("sh_municipal_application", "2025").field("plan_targets").added_row_directions
