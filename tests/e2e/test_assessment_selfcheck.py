"""The self-check in the browser: every rule explained, and a reviewer's judgment recorded."""

from __future__ import annotations

import re

import pytest

from apps.assessment.models import RuleJudgment
from tests.e2e.conftest import ARTIFACTS, shoot
from tests.factories_assessment import dossier_data, stored_dossier

pytestmark = pytest.mark.e2e


@pytest.fixture
def mixed(world):
    """A dossier giving every verdict: SME R&D growth below 5 % (不通过), the leading-industry share
    exactly on 50.00 % (需人工判断: 以上 vs the footnote's 高于), no industrial-internet figure
    (资料不全), the rest passing, qualitative items for a reviewer."""
    data = dossier_data(
        {
            "sme_rd_expense": {"2022": "20000.00", "2023": "20500.00", "2024": "21000.00"},
            "leading_industry_output_share": {"2024": "50.00"},
            "iip_penetration": None,
        }
    )
    stored_dossier(world.cluster_pudong, data, label="2025年申报表")
    (ARTIFACTS / "assessment").mkdir(parents=True, exist_ok=True)
    return world


def test_operator_opens_the_self_check_and_every_rule_is_explained(mixed, page, live_server, login):
    world = mixed
    login(world.operator)
    page.click('nav >> text="评估"')
    page.click(f"#assessment-clusters tr:has-text('{world.cluster_pudong.name}') >> text=认定条件自查")
    page.wait_for_url(f"{live_server.url}/assessment/clusters/{world.cluster_pudong.pk}/self-check/")
    assert "总体结论：不符合" in page.locator("[data-testid=verdict]").inner_text()

    rules = page.locator("article.assessment-rule")
    assert rules.count() == 27
    statuses = set()
    for i in range(rules.count()):
        rule = rules.nth(i)
        statuses.add(rule.get_attribute("data-status"))
        explanation = rule.locator("[data-testid=rule-explanation]")
        assert explanation.is_visible()
        assert len(explanation.inner_text().strip()) > 10, rule.get_attribute("data-rule-id")
        assert rule.locator("[data-testid=rule-status]").inner_text() in {
            "通过",
            "不通过",
            "警示",
            "需人工判断",
            "资料不全",
        }
    assert {"pass", "fail", "judgment", "missing"} <= statuses

    growth = page.locator("article[data-rule-id='sh.6.5.rd_growth']")
    assert "不通过" in growth.locator("[data-testid=rule-status]").inner_text()
    assert "集群近三年中小企业研发经费年均增长 5%以上" in growth.inner_text()  # the wording, verbatim
    assert "cagr(sme_rd_expense[Y-2], sme_rd_expense[Y], 2)" in growth.inner_text()
    boundary = page.locator("article[data-rule-id='sh.6.2.leading_share']")
    assert "两处依据不一致，以规章为准" in boundary.inner_text()
    missing = page.locator("article[data-rule-id='sh.6.6.iip']")
    assert "缺少“" in missing.inner_text() and "资料不全" in missing.inner_text()
    shoot(page, "assessment/selfcheck-operator")


def test_district_saves_the_result_and_records_a_judgment_in_the_browser(mixed, page, live_server, login):
    world = mixed
    login(world.district)
    page.goto(f"{live_server.url}/assessment/clusters/{world.cluster_pudong.pk}/self-check/")
    page.click("text=保存本次评估结果")
    page.wait_for_url(f"{live_server.url}/assessment/records/*/")
    chain = page.locator("article[data-rule-id='sh.6.4.chain']")
    chain.locator("input[value=pass]").check()
    chain.locator("textarea[name=comment]").fill("已查看产业链图谱，符合")
    chain.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/assessment/records/\d+/#rule-sh\.6\.4\.chain$"))
    assert "已记录对“产业链供应链协作高效”的判断" in page.locator("main").inner_text()
    chain = page.locator("article[data-rule-id='sh.6.4.chain']")
    assert "已查看产业链图谱，符合" in chain.locator("[data-testid=rule-judgment]").inner_text()
    assert page.locator("[data-testid=verdict-after]").is_visible()
    assert RuleJudgment.objects.get().decided_by == world.district
    shoot(page, "assessment/record-judgment-district")
