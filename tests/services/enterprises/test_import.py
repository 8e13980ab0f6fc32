import io
import zipfile
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from apps.core.errors import AccessDenied
from apps.core.models import AuditEvent
from apps.enterprises import importer, services
from apps.enterprises.models import EnterpriseImport, Firm, FirmYear, ImportStatus
from apps.enterprises.totals import cluster_totals
from tests.factories_enterprises import HEADERS, csv_bytes, firm_row, make_code, xlsx_bytes


def upload(world, data, name="清单.xlsx", year=2024, cluster=None):
    return services.enterprise_import_upload(
        actor=world.operator, cluster=cluster or world.cluster_pudong, year=year, upload=SimpleUploadedFile(name, data)
    )


def import_ok(world, rows, **kw):
    batch = upload(world, xlsx_bytes(rows), **kw)
    assert batch.status == ImportStatus.PREVIEW, batch.summary.get("errors")
    return services.enterprise_import_commit(actor=world.operator, batch=batch)


def test_preview_changes_no_current_list_and_commit_makes_the_whole_list_current(world):
    batch = upload(world, xlsx_bytes([firm_row(i) for i in range(12)]))
    assert batch.status == ImportStatus.PREVIEW
    assert batch.summary["added_count"] == 12
    assert not FirmYear.objects.exists()  # the preview's rows are a pending list, seen by nothing
    batch = services.enterprise_import_commit(actor=world.operator, batch=batch)
    assert batch.status == ImportStatus.COMMITTED
    assert FirmYear.objects.filter(cluster=world.cluster_pudong, year=2024).count() == 12
    assert AuditEvent.objects.filter(action="enterprise_import.commit").count() == 1


def test_title_rows_and_merged_cells_above_the_header_are_skipped(world):
    batch = upload(world, xlsx_bytes([firm_row(1)], title_rows=3))
    assert batch.status == ImportStatus.PREVIEW
    assert batch.summary["header_row"] == 4


def test_messy_cells_are_read_full_width_thousands_text_numbers_and_wu(world):
    row = firm_row(
        1,
        **{
            "统一社会信用代码": " " + make_code(1).lower()[:5] + "　" + make_code(1).lower()[5:],
            "从业人员期末人数": "１２０",
            "营业收入（万元）": "1,234.5",
            "研发费用（万元）": "无",
            "专精特新中小企业": "市级",
            "专精特新中小企业认定年份": 45047,
        },
    )
    headers = [h.replace("营业收入（万元）", "主营业务收入") for h in HEADERS]
    batch = upload(world, xlsx_bytes([row], headers=headers))
    assert batch.status == ImportStatus.PREVIEW, batch.summary["errors"]
    services.enterprise_import_commit(actor=world.operator, batch=batch)
    fy = FirmYear.objects.get()
    assert fy.firm.credit_code == make_code(1)
    assert fy.employees == 120 and fy.revenue == Decimal("1234.50") and fy.rd_expense == Decimal("0.00")
    assert fy.qualifications.get(kind="specialised").year == 2023


def test_csv_in_gb18030_is_accepted(world):
    batch = upload(world, csv_bytes([firm_row(i) for i in range(3)], encoding="gb18030"), name="清单.csv")
    assert batch.status == ImportStatus.PREVIEW, batch.summary.get("errors")


def test_row_errors_name_row_and_column_and_nothing_is_written(world):
    bad_code = make_code(2)[:-1] + ("A" if make_code(2)[-1] != "A" else "B")
    rows = [firm_row(1), firm_row(2, **{"统一社会信用代码": bad_code}), firm_row(3, **{"从业人员期末人数": "很多"})]
    batch = upload(world, xlsx_bytes(rows))
    assert batch.status == ImportStatus.INVALID
    assert "第3行「统一社会信用代码」校验位错误" in batch.summary["errors"]
    assert any(e.startswith("第4行「从业人员期末人数」") for e in batch.summary["errors"])
    assert not FirmYear.objects.exists()
    with pytest.raises(AccessDenied):
        services.enterprise_import_commit(actor=world.operator, batch=batch)


