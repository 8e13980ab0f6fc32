"""A whole municipal cycle in headless chromium with the users of the test world (管理办法 第七–九条,
第十六条): the city publishes the call → the operator starts its application and submits →
the district returns it with a reason → the operator fixes the returned field and resubmits →
the district recommends → the city passes the formal review and assigns three experts → the
experts score → 拟认定 → 公示 with one objection recorded and handled → 认定 → the list is
published → next year's annual report campaign (on the current 2025.2 form): one operator submits,
another cluster's report is flagged overdue, the district confirms the submitted one typing its
考核意见 and seal, which the printed form shows. After every step each user's home page
(“需要我处理的事项”) shows exactly the review-cycle to-dos that are theirs.

Driven through the pages, except (each says so where it happens):
- the values and evidence of the application form (~200 values) and of the annual report are
  filled by the filings services (`fill_application`; typing a whole form is the filings
  end-to-end test's job); the fix after the return is typed in the form page;
- two extra experts are created (the test world has one) and the Huangpu cluster gets its
  earlier municipal recognition through the clusters service (its history);
- 公示 is recorded as the past week, since the page cannot wait seven days; the annual report
  deadline passing is simulated by moving the deadline into the past.
Screenshots: test-artifacts/workflow/NN-<step>.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from apps.clusters.models import ClusterStatus, Recognition
from apps.clusters.services import recognition_add
from apps.filings.models import FilingStatus
from apps.workflow.demo_forms import fill_application
from apps.workflow.models import Campaign, CampaignDeadline, Objection, Submission
from tests import factories_workflow as fw
from tests.e2e.conftest import ARTIFACTS
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "workflow"
ROLES = (
    "operator",
    "operator_huangpu",
    "district",
    "district_huangpu",
    "city_staff",
    "city_admin",
    "province_zj_admin",
    "ministry_user",
    "expert",
    "expert2",
    "expert3",
    "evaluator",
    "nobody",
)
CITY = ("city_staff", "city_admin")


class Cycle:
    """One logged-in browser tab per user of the world, screenshots numbered in order."""

    def __init__(self, browser: Any, base: str, users: dict[str, Any]) -> None:
        self.browser = browser
        self.base = base
        self.users = users
        self.pages: dict[str, Any] = {}
        self.shot = 0

    def page(self, role: str) -> Any:
        if role not in self.pages:
            context = self.browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
            page = context.new_page()
            page.set_default_timeout(20_000)
            page.goto(f"{self.base}/accounts/login/")
            page.fill("#id_username", self.users[role].username)
            page.fill("#id_password", TEST_PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(f"{self.base}/")
            self.pages[role] = page
        return self.pages[role]

    def go(self, role: str, path: str) -> Any:
        page = self.page(role)
        page.goto(self.base + path)
        return page

    def snap(self, page: Any, name: str, *, full_page: bool = True) -> None:
        self.shot += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{self.shot:02d}-{name}.png"), full_page=full_page)

    def todos(self, role: str) -> list[tuple[str, str]]:
        """(category, link) of the review-cycle items on the user's home page."""
        page = self.go(role, "/")
        items = []
        for li in page.locator("#todos li").all():
            link = li.locator("a")
            if link.count() == 0:
                continue
            href = link.first.get_attribute("href") or ""
            if href.startswith("/workflow/"):
                items.append((li.locator(".badge").first.inner_text().strip(), href))
        return sorted(items)

    def check_todos(self, step: str, expected: dict[str, list[tuple[str, str]]]) -> None:
        """Every user sees exactly their own review-cycle to-dos (everyone not named: none)."""
        wrong = {}
        for role in ROLES:
            seen = self.todos(role)
            want = sorted(expected.get(role, []))
            if seen != want:
                wrong[role] = {"seen": seen, "expected": want}
        assert not wrong, f"{step}: to-dos differ: {wrong}"

    def act(self, role: str, sub: Submission, transition: str, comment: str = "", **fields: str) -> Any:
        """Apply a transition from its card on the submission page; returns the page after it."""
        page = self.go(role, f"/workflow/submissions/{sub.pk}/")
        card = page.locator(f"#action-{transition}")
        for selector, value in fields.items():
            card.locator(f"#{transition}-{selector}").fill(value)
        if comment:
            card.locator(f"#{transition}-comment").fill(comment)
        card.locator("button[type=submit]").click()
        page.wait_for_load_state()
        alerts = page.locator(".alert-danger").all_inner_texts()
        assert not alerts, f"{transition} refused: {alerts}"
        return page

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture
def cycle(browser: Any, live_server: Any, world: Any) -> Iterator[Cycle]:
    users = {role: getattr(world, role) for role in ROLES if hasattr(world, role)}
    users["expert2"] = fw.expert(world.expert_pool, "expert2", specialties=["biomedicine"], affiliation="某研究院")
    users["expert3"] = fw.expert(world.expert_pool, "expert3", specialties=["high_end_equipment"])
    c = Cycle(browser, live_server.url, users)
    yield c
    c.close()


