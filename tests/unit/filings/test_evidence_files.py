"""Evidence files: the type is judged by content, names are made safe, storage is by hash."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

from apps.core.errors import ServiceError
from apps.filings import evidence as ev
from tests import factories_filings as ff


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (ff.pdf_bytes(), "a.pdf", ev.PDF),
        (ff.png_bytes(), "a.png", ev.PNG),
        (ff.jpeg_bytes(), "a.jpg", ev.JPEG),
        (ff.docx_bytes(), "a.docx", ev.DOCX),
        (ff.xlsx_bytes(), "a.xlsx", ev.XLSX),
        (ff.ole_bytes("WordDocument"), "a.doc", ev.DOC),
        (ff.ole_bytes("Workbook"), "a.xls", ev.XLS),
    ],
)
def test_each_accepted_kind_is_recognised_from_its_bytes(content: bytes, name: str, kind: ev.Kind) -> None:
    assert ev.sniff(io.BytesIO(content), name) is kind


def test_a_pdf_named_as_a_word_file_is_still_a_pdf() -> None:
    assert ev.sniff(io.BytesIO(ff.pdf_bytes()), "报告.docx") is ev.PDF


@pytest.mark.parametrize(
    "content",
    [ff.exe_bytes(), ff.elf_bytes(), b"#!/bin/sh\nrm -rf /\n", b"plain text", b"PK\x03\x04not really a zip"],
)
def test_executables_scripts_and_broken_archives_are_not_accepted(content: bytes) -> None:
    assert ev.sniff(io.BytesIO(content), "证明.pdf") is None


def test_a_plain_zip_is_not_taken_for_an_office_file() -> None:
    content = ff._zip({"readme.txt": "hello"})
    assert ev.sniff(io.BytesIO(content), "表.xlsx") is None


def test_original_names_lose_directories_and_control_characters() -> None:
    assert ev.safe_original_name("C:\\Users\\x\\..\\营业执照.pdf") == "营业执照.pdf"
    assert ev.safe_original_name("../../etc/passwd\x00.pdf") == "passwd.pdf"
    assert ev.safe_original_name("a\r\nb\t.pdf") == "ab.pdf"


def test_original_names_are_limited_to_one_hundred_characters_keeping_the_extension() -> None:
    name = ev.safe_original_name("很" * 300 + ".pdf")
    assert len(name) == 100
    assert name.endswith(".pdf")


def test_the_extension_follows_the_content_when_the_name_lies() -> None:
    assert ev.safe_original_name("扫描件.exe", ev.PDF) == "扫描件.pdf"
    assert ev.safe_original_name("照片.JPEG", ev.JPEG) == "照片.JPEG"
    assert ev.safe_original_name("", ev.PNG) == "佐证材料.png"


@pytest.mark.django_db
def test_the_same_content_is_stored_once_under_its_hash() -> None:
    a = ev.check_and_store(io.BytesIO(ff.pdf_bytes("same")), "一.pdf")
    b = ev.check_and_store(io.BytesIO(ff.pdf_bytes("same")), "二.pdf")
    assert a.stored_name == b.stored_name
    assert a.stored_name == f"evidence/{a.sha256[:2]}/{a.sha256}.pdf"
    assert default_storage.exists(a.stored_name)
    with default_storage.open(a.stored_name) as fh:
        assert fh.read() == ff.pdf_bytes("same")


@pytest.mark.django_db
def test_an_executable_named_pdf_is_refused_with_a_chinese_message() -> None:
    with pytest.raises(ServiceError, match="内容不是允许的类型"):
        ev.check_and_store(io.BytesIO(ff.exe_bytes()), "证明.pdf")


@pytest.mark.django_db
@override_settings(EVIDENCE_MAX_BYTES=1024)
def test_a_file_over_the_configured_limit_is_refused_before_it_is_read() -> None:
    with pytest.raises(ServiceError, match="超过 1 KB 的上限"):
        ev.check_and_store(io.BytesIO(ff.pdf_bytes("x" * 2000)), "大文件.pdf")


@pytest.mark.django_db
def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ServiceError, match="空文件"):
        ev.check_and_store(io.BytesIO(b""), "空.pdf")
