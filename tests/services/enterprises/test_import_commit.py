"""Preview and commit of an import: the preview writes a pending list (read once from the file),
the commit makes it current (overrides kept, the previous list kept as history), and a changed
upload or pending list is refused."""

import threading
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from apps.enterprises import importer, reader, services, store
from apps.enterprises.importer import ROW_FIELDS, ParsedRow
from apps.enterprises.models import (
    EnterpriseImport,
    Firm,
    FirmList,
    FirmName,
    FirmQualification,
    FirmYear,
    ImportStatus,
    ListStatus,
)
from apps.enterprises.totals import cluster_totals
from tests.factories_enterprises import FirmFactory, FirmYearFactory, firm_row, make_code, xlsx_bytes


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


def pending_of(batch):
    return FirmList.objects.filter(source_import=batch, status=ListStatus.PENDING).first()


def test_the_preview_writes_a_pending_list_that_no_page_or_total_sees(world):
    batch = upload(world, [firm_row(i) for i in range(3)])
    assert batch.file_sha256
    pending = pending_of(batch)
    assert (pending.row_count, pending.qualification_count) == (3, batch.summary["qualification_count"])
    assert FirmYear.all_lists.filter(firm_list=pending).count() == 3
    assert not FirmYear.objects.exists() and not FirmQualification.objects.exists()
    assert "firm_count" not in cluster_totals(world.cluster_pudong, 2024)  # no current list: nothing counted


def test_commit_makes_the_pending_list_current_without_reading_the_spreadsheet_again(world, monkeypatch):
    batch = upload(world, [firm_row(i) for i in range(3)])
    pending = pending_of(batch)

    def no_second_read(*args, **kwargs):
        raise AssertionError("the spreadsheet was read a second time")

    monkeypatch.setattr(reader, "read_sheet", no_second_read)
    monkeypatch.setattr(services, "read_sheet", no_second_read)
    batch = commit(world, batch)
    assert batch.status == ImportStatus.COMMITTED, batch.message
    assert set(listed(world).values()) == set(FirmYear.all_lists.filter(firm_list=pending).values_list("id", flat=True))
    pending.refresh_from_db()
    assert pending.status == ListStatus.CURRENT and pending.activated_at is not None


def test_a_second_import_supersedes_the_first_list_which_is_kept_as_history(world):
    first = upload(world, [firm_row(1), firm_row(2)])
    commit(world, first)
    second = upload(world, [firm_row(2)])
    commit(world, second)
    assert list(listed(world)) == [make_code(2)]
    old = FirmList.objects.get(source_import=first)
    assert old.status == ListStatus.SUPERSEDED
    assert FirmYear.all_lists.filter(firm_list=old).count() == 2
    assert FirmList.objects.filter(cluster=world.cluster_pudong, year=2024, status=ListStatus.CURRENT).count() == 1


def test_the_pending_list_of_a_cancelled_or_invalid_preview_is_deleted_with_the_firms_it_introduced(
    world, django_capture_on_commit_callbacks
):
    commit(world, upload(world, [firm_row(1)]))
    batch = upload(world, [firm_row(1), firm_row(2)])
    assert Firm.objects.filter(credit_code=make_code(2)).exists()  # written with the pending list
    with django_capture_on_commit_callbacks(execute=True):
        services.enterprise_import_cancel(actor=world.operator, batch=batch)
    assert pending_of(batch) is None and not FirmList.objects.filter(source_import=batch).exists()
    assert list(Firm.objects.values_list("credit_code", flat=True)) == [make_code(1)]  # the known firm stays
    assert list(listed(world)) == [make_code(1)]
    rows = [firm_row(3), firm_row(4), firm_row(5, **{"统一社会信用代码": make_code(4)})]  # a duplicate code
    bad = services.enterprise_import_upload(
        actor=world.operator,
        cluster=world.cluster_pudong,
        year=2024,
        upload=SimpleUploadedFile("清单.xlsx", xlsx_bytes(rows)),
    )
    assert bad.status == ImportStatus.INVALID
    assert not FirmList.objects.filter(source_import=bad).exists()
    assert not Firm.objects.filter(credit_code__in=[make_code(3), make_code(4)]).exists()


def test_stale_pending_lists_are_deleted_at_the_next_upload(world):
    first = upload(world, [firm_row(1)])
    EnterpriseImport.objects.filter(pk=first.pk).update(created_at=timezone.now() - services.STAGE_MAX_AGE * 2)
    second = upload(world, [firm_row(2)])
    assert pending_of(first) is None and pending_of(second).row_count == 1
    assert not Firm.objects.filter(credit_code=make_code(1)).exists()
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


def test_an_altered_pending_list_is_refused_and_nothing_changes(world):
    batch = upload(world, [firm_row(1)])
    pending = pending_of(batch)
    # A row more in the pending list than the preview counted (written behind the preview's back).
    FirmYearFactory(firm_list=pending, cluster=world.cluster_pudong, year=2024)
    batch = commit(world, batch)
    assert batch.status == ImportStatus.FAILED and "与预览时不一致" in batch.message
    assert not FirmYear.objects.exists()


def test_a_missing_pending_list_is_refused_with_a_chinese_message(world):
    batch = upload(world, [firm_row(1)])
    store.delete_list(pending_of(batch).pk)
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