def _deadline_input(days: int) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_a_whole_municipal_cycle_with_every_role_seeing_exactly_its_todos(cycle: Cycle, world: Any) -> None:
    # The Huangpu cluster was recognised in an earlier batch (its history, through the service).
    recognition_add(
        actor=None,
        cluster=world.cluster_huangpu,
        level="municipal",
        batch_year=2024,
        valid_from=timezone.localdate() - timedelta(days=400),
        document_number="沪经信企〔2024〕156号",
    )
    cycle.check_todos("before anything", {})

    # 1. The city publishes the call for 2025 municipal applications on the 2025 form.
    page = cycle.go("city_staff", "/workflow/campaigns/new/")
    page.fill("#document_number", "沪经信企〔2025〕73号")
    page.fill("#title", "关于做好2025年中小企业特色产业集群培育工作的通知")
    page.fill("#year", "2025")
    page.fill("#body", "请各区组织集群运营管理机构在线填写申报表并上传佐证材料。")
    page.check("#track__municipal_application")
    page.select_option("select[name=audience__municipal_application]", "new_applicants")
    page.select_option("select[name=template__municipal_application]", "sh_municipal_application@2025.2")
    page.fill("#deadline__application_submission", _deadline_input(20))
    page.fill("#deadline__district_review", _deadline_input(40))
    page.fill("#deadline__city_review", _deadline_input(70))
    page.fill("#recognition_prefix", "沪集群")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/workflow/campaigns/*/")
    page.get_by_role("button", name="发布通知").click()
    page.wait_for_load_state()
    campaign = Campaign.objects.get(document_number="沪经信企〔2025〕73号")
    assert campaign.status == "published"
    cycle.snap(page, "city-publishes-campaign")
    camp_url = f"/workflow/campaigns/{campaign.pk}/"
    # Only the Pudong operator has a cluster that may apply (Huangpu's holds a valid recognition).
    cycle.check_todos("call published", {"operator": [("可申报", camp_url)]})

    # 2. The operator starts the application from the campaign page: the form opens.
    page = cycle.go("operator", camp_url)
    page.select_option(f"#start-{campaign.tracks.get().pk} select[name=cluster]", str(world.cluster_pudong.pk))
    page.click(f"#start-{campaign.tracks.get().pk} button[type=submit]")
    page.wait_for_url("**/filings/*/edit/")
    sub = Submission.objects.get(campaign=campaign, cluster=world.cluster_pudong)
    filing = sub.subject
    assert filing is not None and filing.template_code == "sh_municipal_application"
    # The district's part of the form (九 推荐意见, 推荐单位（公章）) is read-only here, saying who fills it.
    opinion = page.locator("#field-district_recommendation")
    assert "由区级中小企业主管部门填写" in opinion.inner_text()
    assert opinion.locator("[name='v:district_recommendation']").is_disabled()
    sub_url = f"/workflow/submissions/{sub.pk}/"
    cycle.check_todos("application started", {"operator": [("草稿", sub_url)]})
    # The form's values and evidence: filled by the filings services (see the module doc).
    fill_application(actor=world.operator, filing=filing)
    page = cycle.go("operator", sub_url)
    assert "提交前检查已通过" in page.locator("#form-check").inner_text()
    cycle.snap(page, "operator-application-ready")
    page = cycle.act("operator", sub, "submit")
    assert page.locator("#stage").inner_text() == "已提交，区级初审中"
    cycle.snap(page, "operator-submitted")
    cycle.check_todos("submitted", {"district": [("区初审", sub_url)]})

    # 3. The district returns it: one field, with its reason.
    page = cycle.go("district", sub_url)
    card = page.locator("#action-district_return")
    card.locator("select[name=reason_field]").first.select_option("firm_count")
    card.locator("input[name=reason_text]").first.fill("2024年集群企业数量与所附企业清单条数不一致，请核对")
    card.locator("#district_return-comment").fill("请按意见修改后重新提交。")
    cycle.snap(page, "district-returns-with-reason")
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    sub.refresh_from_db()
    filing.refresh_from_db()
    assert sub.state == "returned" and filing.reopened_fields == ["firm_count"]
    cycle.check_todos("returned", {"operator": [("区初审退回修改", sub_url)]})

    # 4. The operator sees what is asked, fixes that field in the form page and resubmits.
    page = cycle.go("operator", sub_url)
    reasons = page.locator("#field-reasons").inner_text()
    assert "二、主导产业情况 · 集群企业数量" in reasons and "条数不一致" in reasons
    cycle.snap(page, "operator-sees-reasons")
    page.click("#form-edit")
    page.wait_for_url("**/filings/*/edit/")
    assert page.locator("[name='v:area_km2']").is_disabled(), "a field that was not returned stays closed"
    firms = page.get_by_label("集群企业数量 2024年", exact=True)
    firms.fill("457")
    revision = filing.revision
    page.click("#save-btn")
    page.wait_for_function(f"document.querySelector('#save-status').innerText.includes('第 {revision + 1} 版')")
    firms.scroll_into_view_if_needed()
    cycle.snap(page, "operator-fixes-returned-field", full_page=False)  # the form page is very long
    filing.refresh_from_db()
    assert filing.data["firm_count"]["2024"] == "457"
    page = cycle.act("operator", sub, "resubmit", "已按意见核对企业清单并修改。")
    cycle.check_todos("resubmitted", {"district": [("区初审", sub_url)]})

    # 5. The district sees the diff and recommends.
    page = cycle.go("district", sub_url)
    diff = page.locator("#diff").inner_text()
    assert "集群企业数量" in diff and "2024年 458" in diff and "2024年 457" in diff
    assert "2023年" not in diff, "only the changed year is shown"
    cycle.snap(page, "district-sees-diff")
    page = cycle.go("district", sub_url)
    seal = page.locator("#district_recommend-sv-district_recommendation_seal")
    assert seal.input_value() == world.pudong.name  # the seal line defaults to the district
    page = cycle.act(
        "district",
        sub,
        "district_recommend",
        "材料齐全，符合申报条件，同意推荐。",
        **{"sv-district_recommendation_seal": "浦东新区科技和经济委员会"},
    )
    filing.refresh_from_db()
    assert filing.data["district_recommendation"] == "材料齐全，符合申报条件，同意推荐。"
    assert filing.data["district_recommendation_seal"] == "浦东新区科技和经济委员会"
    printed = cycle.go("operator", f"/filings/{filing.pk}/print/")
    assert "材料齐全，符合申报条件，同意推荐。" in printed.content() and "浦东新区科技和经济委员会" in printed.content()
    cycle.snap(printed, "printed-form-with-district-recommendation")
    cycle.check_todos("recommended", {r: [("市形式审查", sub_url)] for r in CITY})

    # 6. The city passes the formal review (the form is locked) and assigns three experts.
    page = cycle.act("city_staff", sub, "city_accept", "形式审查通过。")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.LOCKED
    for role in ("expert", "expert2", "expert3"):
        page = cycle.go("city_staff", sub_url)
        page.select_option("#expert-review select[name=expert]", str(cycle.users[role].pk))
        page.click("#expert-review button[type=submit]")
        page.wait_for_load_state()
    assert "尚未分配专家" not in page.locator("#expert-review").inner_text()
    cycle.snap(page, "city-assigns-experts")
    score_url = f"/workflow/reviews/{sub.pk}/score/"
    expected: dict[str, list[tuple[str, str]]] = {r: [("专家评审", sub_url)] for r in CITY}
    expected.update({r: [("专家评分", score_url)] for r in ("expert", "expert2", "expert3")})
    cycle.check_todos("experts assigned", expected)

    # 7. Three experts score; none sees the others' scores before submitting.
    scores = {"expert": "16", "expert2": "15", "expert3": "18"}
    for role, competitiveness in scores.items():
        page = cycle.go(role, score_url)
        assert page.locator("#others-hidden").count() == 1
        items = {
            "compliance": "5",
            "competitiveness": competitiveness,
            "quality_firms": "8",
            "chain": "8",
            "innovation": "12",
            "digital": "8",
            "green": "7",
            "openness": "4",
            "governance": "12",
        }
        for code, value in items.items():
            page.fill(f"input[name=item__{code}]", value)
        page.fill("#comment", "主导产业特色鲜明，创新平台支撑较强。")
        page.click("button[value=submit]")
        page.wait_for_load_state()
        assert page.locator("#my-total").count() == 1
        del expected[role]
        cycle.check_todos(f"{role} scored", expected)
    cycle.snap(page, "expert-scored")

    # 8. 拟认定, then 公示 (recorded as the past week) with one objection, handled.
    cycle.act("city_staff", sub, "propose", "专家评审平均分 80 分以上，拟认定。")
    cycle.check_todos("proposed", {r: [("拟认定", sub_url)] for r in CITY})
    today = timezone.localdate()
    cycle.act(
        "city_staff",
        sub,
        "start_publicity",
        **{
            "publicity_start": (today - timedelta(days=7)).isoformat(),
            "publicity_end": (today - timedelta(days=1)).isoformat(),
        },
    )
    cycle.check_todos("publicity", {r: [("公示", sub_url)] for r in CITY})
    page = cycle.go("city_staff", sub_url)
    page.fill("input[name=objector_name]", "王某")
    page.fill("input[name=objector_contact]", "13800000000")
    page.fill("textarea[name=content]", "该集群2024年产值疑似包含集群外企业。")
    page.get_by_role("button", name="登记异议").click()
    page.wait_for_load_state()
    cycle.check_todos("objection received", {r: [("公示", sub_url), ("公示异议", sub_url)] for r in CITY})
    page = cycle.go("city_staff", sub_url)  # (the to-do check left this tab on the home page)
    page.select_option("#objections select[name=outcome]", "dismissed")
    page.fill("#objections textarea[name=handling]", "经核查企业清单，产值口径正确，异议不成立。")
    page.get_by_role("button", name="记录处理结果").click()
    page.wait_for_load_state()
    assert Objection.objects.get(submission=sub).status == "dismissed"
    cycle.snap(page, "city-handles-objection")
    cycle.check_todos("objection handled", {r: [("公示", sub_url)] for r in CITY})

    # 9. 认定, then the list is published with its document number.
    cycle.act("city_staff", sub, "recognise")
    cycle.check_todos("recognised", {r: [("认定", sub_url)] for r in CITY})
    page = cycle.act("city_staff", sub, "publish", document_number="沪经信企〔2025〕120号")
    cycle.snap(page, "city-publishes-list")
    rec = Recognition.objects.get(cluster=world.cluster_pudong, is_current=True)
    assert (rec.level, rec.document_number) == ("municipal", "沪经信企〔2025〕120号")
    world.cluster_pudong.refresh_from_db()
    assert world.cluster_pudong.status == ClusterStatus.RECOGNISED
    page = cycle.go("city_staff", f"/workflow/campaigns/{campaign.pk}/lists/recognition/")
    listing = page.locator("main").inner_text()
    assert world.cluster_pudong.name in listing and "沪集群2025-001" in listing
    cycle.snap(page, "recognition-list")
    page = cycle.go("operator", sub_url)
    assert page.locator("#stage").inner_text() == "已认定并公布"
    cycle.check_todos("list published", {})

    # 10. Next year: the annual report of every recognised cluster.
    page = cycle.go("city_staff", "/workflow/campaigns/new/")
    page.fill("#document_number", "沪经信企〔2026〕18号")
    page.fill("#title", "关于报送2025年度中小企业特色产业集群发展情况报告的通知")
    page.fill("#year", "2026")
    page.check("#track__annual_report")
    page.select_option("select[name=audience__annual_report]", "recognised")
    page.select_option("select[name=template__annual_report]", "sh_annual_report@2025.2")
    page.fill("#deadline__operator_submission", _deadline_input(3))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/workflow/campaigns/*/")
    page.get_by_role("button", name="发布通知").click()
    page.wait_for_load_state()
    reports = Campaign.objects.get(document_number="沪经信企〔2026〕18号")
    report = Submission.objects.get(campaign=reports, cluster=world.cluster_pudong)
    report_hp = Submission.objects.get(campaign=reports, cluster=world.cluster_huangpu)
    report_url, report_hp_url = f"/workflow/submissions/{report.pk}/", f"/workflow/submissions/{report_hp.pk}/"
    cycle.check_todos(
        "reports requested",
        {"operator": [("草稿", report_url)], "operator_huangpu": [("草稿", report_hp_url)]},
    )
    page = cycle.go("operator", report_url)
    page.click("#form-open")  # 开始填报: the annual report form is created and opened
    page.wait_for_url("**/filings/*/edit/")
    report.refresh_from_db()
    assert report.subject is not None and report.subject.template_code == "sh_annual_report"
    assert report.subject.template_version == "2025.2"  # the current version, with the district's part
    fill_application(actor=world.operator, filing=report.subject)  # the values: filings services
    page = cycle.act("operator", report, "submit")
    assert report.subject.__class__.objects.get(pk=report.subject_id).status == FilingStatus.SUBMITTED
    cycle.snap(page, "operator-submits-annual-report")
    cycle.check_todos(
        "report submitted",
        {"district": [("已提交", report_url)], "operator_huangpu": [("草稿", report_hp_url)]},
    )

    # 11. The deadline passes (simulated): Huangpu's report is flagged overdue.
    CampaignDeadline.objects.filter(campaign=reports, stage="operator_submission").update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    page = cycle.go("city_staff", "/workflow/lifecycle/")
    overdue = page.locator("main").inner_text()
    assert world.cluster_huangpu.name in overdue.split("逾期未报送")[1]
    assert world.cluster_pudong.name not in overdue.split("逾期未报送")[1].split("撤销记录")[0]
    cycle.snap(page, "city-sees-overdue-report")
    page = cycle.go("operator_huangpu", "/")
    assert "已逾期" in page.locator("#todos").inner_text()
    cycle.snap(page, "operator-huangpu-overdue-todo")
    cycle.check_todos(
        "deadline passed",
        {"district": [("已提交", report_url)], "operator_huangpu": [("草稿", report_hp_url)]},
    )

    # 12. The district confirms Pudong's report (区确认), typing its 考核意见 and seal into the form.
    page = cycle.go("district", report_url)
    assert page.locator("#district_confirm-sv-district_seal").input_value() == world.pudong.name
    assert page.locator("#district_confirm-sv-district_date").input_value() == timezone.localdate().isoformat()
    page = cycle.act(
        "district",
        report,
        "district_confirm",
        "报告数据与企业名单核对一致，年度考核合格。",
        **{"sv-district_seal": "浦东新区科技和经济委员会"},
    )
    cycle.snap(page, "district-confirms-annual-report")
    filed = report.subject.__class__.objects.get(pk=report.subject_id)
    assert filed.status == FilingStatus.LOCKED
    assert filed.data["district_assessment"] == "报告数据与企业名单核对一致，年度考核合格。"
    printed = cycle.go("operator", f"/filings/{filed.pk}/print/")
    text = printed.locator("body").inner_text()
    assert "区中小企业主管部门考核意见" in text and "报告数据与企业名单核对一致，年度考核合格。" in text
    assert "浦东新区科技和经济委员会" in text
    cycle.snap(printed, "printed-annual-report-with-district-assessment")
    cycle.check_todos(
        "report confirmed",
        {**{r: [("区确认", report_url)] for r in CITY}, "operator_huangpu": [("草稿", report_hp_url)]},
    )
