"""The staged rows of a previewed import (暂存的校验结果), written once at preview, read at commit.

The preview reads, validates and classifies the upload; the commit must write exactly what
the preview showed, without reading the spreadsheet a second time. So the preview stages its
valid rows in PostgreSQL's COPY text format (`parts`):

- on PostgreSQL, block by block into two UNLOGGED tables owned by the import
  (`store.StageStream`, fed while the next block is validated; the database parses and stores
  them on the other core), which the commit reads with INSERT … SELECT. The import record names
  the tables; the commit checks that they exist and hold the rows and qualifications the preview
  counted, and the upload's SHA-256; they are dropped once the import is committed, failed or
  cancelled, and those of abandoned previews at a later upload (`services.drop_stale_stages`);
- on other backends (SQLite: development and tests), in a compact file (default_storage, the
  format below) that the commit loads into temporary tables.

Format (UTF-8, gzip-compressed): one JSON header line, then one line per firm-year row, then
one line per qualification. Row and qualification lines are in PostgreSQL's COPY text format
(tab-separated, `\\N` for null, backslash escapes), so on PostgreSQL the commit streams the
bytes straight into COPY; other backends split the lines (`decode_lines`). Booleans are
written as 1/0 (accepted by PostgreSQL's boolean input and by SQLite's numeric affinity),
amounts as plain decimals with 2 places, lists as JSON.

The header records the layout and the byte length of each part; the import record keeps the
SHA-256 of the whole file, and `load` refuses a file whose digest or layout does not match.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .importer import ROW_FIELDS, ParsedRow

FORMAT = "clusterhub.enterprise-stage"
VERSION = 1
# Columns of a staged firm-year line, and of a staged qualification line.
ROW_COLUMNS: tuple[str, ...] = ("code", *ROW_FIELDS, "computed_size", "size_reason", "warnings")
QUALIFICATION_COLUMNS: tuple[str, ...] = ("code", "kind", "level", "year")

_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPE = re.compile(r"\\(.)")
_UNESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
NULL = "\\N"


class StageError(ValueError):
    """The staged file is missing, altered or of another layout (message in Chinese)."""


def _text(value: str) -> str:
    if _NEEDS_ESCAPE.search(value):
        return _NEEDS_ESCAPE.sub(lambda m: _ESCAPES[m.group(0)], value)
    return value


def _json(value: list[Any]) -> str:
    return "[]" if not value else _text(json.dumps(value, ensure_ascii=False))


# `_row_line` spells the row out field by field (it runs once per staged row) in ROW_FIELDS'
# order; tests/unit/enterprises/test_stage.py checks every column against ROW_FIELDS.


def _row_line(r: ParsedRow) -> str:
    (
        name,
        district,
        town,
        park,
        industry,
        employees,
        revenue,
        assets,
        output,
        rd,
        rd_staff,
        patents,
        pct,
        above_scale,
        listing,
        cloud,
        iip,
        digital,
        export,
        fdi,
        related,
        products,
        contact,
        phone,
    ) = r.data
    reason = r.size_reason
    # One search over the row's texts instead of one per text (a row needing escapes is rare).
    if _NEEDS_ESCAPE.search(f"{name}{district}{town}{park}{industry}{listing}{contact}{phone}{reason}"):
        name, district, town, park, industry, listing, contact, phone, reason = map(
            _text, (name, district, town, park, industry, listing, contact, phone, reason)
        )
    return "\t".join(
        [
            r.code,
            name,
            district,
            town,
            park,
            industry,
            NULL if employees is None else str(employees),
            NULL if revenue is None else str(revenue),
            NULL if assets is None else str(assets),
            NULL if output is None else str(output),
            NULL if rd is None else str(rd),
            NULL if rd_staff is None else str(rd_staff),
            NULL if patents is None else str(patents),
            NULL if pct is None else str(pct),
            "1" if above_scale else "0",
            listing,
            "1" if cloud else "0",
            "1" if iip else "0",
            "1" if digital else "0",
            NULL if export is None else str(export),
            NULL if fdi is None else str(fdi),
            "1" if related else "0",
            _json(products),
            contact,
            phone,
            r.size,
            reason,
            _json(r.warnings),
        ]
    )


@dataclass(frozen=True)
class Staged:
    """A loaded stage: its counts and the two parts as raw COPY-text bytes."""

    rows: int
    qualifications: int
    row_bytes: bytes
    qualification_bytes: bytes


def parts(rows: Iterable[ParsedRow]) -> tuple[bytes, bytes, int, int]:
    """The COPY-text of `rows` and of their qualifications, with the number of lines of each."""
    row_lines: list[str] = []
    qual_lines: list[str] = []
    for r in rows:
        row_lines.append(_row_line(r))
        for kind, level, qyear in r.qualifications:
            qual_lines.append(f"{r.code}\t{kind}\t{level}\t{NULL if qyear is None else qyear}")
    row_part = ("\n".join(row_lines) + "\n").encode() if row_lines else b""
    qual_part = ("\n".join(qual_lines) + "\n").encode() if qual_lines else b""
    return row_part, qual_part, len(row_lines), len(qual_lines)


def dump(rows: Iterable[ParsedRow]) -> bytes:
    """The stage of `rows` (gzip bytes)."""
    row_part, qual_part, row_count, qual_count = parts(rows)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "row_columns": list(ROW_COLUMNS),
        "qualification_columns": list(QUALIFICATION_COLUMNS),
        "rows": row_count,
        "qualifications": qual_count,
        "row_bytes": len(row_part),
        "qualification_bytes": len(qual_part),
    }
    raw = json.dumps(header).encode() + b"\n" + row_part + qual_part
    return gzip.compress(raw, compresslevel=1)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(data: bytes, expected_digest: str) -> Staged:
    """Check the digest and layout of a stage and split it into its parts."""
    if not expected_digest or digest(data) != expected_digest:
        raise StageError("暂存的校验结果与预览时不一致（文件被修改或损坏），请重新上传。")
    try:
        raw = gzip.decompress(data)
        head, _, body = raw.partition(b"\n")
        header = json.loads(head)
    except (OSError, EOFError, ValueError):
        raise StageError("暂存的校验结果无法读取，请重新上传。") from None
    if (
        header.get("format") != FORMAT
        or header.get("version") != VERSION
        or tuple(header.get("row_columns", ())) != ROW_COLUMNS
        or tuple(header.get("qualification_columns", ())) != QUALIFICATION_COLUMNS
        or header.get("row_bytes", -1) + header.get("qualification_bytes", -1) != len(body)
    ):
        raise StageError("暂存的校验结果格式已变化（系统升级前的预览），请重新上传。")
    cut = header["row_bytes"]
    return Staged(header["rows"], header["qualifications"], body[:cut], body[cut:])


def _unescape_field(value: str) -> str | None:
    if value == NULL:
        return None
    if "\\" in value:
        return _UNESCAPE.sub(lambda m: _UNESCAPES.get(m.group(1), m.group(1)), value)
    return value


def decode_lines(part: bytes) -> Iterator[tuple[str | None, ...]]:
    """The lines of a part as tuples of text fields (None for null), for backends without COPY."""
    for line in part.decode().split("\n"):
        if line:
            yield tuple([_unescape_field(v) for v in line.split("\t")])
