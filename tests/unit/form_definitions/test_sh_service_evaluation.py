"""The Shanghai service evaluation form 2025 (000 附件3): points, items, evidence and numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.filings.definitions import indicator_values, load_template, validate
from tests.unit.form_definitions.builders import complete_values, evidence_slots


@pytest.fixture(scope="module")
def form():
    return load_template("sh_service_evaluation", "2025")


def _issues(form, values, key, *, submit=True, evidenced=None):  # type: ignore[no-untyped-def]
    slots = evidence_slots(form, values) if evidenced is None else evidenced
    return [i for i in validate(form, values, for_submit=submit, evidenced=slots) if i.field == key]


def test_section_points_are_data_ten_forty_thirty_twenty_and_twenty_bonus(form) -> None:
    points = {s.number: s.points for s in form.sections if s.points is not None}
    assert points == {"二": 10, "三": 40, "四": 30, "五": 20, "六": 20}
    assert sum(p for n, p in points.items() if n != "六") == 100


def test_a_fully_filled_evaluation_has_no_issue_at_submission(form) -> None:
    values = complete_values(form)
    assert validate(form, values, for_submit=True, evidenced=evidence_slots(form, values)) == []


def test_the_overall_narrative_is_limited_to_five_hundred_characters(form) -> None:
    assert _issues(form, {"overall_narrative": "服" * 500}, "overall_narrative", submit=False) == []
    [issue] = _issues(form, {"overall_narrative": "服" * 501}, "overall_narrative", submit=False)
    assert "限500字以内（现有501字）" in issue.message


def test_the_numbers_of_the_form_are_checked_by_their_unit(form) -> None:
    assert "应为整数" in _issues(form, {"service_staff": "3.5"}, "service_staff", submit=False)[0].message
    assert "0–100" in _issues(form, {"service_coverage": "120"}, "service_coverage", submit=False)[0].message
    assert "不能为负数" in _issues(form, {"demands_handled": "-1"}, "demands_handled", submit=False)[0].message
    money = {"financing": {"checked": ["financing_services"], "counts": {"financing_services": "1250.50"}}}
    assert _issues(form, money, "financing", submit=False) == []
    share = {"digital_platform": {"checked": ["digital_assessment"], "counts": {"digital_assessment": "130"}}}
    assert "0–100" in _issues(form, share, "digital_platform", submit=False)[0].message


def test_a_checked_item_with_a_blank_needs_its_number(form) -> None:
    values = {"talent_sharing": {"checked": ["talent_events"]}}
    found = _issues(form, values, "talent_sharing", evidenced={"talent_sharing.talent_events"})
    assert [i.message for i in found] == ["“开展人才资源对接活动”请填写数量（次）"]


def test_every_checked_item_and_the_numbers_that_say_so_need_evidence(form) -> None:
    values = {"enterprise_visits": {"checked": ["leaders_visit", "responsive"]}, "demands_handled": "36"}
    visits = _issues(form, values, "enterprise_visits", evidenced=set())
    assert sorted(i.option for i in visits) == ["leaders_visit", "responsive"]
    assert "佐证材料" in _issues(form, values, "demands_handled", evidenced=set())[0].message
    recognition = _issues(form, {"recognition": "获评国家级服务型制造示范平台。"}, "recognition", evidenced=set())
    assert "佐证材料" in recognition[0].message
    assert _issues(form, {"recognition": "无"}, "recognition", evidenced=set()) == []


def test_the_satisfaction_level_is_one_tier_and_needs_evidence_unless_none(form) -> None:
    [issue] = _issues(form, {"satisfaction_level": "above_85"}, "satisfaction_level", evidenced=set())
    assert "满意率85%以上" in issue.message and "佐证材料" in issue.message
    assert (
        _issues(form, {"satisfaction_level": "above_85"}, "satisfaction_level", evidenced={"satisfaction_level"}) == []
    )
    assert _issues(form, {"satisfaction_level": "无"}, "satisfaction_level", evidenced=set()) == []


def test_the_city_pilot_item_is_for_pudong_and_songjiang_clusters_only(form) -> None:
    checked = {"digital_platform": {"checked": ["city_pilot"]}}
    [issue] = _issues(form, {**checked, "cover_district": "黄浦区"}, "digital_platform", submit=False)
    assert issue.severity == "warning" and "限浦东、松江集群" in issue.message
    assert _issues(form, {**checked, "cover_district": "松江区"}, "digital_platform", submit=False) == []


def test_counts_of_the_checked_items_become_indicator_values_of_2024(form) -> None:
    values = {
        "talent_sharing": {"checked": ["talent_events"], "counts": {"talent_events": "4"}},
        "financing": {"checked": ["financing_services"], "counts": {"financing_services": "1250.50"}},
        "service_investment": "86.00",
    }
    found = {code: (year, value) for code, year, value in indicator_values(form, values)}
    assert found["talent_matching_events"] == (2024, Decimal("4"))
    assert found["financing_supported_amount"] == (2024, Decimal("1250.50"))
    assert found["service_investment"] == (2024, Decimal("86.00"))
