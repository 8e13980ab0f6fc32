"""The Shanghai district summary outline 2025 (000 附件2)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings

from apps.filings.definitions import load_template, validate
from apps.filings.definitions.manifest import read_manifest
from tests.unit.form_definitions.builders import complete_values, evidence_slots


@pytest.fixture(scope="module")
def summary():
    return load_template("sh_district_summary", "2025")


def test_the_six_parts_of_the_outline_are_numbered_sections_with_one_narrative_each(summary) -> None:
    numbered = [s for s in summary.sections if s.number]
    assert [s.heading for s in numbered] == [
        "一、总体情况",
        "二、推进措施",
        "三、典型案例",
        "四、存在问题",
        "五、2025年工作计划",
        "六、工作建议",
    ]
    assert all([f.kind for f in s.fields] == ["narrative"] for s in numbered)
    assert summary.subtitle == "（大纲）" and summary.filled_by == "区级中小企业主管部门"


def test_a_complete_summary_has_no_issue_and_a_long_narrative_is_not_cut(summary) -> None:
    values = complete_values(summary, signed_on="2025-03-28", cases="案例" * 5000)
    assert validate(summary, values, for_submit=True, evidenced=evidence_slots(summary, values)) == []


def test_every_part_is_required_but_may_be_answered_with_none(summary) -> None:
    values = complete_values(summary, signed_on="2025-03-28")
    del values["suggestions"]
    [issue] = validate(summary, values, for_submit=True)
    assert issue.field == "suggestions" and "必填" in issue.message
    assert validate(summary, {**values, "suggestions": "无"}, for_submit=True) == []


def test_a_summary_signed_after_the_deadline_is_a_warning(summary) -> None:
    values = complete_values(summary, signed_on="2025-04-02")
    [issue] = validate(summary, values, for_submit=True)
    assert issue.severity == "warning" and "3月31日" in issue.message


def test_the_district_department_applies_with_the_published_2025_summary_through_its_listed_overlay(
    summary,
) -> None:
    overlay = Path(settings.BASE_DIR) / "data" / "form_templates" / "sh_district_summary" / "2025.applicant.yaml"
    digest = hashlib.sha256(overlay.read_bytes()).hexdigest()
    assert summary.applicant == "county" and summary.applicant_overlay_sha256 == digest
    assert read_manifest()["sh_district_summary/2025.applicant.yaml"] == digest


def test_the_published_2025_summary_is_about_the_district_through_its_listed_subject_overlay(summary) -> None:
    overlay = Path(settings.BASE_DIR) / "data" / "form_templates" / "sh_district_summary" / "2025.subject.yaml"
    digest = hashlib.sha256(overlay.read_bytes()).hexdigest()
    assert summary.subject == "district" and summary.subject_overlay_sha256 == digest
    assert read_manifest()["sh_district_summary/2025.subject.yaml"] == digest
    assert load_template("sh_annual_report", "2025").subject == "cluster"
