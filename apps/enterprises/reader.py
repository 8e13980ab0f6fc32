"""Reading an uploaded spreadsheet safely (xlsx, xls, csv) into rows of raw cell values.

Before any parser touches the bytes: the file must not be empty, must really be the format
its name says (an .xlsx is a zip with a workbook, an .xls an OLE2 compound file), an .xlsx's
declared uncompressed sizes must stay under a limit (zip bombs) and its data sheet is streamed
once, bounded, to find formula cells (calamine returns their cached values without saying
so) — by a second interpreter while calamine parses the sheet (formula_scan.py). Rows are
then read with python-calamine; runs of empty rows end the sheet, so a million formatted empty
rows cost nothing. Every refusal is a `ReadError` with a Chinese message.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice
from operator import itemgetter
from typing import Any

import python_calamine
from django.conf import settings

from . import formula_scan
from .columns import HEADER_INDEX, IGNORED_HEADERS, normalise_header

ACCEPTED_EXTENSIONS = (".xlsx", ".xls", ".csv")
SHEET_NAME = "企业清单"
HEADER_SCAN_ROWS = 30
MAX_BLANK_RUN = 1000


def max_uncompressed_bytes() -> int:
    return int(getattr(settings, "ENTERPRISE_IMPORT_MAX_UNCOMPRESSED_BYTES", 400 * 1024 * 1024))


def max_upload_bytes() -> int:
    return int(getattr(settings, "ENTERPRISE_IMPORT_MAX_UPLOAD_BYTES", 60 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "ENTERPRISE_IMPORT_MAX_ROWS", 200_000))


class ReadError(ValueError):
    """The file cannot be read at all; nothing was imported."""


def col_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class RawSheet:
    """The data sheet: header row found, its columns mapped, and the data rows (1-based numbers).

    `blocks` are read lazily and only once: rows are validated as calamine hands them over, so a
    100,000-row file is never held twice in memory. Reading past the row limit or a damaged
    part of the file raises `ReadError` from the iteration.
    """

    sheet_name: str
    header_row: int  # 1-based row number of the header
    columns: dict[int, str]  # column index → column key
    headers: dict[int, str]  # column index → header text as written
    unknown_headers: list[str]
    # blocks(n): the data rows in blocks of up to n — (1-based row numbers, cells) — consumed once.
    blocks: Callable[[int], Iterator[tuple[list[int], list[list[Any]]]]]
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # (1-based row, col index)
    row_estimate: int | None = None  # rows below the header as the sheet declares them (progress only)


def check_file(data: bytes, name: str) -> str:
    """Kind of the file (“xlsx”/“xls”/“csv”) after the safety checks; raises ReadError."""
    lower = name.lower()
    ext = next((e for e in ACCEPTED_EXTENSIONS if lower.endswith(e)), "")
    if not ext:
        raise ReadError("只能导入 .xlsx、.xls 或 .csv 文件。")
    if not data:
        raise ReadError("文件为空（0 字节），请重新选择文件。")
    if len(data) > max_upload_bytes():
        raise ReadError(f"文件超过 {max_upload_bytes() // (1024 * 1024)} MB，请拆分后分批导入。")
    if ext == ".xlsx":
        if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
            raise ReadError(
                "文件扩展名为 .xlsx，但内容不是 Excel 工作簿（可能是改了扩展名的其他文件），"
                "请用 Excel 另存为 .xlsx 后再导入。"
            )
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                if "xl/workbook.xml" not in names:
                    raise ReadError("文件是压缩包，但不是 Excel 工作簿，请用 Excel 另存为 .xlsx 后再导入。")
                total = sum(i.file_size for i in zf.infolist())
        except zipfile.BadZipFile:
            raise ReadError("Excel 文件已损坏，无法读取。") from None
        limit = max_uncompressed_bytes()
        if total > limit:
            raise ReadError(
                f"文件解压后达 {total // (1024 * 1024)} MB，超过 {limit // (1024 * 1024)} MB 的上限，"
                "可能含大量空白格式或为异常文件，已拒绝。请只保留企业清单数据后重新保存。"
            )
        return "xlsx"
    if ext == ".xls":
        if not data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            raise ReadError("文件扩展名为 .xls，但内容不是 Excel 97-2003 工作簿，请用 Excel 另存为 .xlsx 后再导入。")
        return "xls"
    if b"\x00" in data[:4096] or data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError("文件扩展名为 .csv，但内容不是文本表格，请另存为 CSV（逗号分隔）后再导入。")
    return "csv"


def _decode_csv(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ReadError("CSV 文件编码无法识别，请另存为 UTF-8 编码的 CSV 后再导入。")


SUBPROCESS_SCAN_FROM_BYTES = 2 * 1024 * 1024  # smaller files are scanned in-process (faster than a start-up)


def find_formulas(data: bytes, sheet_name: str) -> set[tuple[int, int]]:
    """(row, col) of the sheet's formula cells (see formula_scan.py); raises ReadError."""
    try:
        return formula_scan.find_formulas(data, sheet_name, max_uncompressed_bytes())
    except formula_scan.ScanError as exc:
        raise ReadError(str(exc)) from None


