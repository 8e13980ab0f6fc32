"""Factories for filings (填报表单) and evidence files used across the filings tests."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

import factory

from apps.filings.models import Evidence, Filing, FilingStatus

# The Shanghai 2025 municipal application (000 附件4) — the template the tests fill.
SH_APPLICATION = "sh_municipal_application"
SH_APPLICATION_VERSION = "2025"


class FilingFactory(factory.django.DjangoModelFactory):
    """A draft filing; pass cluster=…, created_by=… (the updated_by defaults to the creator)."""

    class Meta:
        model = Filing

    template_code = SH_APPLICATION
    template_version = SH_APPLICATION_VERSION
    template_title = "上海市中小企业特色产业集群申报表"
    reporting_year = 2025
    status = FilingStatus.DRAFT
    updated_by = factory.SelfAttribute("created_by")


def pdf_bytes(text: str = "evidence") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n"
        + f"4 0 obj<</Length {len(body)}>>stream\n".encode()
        + body
        + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    import zlib

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _zip(parts: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return buf.getvalue()


def docx_bytes() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def xlsx_bytes() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})


def ole_bytes(stream_name: str) -> bytes:
    """A minimal OLE2 container header followed by a directory entry naming `stream_name`."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entry = stream_name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
    return header + entry + b"\x00" * 512


def exe_bytes() -> bytes:
    """A Windows PE executable header (MZ … PE)."""
    return b"MZ\x90\x00" + b"\x00" * 56 + struct.pack("<I", 64) + b"PE\x00\x00" + b"\x00" * 200


def elf_bytes() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def evidence_for(filing: Filing, *, field_key: str, option_key: str = "", uploaded_by: Any) -> Evidence:
    """Upload a small PDF through the service (so storage, hash and audit are real)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.filings.services import evidence_upload

    upload = SimpleUploadedFile("证明材料.pdf", pdf_bytes(f"{field_key}-{option_key}"), "application/pdf")
    return evidence_upload(actor=uploaded_by, filing=filing, field_key=field_key, option_key=option_key, file=upload)
