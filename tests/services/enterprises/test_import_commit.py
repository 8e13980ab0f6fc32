"""Commit of a previewed import: the staged rows are what gets written (the file is read once),
the list is upserted (ids and overrides kept), and a changed upload or stage is refused."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from apps.enterprises import reader, services, stage, store
from apps.enterprises.importer import ROW_FIELDS, ParsedRow
from apps.enterprises.models import EnterpriseImport, Firm, FirmName, FirmQualification, FirmYear, ImportStatus
from tests.factories_enterprises import firm_row, make_code, xlsx_bytes


def row_data(**values):
    """A ParsedRow's data as the importer makes it (blank text "", flags False, no products)."""
    blank = {
        f: "" if f in ("name", "industry") or f.startswith(("location_", "contact_")) else None for f in ROW_FIELDS
    }
    blank.update(dict.fromkeys(("above_scale", "cloud", "industrial_internet", "digital_rd_tools"), False))
    blank.update(listing_status="none", leading_industry_related=True, main_products=[])
    blank.update(values)
    return [blank[f] for f in ROW_FIELDS]


def upload(world, rows, year=2024):
    batch = services.enterprise_import_upload(
        actor=world.operator,
        cluster=world.cluster_pudong,
        year=year,
        upload=SimpleUploadedFile("清单.xlsx", xlsx_bytes(rows)),
    )
    assert batch.status == ImportStatus.PREVIEW, batch.summary.get("errors")
    return batch


def commit(world, batch):
    return services.enterprise_import_commit(actor=world.operator, batch=batch)


def listed(world, year=2024):
    return dict(FirmYear.objects.filter(cluster=world.cluster_pudong, year=year).values_list("firm__credit_code", "id"))


POSTGRES = connection.vendor == "postgresql"


def staged_counts(batch):
    """Rows in the import's stage tables (PostgreSQL), None when they are gone."""
    return store.stage_counts(store.stage_tables(batch.pk))


def test_commit_writes_the_staged_rows_without_reading_the_spreadsheet_again(world, monkeypatch):
    batch = upload(world, [firm_row(i) for i in range(3)])
    assert batch.file_sha256
    if POSTGRES:  # staged in the import's own tables while the preview validated
        assert batch.stage_table and not batch.stage_file_name
        assert staged_counts(batch) == (3, batch.summary["staged_qualifications"])
    else:
        assert batch.stage_file_name and batch.stage_sha256 and not batch.stage_table

    def no_second_read(*args, **kwargs):
        raise AssertionError("the spreadsheet was read a second time")

    monkeypatch.setattr(reader, "read_sheet", no_second_read)
    monkeypatch.setattr(services, "read_sheet", no_second_read)
    batch = commit(world, batch)
    assert batch.status == ImportStatus.COMMITTED, batch.message
    assert len(listed(world)) == 3


def test_the_stage_is_deleted_once_the_import_is_committed(world, django_capture_on_commit_callbacks):
    batch = upload(world, [firm_row(1)])
    name = batch.stage_file_name
    with django_capture_on_commit_callbacks(execute=True):
        batch = commit(world, batch)
    assert batch.status == ImportStatus.COMMITTED
    assert batch.stage_file_name == "" and batch.stage_table == ""
    if POSTGRES:
        assert staged_counts(batch) is None
    else:
        assert not default_storage.exists(name)


def test_the_stage_of_a_cancelled_or_invalid_preview_is_dropped(world, django_capture_on_commit_callbacks):
    batch = upload(world, [firm_row(1)])
    with django_capture_on_commit_callbacks(execute=True):
        services.enterprise_import_cancel(actor=world.operator, batch=batch)
    batch.refresh_from_db()
    assert batch.stage_file_name == "" and batch.stage_table == ""
    if POSTGRES:
        assert staged_counts(batch) is None
    bad = services.enterprise_import_upload(
        actor=world.operator,
        cluster=world.cluster_pudong,
        year=2024,
        upload=SimpleUploadedFile("清单.xlsx", xlsx_bytes([firm_row(1), firm_row(1)])),  # a duplicate code
    )
    assert bad.status == ImportStatus.INVALID and not bad.stage_table and not bad.stage_file_name
    if POSTGRES:
        assert staged_counts(bad) is None


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL stage tables: the PostgreSQL phase of scripts/test.sh runs it")
def test_stale_stage_tables_are_dropped_at_the_next_upload(world):
    first = upload(world, [firm_row(1)])
    EnterpriseImport.objects.filter(pk=first.pk).update(created_at=timezone.now() - services.STAGE_MAX_AGE * 2)
    second = upload(world, [firm_row(2)])
    assert staged_counts(first) is None and staged_counts(second)[0] == 1
    assert commit(world, first).status == ImportStatus.FAILED
    assert commit(world, second).status == ImportStatus.COMMITTED


