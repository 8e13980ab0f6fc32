"""Documents in the browser: the operator fills the official Word form offline, imports it, checks
the values and confirms a draft; downloads the form as PDF from the filing's page; the city
exports a campaign's forms as a zip and the district cannot download the city's export."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from apps.documents.models import ExportJob
from apps.filings.definitions import current_templates
from apps.filings.models import Filing, FilingValue
from tests.e2e.conftest import ARTIFACTS, shoot
from tests.factories_documents import CHAIN_MAP, bind_to_campaign, filed, typed_in_word
from tests.factories_workflow import sh_application_campaign

pytestmark = pytest.mark.e2e


def screenshot(page, name: str) -> Path:
    (ARTIFACTS / "documents").mkdir(parents=True, exist_ok=True)
    return shoot(page, f"documents/{name}")


def test_operator_imports_the_filled_word_form_and_gets_a_draft_with_its_values(
    world, page, live_server, login, tmp_path
):
    cluster = world.cluster_pudong
    login(world.operator)
    page.goto(f"{live_server.url}/documents/import/")
    page.click("text=下载空白表（Word）")
    version = next(t.version for t in current_templates() if t.code == "sh_municipal_application")
    link = page.locator("#blank-forms a", has_text=f"上海市中小企业特色产业集群申报表（{version}版）")
    with page.expect_download() as dl:
        link.click()
    blank = Path(dl.value.path()).read_bytes()
    assert blank[:2] == b"PK", "the blank form is a .docx (zip)"
    filled = tmp_path / "申报表-已填.docx"
    filled.write_bytes(typed_in_word(blank, cluster.name))

    page.select_option("#id_cluster", str(cluster.pk))
    page.select_option("#id_template", f"sh_municipal_application@{version}")
    page.set_input_files("#id_file", str(filled))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#read-values")
    screenshot(page, "01-import-read")
    read = page.locator("#read-values").inner_text()
    assert "36.50" in read and cluster.name in read
    assert "一千二百" in page.locator("#unreadable").inner_text(), "the words stay visible as unreadable"

    page.click("#confirm-import")
    page.wait_for_url(f"{live_server.url}/filings/**")
    filing = Filing.objects.filter(cluster=cluster).latest("pk")
    assert FilingValue.objects.filter(filing=filing, value="36.50").exists()
    screenshot(page, "02-draft-from-word")


def test_the_district_downloads_the_pdf_of_a_submitted_form_from_its_page(world, page, live_server, login):
    filing = filed(world.cluster_pudong, world.operator, evidence=(CHAIN_MAP,))
    login(world.district)
    page.goto(f"{live_server.url}/filings/{filing.pk}/")
    screenshot(page, "03-filing-page")
    with page.expect_download() as dl:
        page.locator("#filing-downloads a", has_text="PDF").click()
    pdf = Path(dl.value.path())
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert world.cluster_pudong.name in text.replace("\n", "")


def test_the_city_exports_a_campaign_and_only_the_city_can_download_it(world, page, live_server, login):
    campaign = sh_application_campaign(world)
    bind_to_campaign(
        campaign, filed(world.cluster_pudong, world.operator), filed(world.cluster_huangpu, world.operator_huangpu)
    )
    login(world.city_staff)
    page.goto(f"{live_server.url}/documents/exports/")
    page.check("#scope-campaign")
    page.select_option("#id_campaign", str(campaign.pk))
    page.click("#export-submit")
    page.wait_for_selector("#export-download", timeout=60_000)
    screenshot(page, "04-export-done")
    with page.expect_download() as dl:
        page.click("#export-download")
    names = zipfile.ZipFile(dl.value.path()).namelist()
    assert "清单.csv" in names
    assert any(n.startswith("浦东新区/") for n in names) and any(n.startswith("黄浦区/") for n in names)

    job = ExportJob.objects.get()
    page.context.clear_cookies()
    login(world.district)
    response = page.goto(f"{live_server.url}/documents/exports/{job.pk}/download/")
    assert response is not None and response.status == 404
