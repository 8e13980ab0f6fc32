"""The district summary (区级发展总结报告, 沪经信企〔2025〕73号 附件2) in headless chromium: the district
department opens a new one on 新建填报 — choosing the form leaves the cluster field out and shows
its own district instead — types a text, the narratives and the date (the form has no number
field), saves, submits it to the city; the city's staff find it in their list and open it.
Screenshots: test-artifacts/district_summary/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from apps.filings.definitions import current_templates
from apps.filings.models import Filing, FilingStatus
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

KEY = next(f"{t.code}@{t.version}" for t in current_templates() if t.code == "sh_district_summary")
SHOTS = ARTIFACTS / "district_summary"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_district_fills_and_submits_its_summary_and_the_city_opens_it(
    page: Any, live_server: Any, world: Any, login: Any
) -> None:
    login(world.district)
    page.goto(f"{live_server.url}/filings/new/")
    expect(page.locator("#cluster-field")).to_be_visible()
    page.select_option("#id_template", KEY)
    expect(page.locator("#cluster-field")).to_be_hidden()  # no cluster for a district-level form
    expect(page.locator("#district-subject")).to_have_text("本区：浦东新区")
    page.select_option("#id_year", "2025")
    _shot(page, "01-new")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/filings/*/edit/")
    filing = Filing.objects.get(template_code="sh_district_summary")
    assert filing.district == world.pudong and filing.cluster is None

    page.fill('[name="v:district_name"]', "浦东新区")
    page.fill('[name="v:overview"]', "浦东新区集群总体运行平稳，集群企业营业收入同比增长。")
    page.fill('[name="v:district_authority"]', "浦东新区科技和经济委员会")
    for key in ("measures", "cases", "problems", "plan_2025", "suggestions"):  # required; “无” is allowed
        page.fill(f'[name="v:{key}"]', "无")
    page.fill('[name="v:signed_on"]', "2025-03-28")
    page.click("#save-btn")
    expect(page.locator("#save-status")).to_contain_text("已保存", timeout=20_000)
    filing.refresh_from_db()
    assert filing.data["overview"] == "浦东新区集群总体运行平稳，集群企业营业收入同比增长。"
    assert filing.data["signed_on"] == "2025-03-28"
    _shot(page, "02-filled")

    page.click("#submit-btn")
    page.wait_for_url(f"**/filings/{filing.pk}/")
    expect(page.locator("main")).to_contain_text("已提交")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED

    page.context.clear_cookies()
    login(world.city_staff)
    page.goto(f"{live_server.url}/filings/")
    row = page.locator("main tr", has_text="浦东新区科经委")
    expect(row).to_have_count(1)
    row.locator("a").first.click()
    page.wait_for_url(f"**/filings/{filing.pk}/")
    expect(page.locator("main")).to_contain_text("浦东新区集群总体运行平稳，集群企业营业收入同比增长。")
    _shot(page, "03-city-opens")
