"""Batch export (批量导出): many filled forms as one zip — each form as .docx and .pdf, its evidence
bundle (form + every evidence file, bookmarked, pages P1… as the form cites them) and the original
evidence files — with a manifest (清单.csv) listing every item and every failure.

Works over plain items (template, values, metadata, evidence), so rendering does not touch the
database and can run in worker processes: `workers` > 1 renders items in parallel (each process
keeps its own font configuration and stylesheet, see pdf.py, and its own LibreOffice profile, see
office.py). A failing item — e.g. an evidence file that is missing or no longer matches its
checksum — is written to the manifest with its Chinese reason and does not sink the batch.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.filings.definitions import load_template

from .bundle import EvidenceError, EvidenceFile, build_bundle, prepare_evidence
from .forms import EvidenceRef, FormMeta, render_form_docx, render_form_pdf

CACHE_DIR = "documents/cache/forms"
_PACKED = frozenset({".pdf", ".docx", ".xlsx", ".pptx", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".zip"})


@dataclass(frozen=True)
class ExportItem:
    folder: str  # e.g. "浦东新区/上海市浦东新区集成电路产业集群"
    template_code: str
    template_version: str
    values: dict[str, Any]
    meta: FormMeta = field(default_factory=FormMeta)
    evidence: tuple[EvidenceFile, ...] = ()
    key: str = ""  # the caller's id of the item (e.g. the filing's pk)
    label: str = ""  # how the manifest names it, e.g. 集群《申报表》2025年
    base_name: str = ""  # file names without extension; default: the template's title
    cache_key: str = ""  # rendered files are kept under this key in default_storage when given


@dataclass
class Rendered:
    """One item's documents."""

    docx: bytes
    pdf: bytes
    bundle: bytes | None
    evidence: list[tuple[str, bytes]]  # (file name, original bytes) in citation order
    problems: list[str]


@dataclass
class ItemResult:
    folder: str
    key: str = ""
    label: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    error: str = ""
    warnings: list[str] = field(default_factory=list)


def _cached(cache_key: str, name: str) -> bytes | None:
    if not cache_key:
        return None
    path = f"{CACHE_DIR}/{cache_key}/{name}"
    try:
        if default_storage.exists(path):
            with default_storage.open(path, "rb") as fh:
                return bytes(fh.read())
    except OSError:
        return None
    return None


def _store(cache_key: str, name: str, data: bytes) -> None:
    if not cache_key:
        return
    path = f"{CACHE_DIR}/{cache_key}/{name}"
    try:
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(data))
    except OSError:
        pass  # a cache that cannot be written only costs time


def render_documents(item: ExportItem, *, want: frozenset[str] = frozenset({"docx", "pdf", "bundle"})) -> Rendered:
    """The item's .docx, .pdf and bundle (those in `want`), from the cache when the item has a key.

    Every evidence file is read and checked first (EvidenceError when one is missing or damaged),
    so the form's evidence list cites the same pages as the bundle.
    """
    template = load_template(item.template_code, item.template_version)
    verified = [replace(ev, data=ev.read()) for ev in item.evidence]
    originals = [(ev.filename, ev.data or b"") for ev in verified]
    prepared = prepare_evidence(verified) if verified else []
    refs = [EvidenceRef(p.item.title, p.item.cited_by, p.page_label, p.item.filename) for p in prepared]
    problems = [p.error for p in prepared if p.error]

    docx = b""
    if "docx" in want:
        docx = _cached(item.cache_key, "form.docx") or b""
        if not docx:
            docx = render_form_docx(template, item.values, item.meta, refs)
            _store(item.cache_key, "form.docx", docx)
    pdf = b""
    bundle: bytes | None = None
    if "pdf" in want or ("bundle" in want and prepared):
        pdf = _cached(item.cache_key, "form.pdf") or b""
        if not pdf:
            pdf = render_form_pdf(template, item.values, item.meta, refs)
            _store(item.cache_key, "form.pdf", pdf)
    if "bundle" in want and prepared:
        bundle = _cached(item.cache_key, "bundle.pdf")
        if bundle is None:
            bundle = build_bundle(pdf, prepared, form_title=template.title).pdf
            _store(item.cache_key, "bundle.pdf", bundle)
    return Rendered(docx=docx, pdf=pdf, bundle=bundle, evidence=originals, problems=problems)


