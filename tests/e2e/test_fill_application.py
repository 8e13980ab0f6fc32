"""An operator fills the Shanghai 2025 application (000 附件4) in headless chromium, end to end.

Through the real login and “新建填报” pages, every section is typed in as a user would (texts,
year-series tables, 是/否 choices, checkbox options with 其他 text, 数量+名称, the standards
matrix, narratives, the target table with added rows, the declaration); each evidence slot gets
a real PDF; a percentage of 120 is refused inline and corrected; the area warning is explained;
autosave keeps everything (checked after a reload, in the page and in the database); the
self-check shows; the form is submitted. Screenshots go to test-artifacts/filings/.
"""

from __future__ import annotations

import json
import subprocess
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from apps.filings import formdata, services
from apps.filings.definitions import load_template, validate
from apps.filings.models import Evidence, Filing, FilingStatus, FilingValue
from tests import factories_filings as ff
from tests.e2e.conftest import ARTIFACTS
from tests.factories_enterprises import FirmYearFactory

pytestmark = pytest.mark.e2e

SAVE_TIMEOUT = 20_000


def snap(page: Any, name: str, selector: str | None = None) -> None:
    """A viewport screenshot (the page is too long for one full-page image to be readable)."""
    (ARTIFACTS / "filings").mkdir(parents=True, exist_ok=True)
    if selector:
        page.locator(selector).first.scroll_into_view_if_needed()
        page.evaluate("(sel) => document.querySelector(sel).scrollIntoView({block: 'start'})", selector)
        page.evaluate("window.scrollBy(0, -60)")
    page.screenshot(path=str(ARTIFACTS / "filings" / f"{name}.png"))


def wait_saved(page: Any) -> None:
    expect(page.locator("#save-status")).to_contain_text("已保存", timeout=SAVE_TIMEOUT)


def _q(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


def fill_field(page: Any, f: Any, value: Any) -> None:
    """Type one field's value into the page, input by input (formdata's naming scheme)."""
    if f.kind == "target_table":
        for _ in (value or {}).get("added") or []:
            page.locator(f"#field-{f.key} button.add-target-row").click()
    for name, v in formdata.flatten(f, value).items():
        inputs = page.locator(f"[name={_q(name)}]")
        if isinstance(v, list):  # repeated checkboxes
            for option in v:
                page.locator(f"[name={_q(name)}][value={_q(option)}]").check()
        elif isinstance(v, bool):
            if v:
                inputs.check()
        elif f.kind == "choice":
            page.locator(f"[name={_q(name)}][value={_q(v)}]").check()
        elif v != "":
            inputs.fill(v)


def read_field(page: Any, f: Any) -> dict[str, Any]:
    """What the page shows for a field, in formdata's naming (only the names the value uses)."""
    out: dict[str, Any] = {}
    for name, v in formdata.flatten(f, ff.SH_2025_VALUES.get(f.key)).items():
        if page.locator(f"[name={_q(name)}]").count() == 0:  # e.g. no 其他 option, so no text input
            out[name] = [] if isinstance(v, list) else False if isinstance(v, bool) else ""
        elif isinstance(v, list):
            out[name] = sorted(page.locator(f"[name={_q(name)}]:checked").evaluate_all("els => els.map(e => e.value)"))
        elif isinstance(v, bool):
            out[name] = page.locator(f"[name={_q(name)}]").is_checked()
        elif f.kind == "choice":
            out[name] = page.locator(f"[name={_q(name)}]:checked").get_attribute("value")
        else:
            out[name] = page.locator(f"[name={_q(name)}]").input_value()
    return out


def expected_inputs(f: Any) -> dict[str, Any]:
    return {
        name: (sorted(v) if isinstance(v, list) else v)
        for name, v in formdata.flatten(f, ff.SH_2025_VALUES.get(f.key)).items()
    }


def evidence_slots(template: Any) -> list[tuple[str, str]]:
    """(field, option) of every upload the complete application needs, from the template's rules."""
    issues = validate(template, ff.SH_2025_VALUES, for_submit=True, evidenced=(), explanations={})
    return [(i.field, i.option or "") for i in issues if i.code.endswith(":evidence")]


def upload(page: Any, field: str, option: str, label: str) -> None:
    slot = page.locator(f'.evidence-slot[data-field="{field}"][data-option="{option}"]')
    slot.locator("input.evidence-input").set_input_files(
        {"name": f"{label}.pdf", "mimeType": "application/pdf", "buffer": ff.real_pdf_bytes(f"{field} {option}")}
    )
    expect(slot.locator(".evidence-items")).to_contain_text(f"{label}.pdf", timeout=SAVE_TIMEOUT)


@pytest.fixture
def console(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"页面脚本错误：{exc}"))

    def on_console(msg: Any) -> None:
        where = (msg.location or {}).get("url", "")
        # The browser's own favicon request and the refused save (422, expected) are not errors of the page.
        if msg.type == "error" and not where.endswith("/favicon.ico") and "status of 422" not in msg.text:
            errors.append(f"console.{msg.type}: {msg.text} ({where})")

    page.on("console", on_console)
    return errors


