"""Evidence files (佐证材料): type judged by content, safe names, content-addressed storage.

Accepted: PDF, JPG/PNG, DOC/DOCX, XLS/XLSX. The file's bytes decide the type, never its name:
a Windows executable called “证明.pdf” is refused. Files are stored once per content
(`evidence/ab/abcdef….pdf`, SHA-256) through `default_storage`, so S3 can replace the disk.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage

from apps.core.errors import ServiceError

MAX_NAME_CHARS = 100
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    extension: str


PDF = Kind("PDF", "application/pdf", ".pdf")
JPEG = Kind("JPG", "image/jpeg", ".jpg")
PNG = Kind("PNG", "image/png", ".png")
DOC = Kind("DOC", "application/msword", ".doc")
XLS = Kind("XLS", "application/vnd.ms-excel", ".xls")
DOCX = Kind("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = Kind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
ACCEPTED_LABEL = "PDF、JPG/PNG、DOC/DOCX、XLS/XLSX"
# For the <input accept="…"> hint only; the server judges by content.
ACCEPT_ATTR = ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx"


def max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} 字节"


def _sniff_zip(head: bytes, stream: IO[bytes]) -> Kind | None:
    """An OOXML document is a zip with [Content_Types].xml and word/ or xl/ parts."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _sniff_ole(stream: IO[bytes], name_ext: str) -> Kind | None:
    """Old Office files share the OLE2 container; the directory names tell Word from Excel."""
    stream.seek(0)
    blob = stream.read(2 * 1024 * 1024)
    # Directory entries hold UTF-16LE stream names.
    has_word = "WordDocument".encode("utf-16-le") in blob
    has_book = "Workbook".encode("utf-16-le") in blob or "Book".encode("utf-16-le") in blob
    if has_word and not has_book:
        return DOC
    if has_book and not has_word:
        return XLS
    if has_word and has_book:
        return XLS if name_ext in (".xls",) else DOC
    return None


def sniff(stream: IO[bytes], original_name: str = "") -> Kind | None:
    """The accepted kind of the file's content, or None when it is none of them."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    name_ext = os.path.splitext(original_name)[1].lower()
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(head, stream)
    if head.startswith(OLE_MAGIC):
        return _sniff_ole(stream, name_ext)
    return None


def safe_original_name(name: str, kind: Kind | None = None) -> str:
    """The name shown to users: no directories, no control characters, at most 100 characters.

    The extension is kept (or replaced by the one the content says) so a download opens right.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".").strip()
    stem, ext = os.path.splitext(name)
    if kind is not None and ext.lower() not in _aliases(kind):
        ext = kind.extension
    stem = stem.strip() or "佐证材料"
    stem = stem[: MAX_NAME_CHARS - len(ext)]
    return f"{stem}{ext}"


def _aliases(kind: Kind) -> tuple[str, ...]:
    return (".jpg", ".jpeg") if kind is JPEG else (kind.extension,)


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    sha256: str
    size: int
    kind: Kind
    original_name: str


def check_and_store(upload: IO[bytes], original_name: str, size: int | None = None) -> StoredFile:
    """Check an uploaded file and store it by content hash. Raises ServiceError in Chinese."""
    limit = max_bytes()
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    shown = safe_original_name(original_name)
    if size == 0:
        raise ServiceError(f"文件“{shown}”是空文件，请重新选择。", field="file")
    if size > limit:
        raise ServiceError(
            f"文件“{shown}”大小为 {human_size(size)}，超过 {human_size(limit)} 的上限，请压缩或拆分后上传。",
            field="file",
        )
    kind = sniff(upload, original_name)
    if kind is None:
        raise ServiceError(
            f"文件“{shown}”的内容不是允许的类型（{ACCEPTED_LABEL}）。系统按文件内容判断类型，修改扩展名无效。",
            field="file",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    sha = digest.hexdigest()
    stored_name = f"evidence/{sha[:2]}/{sha}{kind.extension}"
    if not default_storage.exists(stored_name):
        upload.seek(0)
        saved = default_storage.save(stored_name, File(upload, name=os.path.basename(stored_name)))
        stored_name = saved
    return StoredFile(
        stored_name=stored_name,
        sha256=sha,
        size=size,
        kind=kind,
        original_name=safe_original_name(original_name, kind),
    )
