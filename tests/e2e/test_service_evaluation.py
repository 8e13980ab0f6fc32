"""The service-evaluation track in headless chromium (沪经信规范〔2024〕1号 第十七条; 沪经信企〔2025〕73号
附件3): the operator submits its self-assessment → the city assigns the third-party evaluator →
the evaluator reads the form, scores every rubric item and submits with an opinion (the workflow
moves to 市级确认等级 by itself) → the city reads the aggregate and its explanation and confirms
the grade → the operator sees the confirmed grade. Each step's to-do is checked on the home page.

Driven through the pages, except the self-assessment's values and evidence, filled by the filings
services (`fill_application`; typing a whole form is the filings end-to-end test's job).
Screenshots: test-artifacts/service_evaluation/NN-<step>.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_DOWN, Decimal
from typing import Any

import pytest

from apps.assessment.scoring import get_rubric
from apps.workflow.demo_forms import fill_application
from apps.workflow.models import Submission
from apps.workflow.services.evaluation import evaluation_for
from tests.e2e.conftest import ARTIFACTS
from tests.factories import TEST_PASSWORD
from tests.factories_evaluation import started_evaluation

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "service_evaluation"


class Browsers:
    """One logged-in tab per user; screenshots numbered in order."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser, self.base = browser, base
        self.pages: dict[str, Any] = {}
        self.shot = 0

    def go(self, user: Any, path: str) -> Any:
        if user.username not in self.pages:
            context = self.browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
            page = context.new_page()
            page.set_default_timeout(20_000)
            page.on("dialog", lambda dialog: dialog.accept())  # “确定提交？”
            page.goto(f"{self.base}/accounts/login/")
            page.fill("#id_username", user.username)
            page.fill("#id_password", TEST_PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(f"{self.base}/")
            self.pages[user.username] = page
        page = self.pages[user.username]
        page.goto(self.base + path)
        return page

    def todos(self, user: Any) -> list[tuple[str, str]]:
        page = self.go(user, "/")
        items = []
        for li in page.locator("#todos li").all():
            link = li.locator("a")
            if link.count():
                items.append((li.locator(".badge").first.inner_text().strip(), link.first.get_attribute("href") or ""))
        return items

    def snap(self, page: Any, name: str) -> None:
        self.shot += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{self.shot:02d}-{name}.png"), full_page=True)

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture
def tabs(browser: Any, live_server: Any) -> Iterator[Browsers]:
    b = Browsers(browser, live_server.url)
    yield b
    b.close()


def _no_error(page: Any) -> None:
    alerts = page.locator(".alert-danger").all_inner_texts()
    assert not alerts, alerts


def test_self_assessment_third_party_scoring_and_the_city_confirmed_grade_seen_by_the_operator(
    tabs: Browsers, world: Any
) -> None:
    sub = started_evaluation(world)
    detail = f"/workflow/submissions/{sub.pk}/"
    # 1. The operator: the form's values and evidence by the services, then 提交自评 on the page.
    fill_application(actor=world.operator, filing=sub.subject)
    page = tabs.go(world.operator, detail)
    assert "提交前检查已通过" in page.locator("#form-check").inner_text()
    page.locator("#action-submit button[type=submit]").click()
    page.wait_for_load_state()
    _no_error(page)
    assert page.locator("#stage").inner_text() == "已提交，第三方评价中"
    tabs.snap(page, "operator-submitted")

    # 2. The city: 待分配评价人员 → assign the evaluator on the submission page.
    assert ("待分配评价人员", detail) in tabs.todos(world.city_staff)
    assert tabs.todos(world.evaluator) == []
    page = tabs.go(world.city_staff, detail)
    page.check(f"#evaluator-{world.evaluator.pk}")
    page.locator("#evaluation-assign button[type=submit]").click()
    page.wait_for_load_state()
    _no_error(page)
    assert world.evaluator.username in page.locator("#evaluator-panel").inner_text() or str(world.evaluator) in (
        page.locator("#evaluator-panel").inner_text()
    )
    tabs.snap(page, "city-assigned")
    evaluation = evaluation_for(Submission.objects.get(pk=sub.pk))
    score_path = f"/assessment/evaluations/{evaluation.pk}/score/"
    assert ("待分配评价人员", detail) not in tabs.todos(world.city_staff)

    # 3. The evaluator: 待评分 → the self-assessment (read-only) → score every item → submit.
    assert tabs.todos(world.evaluator) == [("待评分", score_path)]
    page = tabs.go(world.evaluator, detail)
    assert page.locator("#form-view").count() == 1 and page.locator("#form-edit").count() == 0
    page.click("#evaluation-score")
    page.wait_for_url(f"{tabs.base}{score_path}")
    rubric = get_rubric(evaluation.rubric_code)
    for item in rubric.items():
        points = (item.max * Decimal("0.85")).quantize(Decimal("0.01"), ROUND_DOWN)
        page.fill(f"#p-{item.code}", str(points))
    page.fill("#opinion", "服务体系较健全，特色服务突出；满意度调查样本偏少。")
    tabs.snap(page, "evaluator-scoring")
    page.get_by_role("button", name="保存并提交").click()
    page.wait_for_load_state()
    _no_error(page)
    assert "已提交本人评分" in page.content()
    sub.refresh_from_db()
    assert sub.state == "city_confirmation"
    assert tabs.todos(world.evaluator) == []

    # 4. The city: 待确认等级 → the aggregate with its explanation → confirm the proposed grade.
    assert ("待确认等级", detail) in tabs.todos(world.city_staff)
    page = tabs.go(world.city_staff, detail)
    explanation = page.locator("#evaluation-explanation").inner_text()
    assert f"汇总得分：{sub.data['score']} 分" in explanation and "1 位评价人员的平均分" in explanation
    assert f"建议等级：{sub.data['proposed_grade']}" in explanation
    tabs.snap(page, "city-confirmation")
    card = page.locator("#action-city_confirm_grade")
    card.locator("#city_confirm_grade-grade").select_option(sub.data["proposed_grade"])
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    _no_error(page)
    sub.refresh_from_db()
    assert sub.state == "confirmed"
    assert ("待确认等级", detail) not in tabs.todos(world.city_staff)

    # 5. The operator sees the confirmed grade (and whether it opens the cultivation fund).
    page = tabs.go(world.operator, detail)
    grade = page.locator("#confirmed-grade").inner_text()
    assert f"评价等级（市级确认）：{sub.data['grade']}" in grade and "专项资金" in grade
    assert page.locator("#stage").inner_text() == "评价等级已确认"
    tabs.snap(page, "operator-confirmed-grade")
    page = tabs.go(world.operator, f"/clusters/{world.cluster_pudong.pk}/")
    assert sub.data["grade"] in page.locator("#service-grade").inner_text()