def test_an_upload_replaced_after_the_preview_is_refused_and_nothing_changes(world):
    batch = upload(world, [firm_row(1)])
    default_storage.delete(batch.file_name)
    default_storage.save(batch.file_name, ContentFile(xlsx_bytes([firm_row(1), firm_row(2)])))
    batch = commit(world, batch)
    assert batch.status == ImportStatus.FAILED
    assert "上传的文件在预览之后被更改" in batch.message
    assert not FirmYear.objects.exists() and not Firm.objects.exists()


def test_an_altered_stage_is_refused_and_nothing_changes(world):
    batch = upload(world, [firm_row(1)])
    other = ParsedRow(2, make_code(99), row_data(name="另一家公司", industry="industry"), [], "unknown", "x")
    if POSTGRES:  # a row more in the stage table than the preview counted
        with connection.cursor() as cur:
            rows_table, _quals = store.stage_tables(batch.pk)
            cur.execute(f'INSERT INTO "{rows_table}" (code, name) VALUES (%s, %s)', [other.code, "另一家公司"])  # noqa: S608
    else:
        payload = stage.dump([other])  # a different list, written where the stage was
        default_storage.delete(batch.stage_file_name)
        default_storage.save(batch.stage_file_name, ContentFile(payload))
    batch = commit(world, batch)
    assert batch.status == ImportStatus.FAILED and "暂存的校验结果与预览时不一致" in batch.message
    assert not FirmYear.objects.exists()


def test_a_missing_stage_is_refused_with_a_chinese_message(world):
    batch = upload(world, [firm_row(1)])
    if POSTGRES:
        store.drop_stage(*store.stage_tables(batch.pk))
    else:
        default_storage.delete(batch.stage_file_name)
    batch = commit(world, batch)
    assert batch.status == ImportStatus.FAILED and "请重新上传" in batch.message
    assert not FirmYear.objects.exists()


def test_the_list_changed_between_confirming_and_writing_is_refused(world):
    first = upload(world, [firm_row(1)])
    commit(world, first)
    batch = upload(world, [firm_row(1), firm_row(2)])
    EnterpriseImport.objects.filter(pk=batch.pk).update(status=ImportStatus.COMMITTING)
    fy = FirmYear.objects.get()
    services.firm_year_override_size(actor=world.operator, firm_year=fy, size="large", note="集团口径")
    services.run_commit(batch.pk, world.operator.pk)  # what the queued job does
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and "已被修改" in batch.message
    assert list(listed(world)) == [make_code(1)]


def test_reimport_updates_rows_in_place_removes_unlisted_ones_and_rebuilds_qualifications(world):
    commit(world, upload(world, [firm_row(i) for i in range(1, 5)]))
    before = listed(world)
    assert FirmQualification.objects.filter(firm_year_id=before[make_code(3)]).exists()
    rows = [
        firm_row(1, **{"营业收入（万元）": 9999.5}),
        firm_row(2),
        firm_row(3, **{"专精特新中小企业": "", "专精特新中小企业认定年份": "", "高新技术企业": "无"}),
        firm_row(7),
    ]
    batch = upload(world, rows)
    assert (batch.summary["added_count"], batch.summary["changed_count"], batch.summary["removed_count"]) == (1, 2, 1)
    commit(world, batch)
    after = listed(world)
    assert set(after) == {make_code(i) for i in (1, 2, 3, 7)}
    for i in (1, 2, 3):
        assert after[make_code(i)] == before[make_code(i)]  # same row, updated in place
    fy1 = FirmYear.objects.get(pk=after[make_code(1)])
    assert fy1.revenue == Decimal("9999.50") and fy1.source_import_id == batch.pk
    assert not FirmQualification.objects.filter(firm_year_id=after[make_code(3)]).exists()
    assert FirmYear.objects.filter(firm__credit_code=make_code(4)).count() == 0
    assert Firm.objects.filter(credit_code=make_code(4)).exists()  # the firm itself stays


