"""An operator imports the cluster's enterprise list in the browser: a list with errors is
refused with per-row Chinese messages and an error file, the fixed list is previewed and
committed, and the totals on the cluster's list page change."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from apps.enterprises import services
from apps.enterprises.models import FirmYear
from tests.e2e.conftest import ARTIFACTS, shoot
from tests.factories_enterprises import firm_row, make_code, xlsx_bytes

pytestmark = pytest.mark.e2e

YEAR = 2024


def screenshot(page, name: str) -> Path:
    (ARTIFACTS / "enterprises").mkdir(parents=True, exist_ok=True)
    return shoot(page, f"enterprises/{name}")


def total(page, code: str) -> str:
    return page.locator(f"#totals tr[data-code='{code}'] td").nth(1).inner_text().strip()


def test_operator_fixes_a_list_with_errors_and_the_totals_change(world, page, live_server, login, tmp_path):
    cluster = world.cluster_pudong
    # The list as it stands: three firms, imported last week.
    first = services.enterprise_import_upload(
        actor=world.operator,
        cluster=cluster,
        year=YEAR,
        upload=SimpleUploadedFile("上周清单.xlsx", xlsx_bytes([firm_row(i) for i in (1, 2, 3)])),
    )
    services.enterprise_import_commit(actor=world.operator, batch=first)

    login(world.operator)
    list_url = f"{live_server.url}/enterprises/clusters/{cluster.pk}/?year={YEAR}"
    page.goto(list_url)
    assert total(page, "firm_count") == "3"
    output_before = total(page, "output_value")
    screenshot(page, "01-list-before")

    # A new list with three faulty rows (a wrong check character, a negative amount, words for a number).
    good = [firm_row(i) for i in (1, 2, 4, 5, 6)]
    wrong_check = make_code(7)[:-1] + ("A" if make_code(7)[-1] != "A" else "B")
    faulty = [
        firm_row(7, **{"统一社会信用代码": wrong_check}),
        firm_row(8, **{"营业收入（万元）": -20}),
        firm_row(9, **{"从业人员期末人数": "很多"}),
    ]
    bad_file = tmp_path / "企业清单-有错误.xlsx"
    bad_file.write_bytes(xlsx_bytes(good + faulty))
    page.set_input_files("#id_file", str(bad_file))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("#import-errors")
    errors = page.locator("#import-errors li").all_inner_texts()
    assert "第7行「统一社会信用代码」校验位错误" in errors
    assert any(e.startswith("第8行「营业收入」") and "不能为负数" in e for e in errors)
    assert any(e.startswith("第9行「从业人员期末人数」") and "不是数字" in e for e in errors)
    assert "未导入任何数据" in page.locator("#import-message").inner_text()
    assert page.locator("#confirm-import").count() == 0
    screenshot(page, "02-preview-with-errors")

    # The error file: only the failing rows, each with its original row number and the reason.
    with page.expect_download() as info:
        page.click("#error-file")
    download = info.value
    assert download.suggested_filename == "企业清单-有错误-错误清单.xlsx"
    rows = CalamineWorkbook.from_filelike(io.BytesIO(Path(download.path()).read_bytes())).get_sheet_by_index(0)
    sheet = rows.to_python()
    assert sheet[0][:3] == ["原行号", "错误说明", "统一社会信用代码"]
    assert [int(r[0]) for r in sheet[1:]] == [7, 8, 9]
    assert "校验位错误" in sheet[1][1] and "不能为负数" in sheet[2][1] and "不是数字" in sheet[3][1]

    # Fixed: the three rows corrected; firm 3 is no longer listed.
    fixed = [*good, firm_row(7), firm_row(8), firm_row(9, **{"从业人员期末人数": 80})]
    fixed_file = tmp_path / "企业清单-已修改.xlsx"
    fixed_file.write_bytes(xlsx_bytes(fixed))
    page.goto(list_url)
    page.set_input_files("#id_file", str(fixed_file))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("#confirm-import")
    diff = page.locator("#import-diff").inner_text()
    assert "新增 6 家" in diff and "修改 0 家" in diff and "删除 1 家" in diff
    assert make_code(3) in diff  # the firm that is no longer listed is named
    assert not FirmYear.objects.filter(firm__credit_code=make_code(9)).exists()  # the preview wrote nothing
    screenshot(page, "03-preview-fixed")

    page.click("#confirm-import")
    page.wait_for_selector("#import-message")
    assert "已导入 8 家企业" in page.locator("#import-message").inner_text()
    screenshot(page, "04-committed")

    page.click("#view-totals")
    page.wait_for_selector("#totals")
    assert total(page, "firm_count") == "8"
    assert total(page, "output_value") != output_before
    assert re.search(r"由企业库计算：8 家", page.locator("#totals").inner_text())
    assert make_code(9) in page.locator("#firms").inner_text()
    screenshot(page, "05-list-after")
