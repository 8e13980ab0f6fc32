"""Word import of a district-level form (区级发展总结报告, 沪经信企〔2025〕73号 附件2): the district
department imports the summary it filled in Word — the .docx the platform's own blank/Word
renderer makes — into a draft of its own district (no cluster); another district, an operator and
the no-access user can neither upload it for the district nor confirm the district's import."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.errors import AccessDenied, ServiceError
from apps.core.models import AuditEvent
from apps.documents.forms import render_form_docx
from apps.documents.models import WordImport
from apps.documents.services import (
    importable_templates_for,
    word_import_confirm,
    word_import_discard,
    word_import_upload,
)
from apps.filings.definitions import current_templates, load_template
from apps.filings.models import ApplicantKind, Filing

VERSION = next(t.version for t in current_templates() if t.code == "sh_district_summary")
FILLED = {
    "district_name": "浦东新区",
    "overview": "浦东新区集群总体运行平稳，产值稳步增长。",
    "measures": "出台集群专项扶持政策三项。",
    "district_authority": "浦东新区科技和经济委员会",
    "signed_on": "2025-03-28",
}


def _docx() -> bytes:
    return render_form_docx(load_template("sh_district_summary", VERSION), FILLED)


def _upload(actor: Any, district: Any = None, cluster: Any = None) -> WordImport:
    return word_import_upload(
        actor=actor,
        district=district,
        cluster=cluster,
        template_code="sh_district_summary",
        template_version=VERSION,
        reporting_year=2025,
        file=SimpleUploadedFile("区级总结.docx", _docx()),
    )


def test_the_district_imports_its_summary_from_word_into_a_draft_of_its_district(world: Any) -> None:
    item = _upload(world.district, district=world.pudong)
    assert item.cluster is None and item.district == world.pudong and item.subject_name == "浦东新区"
    assert item.values["overview"] == FILLED["overview"] and item.values["signed_on"] == "2025-03-28"
    filing = word_import_confirm(actor=world.district, word_import=item)
    assert filing.cluster is None and filing.district == world.pudong
    assert filing.template_code == "sh_district_summary" and filing.applicant == ApplicantKind.COUNTY
    for key, value in FILLED.items():
        assert filing.data[key] == value, key
    assert AuditEvent.objects.filter(action="documents.word_import_confirm", actor=world.district).exists()


def test_the_summary_is_offered_for_import_to_the_district_and_not_to_the_operator(world: Any) -> None:
    assert [t.code for t in importable_templates_for(world.district)] == ["sh_district_summary"]
    assert "sh_district_summary" not in {t.code for t in importable_templates_for(world.operator)}
    assert importable_templates_for(world.nobody) == importable_templates_for(world.operator)
    assert importable_templates_for(world.city_staff) == []


@pytest.mark.parametrize("who", ["district_huangpu", "operator", "nobody", "city_staff"])
def test_nobody_but_the_districts_own_department_uploads_the_summary_for_it(world: Any, who: str) -> None:
    with pytest.raises(AccessDenied):
        _upload(getattr(world, who), district=world.pudong)
    assert not WordImport.objects.exists()


def test_the_summary_is_not_imported_into_a_cluster(world: Any) -> None:
    with pytest.raises(ServiceError, match="是区级表单，为本区填写，不选择集群"):
        _upload(world.district, district=world.pudong, cluster=world.cluster_pudong)
    assert not WordImport.objects.exists()


@pytest.mark.parametrize("who", ["district_huangpu", "operator", "nobody"])
def test_another_user_cannot_confirm_or_discard_the_districts_import(world: Any, who: str) -> None:
    item = _upload(world.district, district=world.pudong)
    with pytest.raises(AccessDenied):
        word_import_confirm(actor=getattr(world, who), word_import=item)
    with pytest.raises(AccessDenied):
        word_import_discard(actor=getattr(world, who), word_import=item)
    assert not Filing.objects.exists()
