"""Word import creates a filing, so the form's applicant (申报主体) decides who may import it: an
operator's Word file of a national form (the county department applies, 77号) is refused in
Chinese before anything is read or stored, and an older pending import of one cannot be confirmed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.errors import AccessDenied
from apps.documents.forms import render_form_docx
from apps.documents.models import WordImport
from apps.documents.services import importable_templates, word_import_confirm, word_import_upload
from apps.filings.definitions import current_templates, load_template
from apps.filings.models import Filing

CURRENT = {t.code: t.version for t in current_templates()}


def _national_docx(code: str) -> bytes:
    template = load_template(code, CURRENT[code])
    return render_form_docx(template, {"cover_cluster_name": "上海市浦东新区集成电路产业集群"})


@pytest.mark.parametrize("code", ["national_application", "national_rereview"])
def test_an_operators_word_import_of_a_national_form_is_refused_and_nothing_is_stored(world: Any, code: str) -> None:
    with pytest.raises(AccessDenied, match="由县级（区级）中小企业主管部门作为申报主体填写"):
        word_import_upload(
            actor=world.operator,
            cluster=world.cluster_pudong,
            template_code=code,
            template_version=CURRENT[code],
            reporting_year=2025,
            file=SimpleUploadedFile("申报表.docx", _national_docx(code)),
        )
    assert not WordImport.objects.exists() and not Filing.objects.exists()


def test_a_pending_import_of_a_national_form_cannot_be_confirmed_by_the_operator(world: Any) -> None:
    # An import uploaded before the form's applicant was checked at upload.
    item = WordImport.objects.create(
        cluster=world.cluster_pudong,
        template_code="national_application",
        template_version=CURRENT["national_application"],
        template_title="中小企业特色产业集群申报表",
        reporting_year=2025,
        original_name="申报表.docx",
        stored_name="documents/word_imports/xx/x.docx",
        sha256="0" * 64,
        size=1,
        values={"cover_cluster_name": "上海市浦东新区集成电路产业集群"},
        created_by=world.operator,
    )
    with pytest.raises(AccessDenied, match="由县级（区级）中小企业主管部门作为申报主体填写"):
        word_import_confirm(actor=world.operator, word_import=item)
    assert not Filing.objects.exists()


def test_the_operators_importable_forms_leave_out_the_national_forms() -> None:
    codes = {t.code for t in importable_templates("operator")}
    assert "sh_municipal_application" in codes
    assert not codes & {"national_application", "national_rereview"}


def test_the_no_access_user_cannot_import_a_national_form(world: Any) -> None:
    with pytest.raises(AccessDenied):
        word_import_upload(
            actor=world.nobody,
            cluster=world.cluster_pudong,
            template_code="national_application",
            template_version=CURRENT["national_application"],
            reporting_year=2025,
            file=SimpleUploadedFile("申报表.docx", _national_docx("national_application")),
        )
    assert not WordImport.objects.exists()