def _start_formula_scan(data: bytes, sheet_name: str) -> Callable[[], set[tuple[int, int]]]:
    """Start looking for formula cells; returns the function that waits for them.

    A large file is scanned by a second interpreter (formula_scan.py run as a script), on the
    machine's other core while calamine parses here; a small one, or when no process can be
    started, in this process when the result is asked for.
    """
    if len(data) < SUBPROCESS_SCAN_FROM_BYTES:
        return partial(find_formulas, data, sheet_name)
    command = [sys.executable, "-I", "-S", formula_scan.__file__, sheet_name, str(max_uncompressed_bytes())]
    try:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603 - this interpreter, no shell
    except OSError:
        return partial(find_formulas, data, sheet_name)
    outcome: dict[str, tuple[bytes, bytes]] = {}
    feeder = threading.Thread(target=lambda: outcome.update(out=proc.communicate(data)), daemon=True)
    feeder.start()  # waits on the pipes, without the GIL

    def result() -> set[tuple[int, int]]:
        feeder.join()
        out, err = outcome.get("out", (b"", b""))
        if proc.returncode == 0:
            return {(int(r), int(c)) for r, c in json.loads(out)}
        if proc.returncode == 2:
            raise ReadError(err.decode("utf-8", "replace") or formula_scan.DAMAGED)
        return find_formulas(data, sheet_name)  # the scanner itself failed: scan here

    return result


def _iter_rows(
    data: bytes, kind: str
) -> tuple[str, Iterator[list[Any]], int | None, Callable[[], set[tuple[int, int]]] | None]:
    """The data sheet's name, rows and declared height and, for an .xlsx, the function giving its
    formula cells (looked for while calamine parses the sheet: `_start_formula_scan`)."""
    if kind == "csv":
        text = _decode_csv(data)
        return "CSV", (list(r) for r in csv.reader(io.StringIO(text))), None, None
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = wb.sheet_names
        if not names:
            raise ReadError("工作簿中没有工作表。")
        name = SHEET_NAME if SHEET_NAME in names else names[0]
    except ReadError:
        raise
    except Exception:  # calamine raises several error types for damaged files
        raise ReadError("Excel 文件无法读取（文件损坏、加密或不是工作簿）。") from None
    formulas = _start_formula_scan(data, name) if kind == "xlsx" else None
    try:
        sheet = wb.get_sheet_by_name(name)
    except Exception:
        if formulas is not None:
            with suppress(ReadError):
                formulas()  # the scanner's process is waited for, not left behind
        raise ReadError("Excel 文件无法读取（文件损坏、加密或不是工作簿）。") from None
    return name, iter(sheet.iter_rows()), sheet.height, formulas