def test_error_file_holds_only_the_failing_rows_with_an_error_column(world, tmp_path):
    from django.core.files.storage import default_storage

    rows = [firm_row(1), firm_row(2, **{"营业收入（万元）": "-5"})]
    batch = upload(world, xlsx_bytes(rows))
    with default_storage.open(batch.error_file_name, "rb") as fh:
        data = fh.read()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert sheet[0][:3] == ["原行号", "错误说明", "统一社会信用代码"]
    assert len(sheet) == 2
    assert sheet[1][0] == 3 and "不能为负数" in sheet[1][1]
    assert sheet[1][2] == make_code(2)


def test_reimport_upserts_by_credit_code_and_lists_added_changed_removed(world):
    import_ok(world, [firm_row(i) for i in range(5)])
    rows = [firm_row(i) for i in range(1, 5)] + [firm_row(9)]
    rows[0] = firm_row(1, **{"企业名称": "上海改名后的公司"})
    batch = upload(world, xlsx_bytes(rows))
    s = batch.summary
    assert (s["added_count"], s["changed_count"], s["removed_count"]) == (1, 1, 1)
    services.enterprise_import_commit(actor=world.operator, batch=batch)
    assert FirmYear.objects.filter(cluster=world.cluster_pudong, year=2024).count() == 5
    firm = Firm.objects.get(credit_code=make_code(1))
    assert firm.name == "上海改名后的公司"
    assert set(firm.names.values_list("name", flat=True)) == {"上海示例智能科技有限公司1", "上海改名后的公司"}


def test_size_override_survives_reimport_and_is_audited(world):
    import_ok(world, [firm_row(1)])
    fy = FirmYear.objects.get()
    services.firm_year_override_size(
        actor=world.operator, firm_year=fy, size="large", note="集团控股子公司，按集团口径"
    )
    import_ok(world, [firm_row(1, **{"营业收入（万元）": 4000})])
    fy = FirmYear.objects.get()
    assert fy.size == "large" and fy.computed_size == "small" and not fy.is_sme
    ev = AuditEvent.objects.get(action="firm_year.override_size")
    assert ev.changes["size_override"] == ["", "large"]


def test_override_without_note_is_refused(world):
    import_ok(world, [firm_row(1)])
    from apps.core.errors import ServiceError

    with pytest.raises(ServiceError, match="说明"):
        services.firm_year_override_size(actor=world.operator, firm_year=FirmYear.objects.get(), size="small", note=" ")


def test_other_operator_and_district_cannot_import(world):
    for user in (world.operator_huangpu, world.district, world.nobody):
        with pytest.raises(AccessDenied):
            services.enterprise_import_upload(
                actor=user, cluster=world.cluster_pudong, year=2024, upload=SimpleUploadedFile("a.xlsx", b"x")
            )
    assert not EnterpriseImport.objects.exists()