def render_item(item: ExportItem) -> ItemResult:
    result = ItemResult(item.folder, item.key, item.label or item.folder)
    try:
        name = item.base_name or load_template(item.template_code, item.template_version).title
        rendered = render_documents(item)
        result.files[f"{name}.docx"] = rendered.docx
        result.files[f"{name}.pdf"] = rendered.pdf
        if rendered.bundle is not None:
            result.files[f"{name}（含佐证材料汇编）.pdf"] = rendered.bundle
        for n, (filename, data) in enumerate(rendered.evidence, start=1):
            result.files[f"{name}_佐证材料/{n:02d}_{filename}"] = data
        result.warnings = rendered.problems
    except EvidenceError as exc:
        result.files = {}
        result.error = str(exc)
    except Exception as exc:  # one item's failure must not sink the batch
        result.files = {}
        result.error = f"生成文书时出错（{type(exc).__name__}）：{exc}"
    return result


def _pool(workers: int) -> ProcessPoolExecutor:
    # fork: the children inherit Django's settings (including a test's overrides) and never touch
    # the database — items carry everything, evidence is read through the storage API.
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


def export_zip(
    items: Sequence[ExportItem],
    out: IO[bytes],
    *,
    workers: int = 1,
    progress: Callable[[int, int, ItemResult], None] | None = None,
) -> list[ItemResult]:
    """Write the zip of `items` to `out`; `progress(done, total, result)` after each item."""
    results: list[ItemResult | None] = [None] * len(items)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        used: set[str] = set()
        done = 0
        if workers > 1 and len(items) > 1:
            with _pool(min(workers, len(items))) as pool:
                futures = {pool.submit(render_item, item): i for i, item in enumerate(items)}
                for future in as_completed(futures):
                    i = futures[future]
                    r = future.result()
                    _write(zf, r, used)
                    results[i] = r
                    done += 1
                    if progress:
                        progress(done, len(items), r)
        else:
            for i, item in enumerate(items):
                r = render_item(item)
                _write(zf, r, used)
                results[i] = r
                done += 1
                if progress:
                    progress(done, len(items), r)
        final = [r for r in results if r is not None]
        zf.writestr("清单.csv", manifest_csv(final))
    return final


def manifest_csv(results: Sequence[ItemResult]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["序号", "申报", "文件夹", "结果", "文件数", "说明"])
    for n, r in enumerate(results, start=1):
        note = r.error or "；".join(r.warnings)
        writer.writerow([n, r.label, r.folder, "失败" if r.error else "成功", len(r.files), note])
    return "\ufeff" + buf.getvalue()  # BOM: Excel opens the Chinese text as UTF-8


def _write(zf: zipfile.ZipFile, r: ItemResult, used: set[str]) -> None:
    for name, data in r.files.items():
        path = f"{r.folder}/{name}"
        if path in used:  # two forms of one cluster with the same name: keep both
            stem, suffix = PurePosixPath(path).stem, PurePosixPath(path).suffix
            parent = str(PurePosixPath(path).parent)
            n = 2
            while f"{parent}/{stem}（{n}）{suffix}" in used:
                n += 1
            path = f"{parent}/{stem}（{n}）{suffix}"
        used.add(path)
        # PDF, Office files and images are compressed already: storing them saves CPU, not space.
        compress = zipfile.ZIP_STORED if PurePosixPath(path).suffix.lower() in _PACKED else zipfile.ZIP_DEFLATED
        zf.writestr(path, data, compress_type=compress)
