"""Word import (Word 导入) as a service: a filled official form becomes values with their source
cells; confirming creates a draft through the filings services; bad files create nothing."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from apps.core.errors import AccessDenied, ServiceError
from apps.core.models import AuditEvent
from apps.documents.forms import render_form_docx
from apps.documents.models import WordImport, WordImportStatus
from apps.documents.services import word_import_confirm, word_import_discard, word_import_upload
from apps.filings.definitions import current_templates, load_template
from apps.filings.models import Filing, FilingRevision, FilingValue
from tests.factories_documents import filled_values
from tests.factories_filings import FilingFactory, ole_bytes, pdf_bytes

# The Word import takes the current version of each form (as 新建填报 does).
VERSION = next(t.version for t in current_templates() if t.code == "sh_municipal_application")


def _template() -> Any:
    return load_template("sh_municipal_application", VERSION)


def _upload(world: Any, data: bytes, name: str = "申报表.docx", **kwargs: Any) -> WordImport:
    return word_import_upload(
        actor=kwargs.pop("actor", world.operator),
        cluster=kwargs.pop("cluster", world.cluster_pudong),
        template_code="sh_municipal_application",
        template_version=VERSION,
        reporting_year=2025,
        file=SimpleUploadedFile(name, data),
    )


def _filled_in_word() -> bytes:
    """The blank filled as an operator would: a few cells typed, one box ticked."""
    doc = Document(BytesIO(render_form_docx(_template())))
    for p in doc.paragraphs:
        if p.text.startswith("集群名称："):
            p.runs[-1].text = "上海市浦东新区集成电路产业集群"
    for t in doc.tables:
        for row in t.rows:
            label = row.cells[0].text
            if label.startswith("集群占地面积"):
                row.cells[-1].text = "36.50"
            if label.startswith("集群总产值/营业收入（亿元）"):
                row.cells[-3].text, row.cells[-2].text, row.cells[-1].text = "61.20", "70.35", "82.105"
            if label.startswith("集群主导产业不属于国家规定"):
                row.cells[-1].paragraphs[0].runs[0].text = "☑"
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_a_filled_form_is_read_with_each_value_beside_its_source_cell(world: Any) -> None:
    item = _upload(world, _filled_in_word())
    assert item.status == WordImportStatus.PREVIEW
    assert item.values["cover_cluster_name"] == "上海市浦东新区集成电路产业集群"
    assert item.values["area_km2"] == "36.50"
    assert item.values["not_banned_industry"] == "yes"
    assert item.provenance["area_km2"]["source"].startswith("第") and item.provenance["area_km2"]["text"] == "36.50"
    assert item.provenance["cover_cluster_name"]["source"] == "封面"
    audit = AuditEvent.objects.get(action="documents.word_import_upload")
    assert audit.actor == world.operator and audit.changes["文件"] == "申报表.docx"
    assert not Filing.objects.exists()


def test_a_value_that_breaks_a_rule_of_the_form_is_listed_as_unreadable_with_the_rule(world: Any) -> None:
    item = _upload(world, _filled_in_word())
    assert item.values["output_value"] == {"2022": "61.20", "2023": "70.35"}
    bad = next(u for u in item.unreadable if u["path"] == "output_value[2024]")
    assert bad["text"] == "82.105" and "最多保留2位小数" in bad["reason"]
    assert "output_value[2024]" not in item.provenance


def test_confirming_creates_a_draft_through_the_filings_services(world: Any) -> None:
    item = _upload(world, _filled_in_word())
    filing = word_import_confirm(actor=world.operator, word_import=item)
    assert filing.status == "draft" and filing.cluster == world.cluster_pudong
    assert filing.data["area_km2"] == "36.50" and filing.data["output_value"]["2023"] == "70.35"
    assert FilingValue.objects.filter(filing=filing).exists()  # the service rebuilt the indicator rows
    assert list(FilingRevision.objects.filter(filing=filing).values_list("kind", flat=True)) == ["create", "save"]
    item.refresh_from_db()
    assert item.status == WordImportStatus.CONFIRMED and item.filing == filing
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"filing.create", "filing.save", "documents.word_import_confirm"} <= actions


def test_every_value_of_a_completely_filled_form_arrives_in_the_draft(world: Any) -> None:
    template = _template()
    values = filled_values(template)
    item = _upload(world, render_form_docx(template, values))
    assert item.unreadable == []
    filing = word_import_confirm(actor=world.operator, word_import=item)
    for key, value in values.items():
        f = template.fields[key]
        if f.kind in ("computed", "attachment"):
            continue
        if f.by_reviewer:  # the district's opinion on the paper form is not the operator's to import
            assert key not in filing.data, key
            continue
        expected = {k: value[k] for k in ("signatures", "date")} if f.kind == "declaration" else value
        assert filing.data.get(key) == expected, key


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "申报表.docx", "是空文件（0 字节）"),
        (pdf_bytes("not word"), "申报表.docx", "不是 Word（.docx）文件"),
        (ole_bytes("WordDocument"), "申报表.doc", "旧版 Word（.doc）文件"),
    ],
)
def test_a_file_that_is_not_a_filled_docx_is_refused_in_chinese_and_nothing_is_created(
    world: Any, data: bytes, name: str, message: str
) -> None:
    with pytest.raises(ServiceError, match=message) as exc:
        _upload(world, data, name)
    assert exc.value.field == "file"
    assert not WordImport.objects.exists() and not Filing.objects.exists()


def test_a_docx_of_another_form_is_refused_naming_both_forms(world: Any) -> None:
    other = render_form_docx(load_template("national_rereview", "2025"), {"cover_cluster_name": "某集群"})
    with pytest.raises(
        ServiceError, match="上传的是《中小企业特色产业集群复核申报表》，不是《上海市中小企业特色产业集群申报表》"
    ):
        _upload(world, other)
    assert not WordImport.objects.exists()


def test_a_word_file_without_the_forms_title_is_refused(world: Any) -> None:
    doc = Document()
    doc.add_paragraph("关于某某事项的请示")
    buf = BytesIO()
    doc.save(buf)
    with pytest.raises(ServiceError, match="封面上找不到表名"):
        _upload(world, buf.getvalue())
    assert not WordImport.objects.exists()


def test_an_unfilled_blank_is_refused_because_nothing_was_read(world: Any) -> None:
    with pytest.raises(ServiceError, match=r"没有从“申报表\.docx”中读到任何已填写的内容"):
        _upload(world, render_form_docx(_template()))


def test_confirming_when_the_cluster_already_has_this_form_creates_nothing(world: Any) -> None:
    item = _upload(world, _filled_in_word())
    existing = FilingFactory(cluster=world.cluster_pudong, created_by=world.operator)
    with pytest.raises(ServiceError, match="已经存在"):
        word_import_confirm(actor=world.operator, word_import=item)
    assert list(Filing.objects.all()) == [existing]
    item.refresh_from_db()
    assert item.status == WordImportStatus.PREVIEW and item.filing is None


def test_only_the_operator_of_the_cluster_may_import_or_confirm(world: Any) -> None:
    with pytest.raises(AccessDenied):
        _upload(world, _filled_in_word(), actor=world.operator_huangpu)
    with pytest.raises(AccessDenied):
        _upload(world, _filled_in_word(), actor=world.district)
    item = _upload(world, _filled_in_word())
    for user in (world.operator_huangpu, world.city_staff, world.nobody):
        with pytest.raises(AccessDenied):
            word_import_confirm(actor=user, word_import=item)
    assert not Filing.objects.exists()


def test_discarding_creates_nothing_and_a_decided_import_cannot_be_confirmed(world: Any) -> None:
    item = _upload(world, _filled_in_word())
    word_import_discard(actor=world.operator, word_import=item)
    item.refresh_from_db()
    assert item.status == WordImportStatus.DISCARDED
    with pytest.raises(AccessDenied, match="已放弃"):
        word_import_confirm(actor=world.operator, word_import=item)
    assert not Filing.objects.exists()
    assert AuditEvent.objects.filter(action="documents.word_import_discard").count() == 1


@pytest.mark.slow
def test_a_form_filled_in_word_and_saved_again_by_libreoffice_is_accepted_and_read(world: Any) -> None:
    from apps.documents.office import convert

    resaved = convert(_filled_in_word(), "申报表.docx", "docx")
    item = _upload(world, resaved)
    assert item.values["area_km2"] == "36.50" and item.values["not_banned_industry"] == "yes"
    assert item.values["cover_cluster_name"] == "上海市浦东新区集成电路产业集群"


def test_discarding_deletes_the_uploaded_file_unless_another_import_still_needs_it(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.storage import default_storage

    data = _filled_in_word()
    kept, dropped = _upload(world, data), _upload(world, data)
    assert kept.stored_name == dropped.stored_name
    word_import_confirm(actor=world.operator, word_import=kept)
    with django_capture_on_commit_callbacks(execute=True):
        word_import_discard(actor=world.operator, word_import=dropped)
    assert default_storage.exists(kept.stored_name)  # the confirmed draft's source stays

    alone = _upload(world, render_form_docx(_template(), {"area_km2": "7.00"}))
    with django_capture_on_commit_callbacks(execute=True):
        word_import_discard(actor=world.operator, word_import=alone)
    assert not default_storage.exists(alone.stored_name)


def test_a_docx_of_an_older_version_of_the_form_is_refused_naming_both_versions(world: Any) -> None:
    old = render_form_docx(load_template("sh_municipal_application", "2020-2022"), {"cover_cluster_name": "某集群"})
    with pytest.raises(ServiceError, match=f"是2020-2022版，本次导入的是{VERSION}版") as exc:
        _upload(world, old)
    assert exc.value.field == "file"
    assert not WordImport.objects.exists() and not Filing.objects.exists()


def test_only_the_current_version_of_a_form_can_be_chosen_for_import(world: Any) -> None:
    with pytest.raises(ServiceError, match="请选择要导入的表单") as exc:
        word_import_upload(
            actor=world.operator,
            cluster=world.cluster_pudong,
            template_code="sh_municipal_application",
            template_version="2020-2022",
            reporting_year=2025,
            file=SimpleUploadedFile("申报表.docx", _filled_in_word()),
        )
    assert exc.value.field == "template"
    assert not WordImport.objects.exists()