def test_name_history_records_each_name_with_the_first_year_it_was_listed_under(world):
    code = make_code(1)
    commit(world, upload(world, [firm_row(1, **{"企业名称": "上海甲科技有限公司"})], year=2023))
    assert not FirmName.objects.exists()  # one name so far: Firm.name is the whole history
    commit(world, upload(world, [firm_row(1, **{"企业名称": "上海乙科技有限公司"})], year=2024))
    history = dict(FirmName.objects.filter(firm__credit_code=code).values_list("name", "first_year"))
    assert history == {"上海甲科技有限公司": 2023, "上海乙科技有限公司": 2024}
    commit(world, upload(world, [firm_row(1, **{"企业名称": "上海乙科技有限公司"})], year=2022))
    history = dict(FirmName.objects.filter(firm__credit_code=code).values_list("name", "first_year"))
    assert history == {"上海甲科技有限公司": 2023, "上海乙科技有限公司": 2022}
    assert Firm.objects.get(credit_code=code).name == "上海乙科技有限公司"


def test_the_same_firm_in_two_clusters_is_one_firm(world):
    commit(world, upload(world, [firm_row(1), firm_row(2)]))
    other = services.enterprise_import_upload(
        actor=world.operator_huangpu,
        cluster=world.cluster_huangpu,
        year=2024,
        upload=SimpleUploadedFile("清单.xlsx", xlsx_bytes([firm_row(2), firm_row(3)])),
    )
    services.enterprise_import_commit(actor=world.operator_huangpu, batch=other)
    assert Firm.objects.count() == 3
    assert FirmYear.objects.filter(firm__credit_code=make_code(2)).count() == 2
    assert len(listed(world)) == 2


@pytest.mark.parametrize(
    "text",
    ["反斜杠\\公司", "制表\t符", "换行\n公司", "回车\r公司", "\\N", "引号\"'", "全角　空格"],
)
def test_staged_text_round_trips_whatever_characters_it_holds(text):
    data = row_data(name=text, main_products=[text, "产品"], revenue=Decimal("1234.50"), cloud=True)
    row = ParsedRow(2, make_code(1), data, [("high_tech", "national", None)], "small", f"理由{text}", [text])
    payload = stage.dump([row])
    staged = stage.load(payload, stage.digest(payload))
    (line,) = stage.decode_lines(staged.row_bytes)
    assert line[0] == make_code(1) and line[1] == text
    columns = dict(zip(stage.ROW_COLUMNS, line, strict=True))
    assert columns["revenue"] == "1234.50" and columns["cloud"] == "1" and columns["employees"] is None
    assert columns["size_reason"] == f"理由{text}"
    import json

    assert json.loads(columns["main_products"]) == [text, "产品"]
    assert json.loads(columns["warnings"]) == [text]
    assert list(stage.decode_lines(staged.qualification_bytes)) == [(make_code(1), "high_tech", "national", None)]


def test_a_stage_with_another_digest_or_layout_is_refused():
    payload = stage.dump([])
    with pytest.raises(stage.StageError):
        stage.load(payload, "0" * 64)
    import gzip

    other = gzip.compress(b'{"format": "clusterhub.enterprise-stage", "version": 0}\n')
    with pytest.raises(stage.StageError, match="格式"):
        stage.load(other, stage.digest(other))


def test_unchanged_rows_are_not_rewritten_and_changed_qualifications_are_updated(world):
    first = upload(world, [firm_row(3), firm_row(6)])
    commit(world, first)
    stamps = dict(FirmYear.objects.values_list("firm__credit_code", "updated_at"))
    second = upload(world, [firm_row(3, **{"专精特新中小企业": "省级"}), firm_row(6)])
    assert (second.summary["changed_count"], second.summary["unchanged_count"]) == (1, 1)
    commit(world, second)
    rows = {fy.firm.credit_code: fy for fy in FirmYear.objects.select_related("firm")}
    unchanged, changed = rows[make_code(6)], rows[make_code(3)]
    assert unchanged.source_import_id == first.pk and unchanged.updated_at == stamps[make_code(6)]
    assert changed.qualifications.get(kind="specialised").level == "provincial"
    # The row itself did not change (only a qualification did): the row stays as it was.
    assert changed.source_import_id == first.pk
    assert list(changed.qualifications.values_list("kind", flat=True)) == ["specialised"]
    assert unchanged.qualifications.get(kind="high_tech").level == "national"