def _new_filing(page: Any, live_server: Any, world: Any) -> Filing:
    page.goto(f"{live_server.url}/filings/")
    page.click("text=新建填报")
    page.select_option("#id_cluster", str(world.cluster_pudong.pk))
    page.select_option("#id_template", f"{ff.SH_APPLICATION}@2025.2")  # new filings use the current version
    page.select_option("#id_year", "2025")
    page.click("main button[type=submit]")
    page.wait_for_url("**/filings/*/edit/")
    expect(page.locator("main")).to_contain_text("已新建《上海市中小企业特色产业集群申报表》")
    return Filing.objects.get(cluster=world.cluster_pudong, template_code=ff.SH_APPLICATION)


def test_operator_fills_uploads_corrects_explains_reloads_and_submits_the_application(
    world: Any, page: Any, live_server: Any, login: Callable[..., None], console: list[str]
) -> None:
    template = load_template(ff.SH_APPLICATION, ff.SH_APPLICATION_VERSION)
    login(world.operator)
    filing = _new_filing(page, live_server, world)
    snap(page, "01-new-form")

    # —— every section, as typed; the area (108.60 km²) raises the soft-limit warning ——
    for section in template.sections:
        for f in section.fields:
            if f.key in ff.SH_2025_VALUES:
                fill_field(page, f, ff.SH_2025_VALUES[f.key])
        wait_saved(page)
        snap(page, f"02-section-{section.key}", f"#section-{section.key}")

    # —— an error corrected: 120 in a percentage is refused inline, nothing of it is stored ——
    cell = page.locator('[name="v:sme_output_share:2024"]')
    cell.fill("120")
    box = page.locator("#field-sme_output_share")
    expect(box.locator(".invalid-feedback")).to_contain_text("应在0–100之间", timeout=SAVE_TIMEOUT)
    expect(box).to_have_class("filing-field has-error")
    expect(cell).to_have_class("form-control form-control-sm text-end is-invalid")
    expect(page.locator("#save-status")).to_contain_text("本次未保存")
    snap(page, "03-error-120-percent", "#field-sme_output_share")
    filing.refresh_from_db()
    assert filing.data["sme_output_share"]["2024"] == "60.10"
    cell.fill("60.10")
    wait_saved(page)
    expect(box.locator(".invalid-feedback")).to_have_count(0)

    # —— a warning explained ——
    warning = page.locator('#field-area_km2 .warning-box[data-code="rule:area_soft_limit"]')
    expect(warning).to_contain_text("一般不超过100平方公里")
    warning.locator("textarea").fill(ff.SH_2025_EXPLANATIONS["rule:area_soft_limit"])
    wait_saved(page)
    expect(page.locator("#issue-summary")).to_contain_text("已说明")
    snap(page, "04-warning-explained", "#field-area_km2")

    # —— evidence: a real PDF in every slot the application needs ——
    slots = evidence_slots(template)
    assert len(slots) > 30
    for n, (field, option) in enumerate(slots, start=1):
        upload(page, field, option, f"佐证材料{n:02d}")
    snap(page, "05-evidence", "#field-chain_cultivation")

    # —— the computed fields and the self-check follow the saved values ——
    growth = page.locator("#field-leading_industry_output_cagr .computed-box")
    expect(growth).to_contain_text("12.98 %")
    expect(growth).to_contain_text("(300.89 / 235.71)^(1 / 2)")
    check = page.locator("#selfcheck")
    expect(check).to_contain_text("上海市中小企业特色产业集群认定条件（2025年）")
    expect(check.locator('[data-rule-id="sh.6.2.area"] [data-testid="rule-status"]')).to_have_text("警示")
    expect(check.locator('[data-rule-id="sh.6.2.output"] [data-testid="rule-status"]')).to_have_text("通过")
    check.locator("details.selfcheck-set summary").first.click()
    snap(page, "06-selfcheck", "#selfcheck")

    # —— reload: every value, explanation and file is still there ——
    page.reload()
    expect(page.locator("#save-status")).to_contain_text("已保存")
    for f in template.fields.values():
        if f.key in ff.SH_2025_VALUES:
            assert read_field(page, f) == expected_inputs(f), f.key
    expect(page.locator('textarea[name="x:rule:area_soft_limit"]')).to_have_value(
        ff.SH_2025_EXPLANATIONS["rule:area_soft_limit"]
    )
    expect(page.locator(".evidence-list li a")).to_have_count(len(slots))
    filing.refresh_from_db()
    assert services.data_diff(ff.SH_2025_VALUES, filing.data) == {}
    assert filing.warning_explanations == ff.SH_2025_EXPLANATIONS
    assert Evidence.objects.filter(filing=filing).count() == len(slots)
    assert FilingValue.objects.get(filing=filing, indicator_code="sme_rd_expense", year=2024).value == Decimal(
        "183500"
    )  # 18.35 亿元 stored in the catalogue's 万元
    for section in template.sections:
        expect(page.locator(f'.progress-mark[data-section="{section.key}"] i.bi-check-circle-fill')).to_have_count(1)
    snap(page, "07-after-reload")

    # —— submit ——
    page.click("#submit-btn")
    page.wait_for_url(f"**/filings/{filing.pk}/")
    expect(page.locator("main")).to_contain_text("已提交")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    snap(page, "08-submitted")
    page.goto(f"{live_server.url}/filings/{filing.pk}/print/")
    page.screenshot(path=str(ARTIFACTS / "filings" / "09-print.png"))
    check_print_pages(page, template)
    assert console == []


