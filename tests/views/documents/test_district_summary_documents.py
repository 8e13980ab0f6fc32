"""Word export of a district-level form (区级发展总结报告, 沪经信企〔2025〕73号 附件2): the filing has
no cluster, the document names the district; the district and the city download it, another
district, an operator and the no-access user get 404; a city export places it in the district's
folder."""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from docx import Document

from apps.documents.services import export_job_start
from apps.filings import services
from apps.filings.models import Filing
from tests.unit.form_definitions.builders import complete_values


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _summary(world: Any) -> Filing:
    filing = services.filing_create(
        actor=world.district, district=world.pudong, template_code="sh_district_summary", reporting_year=2025
    )
    values = complete_values(
        services.template_of(filing),
        district_name="浦东新区",
        overview="浦东新区集群总体运行平稳。",
        signed_on="2025-03-28",
    )
    filing = services.filing_save_draft(actor=world.district, filing=filing, values=values, expected_revision=1).filing
    return services.filing_submit(actor=world.district, filing=filing)


def test_the_district_and_the_city_download_the_summary_as_word_naming_the_district(world: Any) -> None:
    filing = _summary(world)
    for user in (world.district, world.city_staff):
        response = _client(user).get(reverse("documents:filing_docx", args=[filing.pk]))
        assert response.status_code == 200
        assert quote("XX区促进中小企业特色产业集群发展总结报告（2025年）.docx") in response["Content-Disposition"]
        doc = Document(BytesIO(b"".join(response.streaming_content)))
        assert doc.core_properties.subject == "sh_district_summary/2025"
        text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
            c.text for t in doc.tables for r in t.rows for c in r.cells
        )
        assert "浦东新区集群总体运行平稳。" in text


def test_another_district_an_operator_and_the_no_access_user_get_404_for_the_summary(world: Any) -> None:
    filing = _summary(world)
    for user in (world.district_huangpu, world.operator, world.nobody):
        assert _client(user).get(reverse("documents:filing_docx", args=[filing.pk])).status_code == 404


def test_a_city_export_puts_the_summary_in_its_districts_folder(world: Any) -> None:
    filing = _summary(world)
    job = export_job_start(actor=world.city_staff, filing_ids=[filing.pk])
    assert job.status == "done", job.message
    with default_storage.open(job.result_name, "rb") as fh, zipfile.ZipFile(fh) as zf:
        names = zf.namelist()
    assert "浦东新区/XX区促进中小企业特色产业集群发展总结报告（2025年）.docx" in names, names
