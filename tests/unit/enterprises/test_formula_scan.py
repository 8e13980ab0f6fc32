"""Formula cells are found by a second interpreter for a large upload (calamine holds the GIL
while it parses, so only another process scans at the same time), in-process for a small one."""

import io
import subprocess

import pytest
import xlsxwriter

from apps.enterprises import formula_scan, reader
from apps.enterprises.reader import ReadError
from tests.factories_enterprises import HEADERS, firm_row


def formula_xlsx() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("企业清单")
    ws.write_row(0, 0, HEADERS)
    ws.write_row(1, 0, firm_row(1))
    ws.write_row(2, 0, firm_row(2))
    ws.write_formula(2, 4, "=1000+2000", None, 3000)
    wb.close()
    return buf.getvalue()


@pytest.fixture
def popen_calls(monkeypatch):
    calls = []
    real = subprocess.Popen

    def recording(command, *args, **kwargs):
        calls.append(command)
        return real(command, *args, **kwargs)

    monkeypatch.setattr(reader.subprocess, "Popen", recording)
    return calls


def test_a_large_upload_is_scanned_for_formulas_by_a_second_interpreter(monkeypatch, popen_calls):
    monkeypatch.setattr(reader, "SUBPROCESS_SCAN_FROM_BYTES", 0)
    sheet = reader.read_sheet(formula_xlsx(), "清单.xlsx")
    assert sheet.formula_cells == {(3, 4)}  # row 3 (1-based), column E
    assert len(popen_calls) == 1 and popen_calls[0][-3:-1] == [formula_scan.__file__, "企业清单"]


def test_a_small_upload_is_scanned_in_this_process(popen_calls):
    sheet = reader.read_sheet(formula_xlsx(), "清单.xlsx")
    assert sheet.formula_cells == {(3, 4)} and popen_calls == []


def test_the_second_interpreter_refuses_a_sheet_over_the_limit_with_a_chinese_message(monkeypatch, settings):
    monkeypatch.setattr(reader, "SUBPROCESS_SCAN_FROM_BYTES", 0)
    settings.ENTERPRISE_IMPORT_MAX_UNCOMPRESSED_BYTES = 100  # the sheet's XML is longer
    wait = reader._start_formula_scan(formula_xlsx(), "企业清单")
    with pytest.raises(ReadError, match="文件解压后超过上限"):
        wait()


def test_when_no_process_can_be_started_the_scan_runs_here(monkeypatch):
    monkeypatch.setattr(reader, "SUBPROCESS_SCAN_FROM_BYTES", 0)

    def refused(*args, **kwargs):
        raise OSError("no more processes")

    monkeypatch.setattr(reader.subprocess, "Popen", refused)
    assert reader._start_formula_scan(formula_xlsx(), "企业清单")() == {(3, 4)}