def _zip_with(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in entries.items():
            z.writestr(n, d)
    return buf.getvalue()


def _formula_xlsx() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("企业清单")
    ws.write_row(0, 0, HEADERS)
    row = firm_row(1)
    for j, v in enumerate(row):
        ws.write(1, j, v)
    ws.write_formula(1, 4, "=1000+2000", None, 3000)
    wb.close()
    return buf.getvalue()


def _empty_rows_xlsx() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": False, "constant_memory": True, "tmpdir": "/tmp"})
    ws = wb.add_worksheet("企业清单")
    fmt = wb.add_format({"bg_color": "#FFFF00"})
    ws.write_row(0, 0, HEADERS)
    ws.write_row(1, 0, firm_row(1))
    for i in range(2, 1_000_002):
        ws.write_blank(i, 0, None, fmt)
    wb.close()
    return buf.getvalue()


BAD_INPUTS = {
    "zero_bytes": (b"", "清单.xlsx", "文件为空"),
    "renamed_pdf": (b"%PDF-1.7 not a workbook", "清单.xlsx", "不是 Excel 工作簿"),
    "renamed_zip": (_zip_with({"readme.txt": b"hello"}), "清单.xlsx", "不是 Excel 工作簿"),
    "zip_bomb": (
        _zip_with({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"0" * (450 * 1024 * 1024)}),
        "清单.xlsx",
        "超过",
    ),
    "formula": (_formula_xlsx(), "清单.xlsx", "第2行「营业收入」是公式"),
    "duplicate_code": (xlsx_bytes([firm_row(1), firm_row(1)]), "清单.xlsx", "第3行「统一社会信用代码」与第2行重复"),
    "missing_columns": (xlsx_bytes([firm_row(1)[:3]], headers=HEADERS[:3]), "清单.xlsx", "缺少必填列"),
    "not_a_spreadsheet_name": (b"abc", "清单.docx", "只能导入"),
    "xls_that_is_text": (b"just text", "清单.xls", "不是 Excel 97-2003"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_refused_with_a_chinese_message_and_nothing_changes(world, case):
    import_ok(world, [firm_row(50)])
    data, name, expected = BAD_INPUTS[case]
    batch = upload(world, data, name=name)
    assert batch.status == ImportStatus.INVALID
    assert any(expected in e for e in batch.summary["errors"]), batch.summary["errors"]
    assert list(FirmYear.objects.values_list("firm__credit_code", flat=True)) == [make_code(50)]


def test_a_million_formatted_empty_rows_cost_bounded_work(world):
    batch = upload(world, _empty_rows_xlsx())
    assert batch.status == ImportStatus.PREVIEW, batch.summary.get("errors")
    assert batch.summary["total_rows"] == 1


def test_large_file_runs_as_background_job_and_reports_progress(world, settings):
    settings.ENTERPRISE_IMPORT_INLINE_MAX_BYTES = 10
    batch = upload(world, xlsx_bytes([firm_row(i) for i in range(30)]))
    assert batch.status == ImportStatus.PREVIEW and batch.progress == 100
    batch = services.enterprise_import_commit(actor=world.operator, batch=batch)
    assert batch.status == ImportStatus.COMMITTED
    assert cluster_totals(world.cluster_pudong, 2024)["firm_count"].value == 30


def test_commit_refused_when_the_list_changed_since_preview(world):
    from apps.core.errors import ConcurrentEdit

    stale = upload(world, xlsx_bytes([firm_row(1)]))
    import_ok(world, [firm_row(2)])
    with pytest.raises(ConcurrentEdit):
        services.enterprise_import_commit(actor=world.operator, batch=stale)


def test_implausible_values_and_year_on_year_jumps_are_warnings(world, settings):
    settings.ENTERPRISE_YOY_JUMP_FACTOR = "2"
    import_ok(world, [firm_row(1)], year=2023)
    rows = [firm_row(1, **{"营业收入（万元）": 30000, "研发费用（万元）": 40000})]
    batch = upload(world, xlsx_bytes(rows))
    text = "；".join(batch.summary["warnings"])
    assert "研发费用（40000.00万元）高于营业收入（30000.00万元）" in text
    assert "营业收入较上年" in text and "增长超过2倍" in text
    services.enterprise_import_commit(actor=world.operator, batch=batch)
    assert FirmYear.objects.get(year=2024).warnings


def test_blocks_of_rows_give_the_same_messages_as_one_block(world, monkeypatch):
    """Rows are validated in blocks; a duplicate in a later block, or a fault in any block, is
    named exactly as when all rows are one block (row numbers, columns, earlier row)."""
    bad_code = make_code(4)[:-1] + ("A" if make_code(4)[-1] != "A" else "B")
    rows = [
        firm_row(1),
        firm_row(2),
        firm_row(3, **{"从业人员期末人数": "很多"}),
        firm_row(1),  # the code of row 2, in another block
        firm_row(4, **{"统一社会信用代码": bad_code}),
        firm_row(5),
        firm_row(6),
    ]
    single = upload(world, xlsx_bytes(rows))
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 2)
    blocks = upload(world, xlsx_bytes(rows))
    assert single.status == blocks.status == ImportStatus.INVALID
    assert blocks.summary["errors"] == single.summary["errors"]
    assert "第5行「统一社会信用代码」与第2行重复（同一企业只能列报一次）" in blocks.summary["errors"]
    assert "第6行「统一社会信用代码」校验位错误" in blocks.summary["errors"]
    assert any(e.startswith("第4行「从业人员期末人数」") for e in blocks.summary["errors"])
    ok = upload(world, xlsx_bytes([firm_row(i) for i in range(1, 8)]))
    assert ok.status == ImportStatus.PREVIEW and ok.summary["valid_rows"] == 7