def detect_header(rows: list[list[Any]]) -> tuple[int, dict[int, str], dict[int, str], list[str]] | None:
    """Index (0-based) of the header row among the first rows, with its column mapping.

    The header is the row matching the most known headers (synonyms included), at least 3 and
    including the credit code; title rows and merged cells above it are skipped.
    """
    best: tuple[int, dict[int, str], dict[int, str], list[str]] | None = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping: dict[int, str] = {}
        headers: dict[int, str] = {}
        unknown: list[str] = []
        for j, cell in enumerate(row):
            key = HEADER_INDEX.get(normalise_header(cell)) if isinstance(cell, str) else None
            if key and key not in mapping.values():
                mapping[j] = key
                headers[j] = str(cell).strip()
            elif isinstance(cell, str) and cell.strip() and normalise_header(cell) not in IGNORED_HEADERS:
                unknown.append(cell.strip())
        if len(mapping) >= 3 and (best is None or len(mapping) > len(best[1])):
            best = (i, mapping, headers, unknown)
    return best


def _blank_row(row: list[Any]) -> bool:
    first = row[0] if row else None
    if first is not None and (first.__class__ is not str or first[:1].strip()):
        return False  # the usual case: the first cell is filled
    return not any(c is not None and (c.__class__ is not str or c.strip()) for c in row)


def _first_cells_filled(rows: list[list[Any]]) -> bool:
    """Every row's first cell is text with a visible character (the usual first cell, a credit
    code), so no row is blank; checked by C-level passes. False is only “not known here”."""
    if min(map(len, rows)) == 0:
        return False
    firsts = list(map(itemgetter(0), rows))
    return set(map(type, firsts)) == {str} and all(map(str.strip, firsts))


def _data_blocks(
    head: list[list[Any]], header_idx: int, it: Iterator[list[Any]], size: int
) -> Iterator[tuple[list[int], list[list[Any]]]]:
    """Rows below the header in blocks of up to `size` (their 1-based numbers, their cells); a
    run of MAX_BLANK_RUN empty rows ends the sheet. Taken from calamine a block at a time: a
    generator step per row cost as much as reading the cells."""
    limit = max_rows()
    blank_run = 0
    count = 0
    rownum = header_idx + 1
    source = chain(head[header_idx + 1 :], it)
    while True:
        try:
            chunk = list(islice(source, size))
        except Exception:
            raise ReadError("文件内容无法完整读取（文件可能已损坏）。") from None
        if not chunk:
            return
        if _first_cells_filled(chunk):  # the usual block: no row can be blank
            blank_run = 0
            count += len(chunk)
            if count > limit:
                raise ReadError(f"数据超过 {limit} 行的上限，请拆分后分批导入。")
            yield list(range(rownum + 1, rownum + 1 + len(chunk))), chunk
            rownum += len(chunk)
            continue
        numbers: list[int] = []
        rows: list[list[Any]] = []
        ended = False
        for row in chunk:
            rownum += 1
            first = row[0] if row else None
            # Only a row whose first cell is empty can be blank: the usual row is decided here.
            if (first is None or (first.__class__ is str and not first[:1].strip())) and _blank_row(row):
                blank_run += 1
                if blank_run >= MAX_BLANK_RUN:
                    ended = True
                    break
                continue
            blank_run = 0
            numbers.append(rownum)
            rows.append(row)
        count += len(rows)
        if count > limit:
            raise ReadError(f"数据超过 {limit} 行的上限，请拆分后分批导入。")
        if rows:
            yield numbers, rows
        if ended:
            return


def read_sheet(data: bytes, name: str) -> RawSheet:
    """Safety checks, the data sheet's header and formula cells; its rows are read lazily (bounded)."""
    kind = check_file(data, name)
    sheet_name, it, height, formulas_found = _iter_rows(data, kind)
    head: list[list[Any]] = []
    try:
        for row in it:
            head.append(row)
            if len(head) >= HEADER_SCAN_ROWS:
                break
    except Exception:
        raise ReadError("文件内容无法读取。") from None
    found = detect_header(head)
    if found is None:
        raise ReadError(
            "没有找到表头行：前 30 行中没有一行包含“统一社会信用代码”“企业名称”等列名。请使用下载的模板，或检查列名。"
        )
    header_idx, columns, headers, unknown = found
    formulas = formulas_found() if formulas_found is not None else set()
    estimate = max(0, height - header_idx - 1) if height is not None else None
    return RawSheet(
        sheet_name,
        header_idx + 1,
        columns,
        headers,
        unknown,
        partial(_data_blocks, head, header_idx, it),
        formulas,
        estimate,
    )