def check_print_pages(page: Any, template: Any) -> None:
    """The print view as A4 PDF: every numbered part starts on its own page (一至七部分不得串页)."""
    path = ARTIFACTS / "filings" / "application-print.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(path), format="A4", prefer_css_page_size=True, print_background=True)
    # poppler's pdftotext maps the embedded CJK glyphs back to the right characters; pages end in \f.
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True)

    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split())

    texts = [norm(t) for t in out.stdout.split("\f")]
    headings = [norm(s.heading) for s in template.sections if s.number]
    first_pages = []
    for heading in headings:
        pages = [i for i, text in enumerate(texts) if heading in text]
        assert pages, f"{heading} 不在打印版中"
        first_pages.append(pages[0])
        others = [h for h in headings if h != heading and h in texts[pages[0]]]
        assert others == [], f"{heading} 与 {others} 在同一页"
    assert first_pages == sorted(first_pages)
    assert "上海市经济和信息化委员会制" in texts[0]  # the cover page
    assert "王建国" in "".join(texts) and "☑" not in "".join(texts)  # boxes are drawn, not glyphs


def test_enterprise_list_figures_can_be_taken_or_overridden_with_a_reason(
    world: Any, page: Any, live_server: Any, login: Callable[..., None], console: list[str]
) -> None:
    for _ in range(3):
        FirmYearFactory(cluster=world.cluster_pudong, year=2024)
    login(world.operator)
    filing = _new_filing(page, live_server, world)
    firms = page.locator("#field-firm_count .figures-box")
    expect(firms).to_contain_text("由企业库计算：3 家")
    firms.locator("button.take-figures").click()
    expect(page.locator('[name="v:firm_count:2024"]')).to_have_value("3")
    wait_saved(page)

    # A different SME count needs a reason before submission.
    page.locator('[name="v:sme_count:2024"]').fill("2")
    reason = page.locator('#field-sme_count textarea[name="o:sme_count:reason"]')
    expect(reason).to_be_visible()
    wait_saved(page)
    override_error = page.locator('#field-sme_count .invalid-feedback[data-code="override:sme_count:reason"]')
    expect(override_error).to_contain_text("与企业库计算值不一致（2024年 申报 2，企业库 3 个）")
    reason.fill("1家企业2024年营业收入超过中型企业标准，企业库仍按小型企业划型。")
    wait_saved(page)
    expect(override_error).to_have_count(0)
    snap(page, "10-enterprise-figures", "#field-firm_count")
    filing.refresh_from_db()
    assert filing.data["firm_count"] == {"2024": "3"}
    assert filing.overrides["sme_count"]["reason"] == "1家企业2024年营业收入超过中型企业标准，企业库仍按小型企业划型。"
    assert filing.overrides["sme_count"]["computed"] == {"2024": "3"}

    # The reviewer sees the declared-vs-computed difference and the reason.
    page.context.clear_cookies()
    login(world.district)
    page.goto(f"{live_server.url}/filings/{filing.pk}/")
    diff = page.locator("#differences")
    expect(diff).to_contain_text("其中：集群中小企业数量")
    expect(diff).to_contain_text("1家企业2024年营业收入超过中型企业标准，企业库仍按小型企业划型。")
    snap(page, "11-reviewer-differences", "#differences")
    assert console == []