def test_reimport_replaces_the_list_keeps_size_overrides_and_rebuilds_qualifications(world):
    commit(world, upload(world, [firm_row(i) for i in range(1, 5)]))
    before = listed(world)
    assert FirmQualification.objects.filter(firm_year_id=before[make_code(3)]).exists()
    services.firm_year_override_size(
        actor=world.operator, firm_year=FirmYear.objects.get(pk=before[make_code(2)]), size="large", note="集团口径"
    )
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
    fy1 = FirmYear.objects.get(pk=after[make_code(1)])
    assert fy1.revenue == Decimal("9999.50") and fy1.firm_list.source_import_id == batch.pk
    fy2 = FirmYear.objects.get(pk=after[make_code(2)])
    assert (fy2.size_override, fy2.size_override_note, fy2.size, fy2.is_sme) == ("large", "集团口径", "large", False)
    assert fy2.computed_size != "large"
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
@pytest.mark.parametrize("by_columns", [False, True], ids=["rows", "columns"])
def test_a_list_row_is_stored_as_validated_whatever_characters_it_holds(world, text, by_columns):
    """Whether the writer regroups the rows' values or is handed the validator's columns."""
    data = row_data(name=text, main_products=[text, "产品"], revenue=Decimal("1234.50"), cloud=True)
    row = ParsedRow(2, make_code(1), data, [("high_tech", "national", None)], "small", [text])
    pending = FirmList.objects.create(cluster=world.cluster_pudong, year=2024)
    writer = store.ListWriter(pending, threaded=False)
    writer.send([row], [[value] for value in data] if by_columns else None)
    assert writer.close() == (1, 1)
    fy = FirmYear.all_lists.get(firm_list=pending)
    assert (fy.firm.credit_code, fy.name, fy.revenue, fy.cloud, fy.employees) == (
        make_code(1),
        text,
        Decimal("1234.50"),
        True,
        None,
    )
    assert fy.main_products == [text, "产品"] and fy.warnings == [text]
    assert (fy.computed_size, fy.size, fy.is_sme) == ("small", "small", True)
    assert list(FirmQualification.all_lists.filter(firm_year=fy).values_list("kind", "level", "year")) == [
        ("high_tech", "national", None)
    ]


@pytest.mark.skipif(
    not POSTGRES, reason="the second connection's writer: the PostgreSQL phase of scripts/test.sh runs it"
)
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_second_connection_writes_the_list_while_the_preview_validates(world, monkeypatch):
    writers = []
    write = store.ListWriter._write

    def recording(self, rows):
        writers.append(threading.current_thread().name)
        write(self, rows)

    monkeypatch.setattr(store.ListWriter, "_write", recording)
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 4)  # several blocks
    batch = upload(world, [firm_row(i) for i in range(10)])
    assert len(writers) == 3 and all(name.startswith("firm-list-") for name in writers)  # 4 + 4 + 2 rows
    pending = pending_of(batch)
    assert (pending.row_count, pending.qualification_count) == (10, batch.summary["qualification_count"])
    assert commit(world, batch).status == ImportStatus.COMMITTED
    assert len(listed(world)) == 10
    writers.clear()
    small = upload(world, [firm_row(i) for i in range(20, 23)], year=2023)  # one block, not a full one
    assert small.status == ImportStatus.PREVIEW
    assert writers == [threading.main_thread().name]  # written at once, without threads


def orphans():
    """Rows whose list or firm is gone, and qualifications whose row is gone (the list tables'
    foreign keys have no database constraint: the writer and the deletes keep them whole)."""
    rows = FirmYear.all_lists.exclude(firm_list_id__in=FirmList.objects.values("pk")).count()
    rows += FirmYear.all_lists.exclude(firm_id__in=Firm.objects.values("pk")).count()
    quals = FirmQualification.all_lists.exclude(firm_year_id__in=FirmYear.all_lists.values("pk")).count()
    return rows, quals


def test_no_path_leaves_a_row_without_its_list_or_firm(world, django_capture_on_commit_callbacks):
    def step(action):
        with django_capture_on_commit_callbacks(execute=True):  # what runs after each commit too
            result = action()
        assert orphans() == (0, 0)
        return result

    step(lambda: commit(world, upload(world, [firm_row(i) for i in range(1, 6)])))
    cancelled = step(lambda: upload(world, [firm_row(i) for i in range(4, 9)]))
    step(lambda: services.enterprise_import_cancel(actor=world.operator, batch=cancelled))
    step(lambda: commit(world, upload(world, [firm_row(i) for i in range(3, 8)])))  # supersedes: old rows purged
    assert FirmYear.all_lists.filter(cluster=world.cluster_pudong).count() == 5
    failed = step(lambda: upload(world, [firm_row(9)]))
    default_storage.delete(failed.file_name)
    assert step(lambda: commit(world, failed)).status == ImportStatus.FAILED
    step(world.cluster_pudong.delete)  # Django's cascade, without database constraints
    assert not FirmYear.all_lists.exists() and not FirmList.objects.exists()


@pytest.mark.skipif(not POSTGRES, reason="the COPY path of firms: scripts/test.sh's PostgreSQL phase runs it")
def test_a_firm_inserted_by_another_import_meanwhile_is_taken_not_duplicated(world, monkeypatch):
    known = FirmFactory(credit_code=make_code(2), name="另一次导入刚写入的企业")
    lookups = []
    real = store._known_firms

    def not_yet_there_at_first(codes):
        lookups.append(codes)
        return {} if len(lookups) == 1 else real(codes)  # the first lookup ran before it was inserted

    monkeypatch.setattr(store, "_known_firms", not_yet_there_at_first)
    batch = upload(world, [firm_row(1), firm_row(2), firm_row(3)])
    assert batch.status == ImportStatus.PREVIEW
    assert len(lookups) >= 2  # the block was written again after the COPY met the firm
    assert Firm.objects.filter(credit_code=make_code(2)).get().pk == known.pk
    commit(world, batch)
    assert FirmYear.objects.get(firm__credit_code=make_code(2)).firm_id == known.pk
    assert len(listed(world)) == 3