def test_two_operators_editing_at_once_see_the_conflict_and_merge_in_the_browser(
    world: Any, page: Any, browser: Any, live_server: Any, login: Callable[..., None], console: list[str]
) -> None:
    from tests.factories import TEST_PASSWORD

    login(world.operator)
    filing = _new_filing(page, live_server, world)
    other_context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    other = other_context.new_page()
    other.goto(f"{live_server.url}/accounts/login/")
    other.fill("#id_username", world.operator.username)
    other.fill("#id_password", TEST_PASSWORD)
    other.click("main button[type=submit]")
    other.goto(f"{live_server.url}/filings/{filing.pk}/edit/")

    # The first window saves an area and a district contact; the second, still on revision 1, types another area.
    page.fill('[name="v:area_km2"]', "12.50")
    page.fill('[name="v:district_contact"]', "李文娟")
    wait_saved(page)
    other.fill('[name="v:area_km2"]', "13.00")
    panel = other.locator("#conflict-panel")
    expect(panel).to_contain_text("其他人已保存了这份表单", timeout=SAVE_TIMEOUT)
    expect(panel.locator('tr[data-key="area_km2"]')).to_contain_text("12.50 平方公里")
    expect(other.locator("#save-status")).to_contain_text("请合并")
    snap(other, "12-conflict", "#conflict-panel")
    filing.refresh_from_db()
    assert filing.data["area_km2"] == "12.50"  # nothing silently overwritten

    # Keep “mine” for the area; the other window's contact is taken over untouched.
    panel.locator("#apply-merge").click()
    wait_saved(other)
    filing.refresh_from_db()
    assert filing.data["area_km2"] == "13.00"
    assert filing.data["district_contact"] == "李文娟"
    assert filing.revisions.filter(kind="merge").count() == 1
    other_context.close()
    assert console == []
