"""Batch export (批量导出): many submissions as one zip — each form as .docx and .pdf plus its
evidence files — with a manifest (清单.csv) listing every item and every failure.

Works over plain items (template, values, metadata, evidence), so it does not depend on how the
caller stores filings. A failing item is written to the manifest with its Chinese reason and
does not sink the batch. `workers` > 1 renders items in parallel processes (each with its own
LibreOffice profile, see office.py).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from apps.filings.definitions import load_template

from .bundle import EvidenceFile
from .forms import FormMeta, render_form_docx, render_form_pdf
from .forms.layout import EvidenceRef


@dataclass(frozen=True)
class ExportItem:
    folder: str  # e.g. "浦东新区/上海市浦东新区集成电路产业集群"
    template_code: str
    template_version: str
    values: dict[str, Any]
    meta: FormMeta = field(default_factory=FormMeta)
    evidence: tuple[EvidenceFile, ...] = ()


@dataclass
class ItemResult:
    folder: str
    files: dict[str, bytes] = field(default_factory=dict)
    error: str = ""


def render_item(item: ExportItem) -> ItemResult:
    result = ItemResult(item.folder)
    try:
        template = load_template(item.template_code, item.template_version)
        refs = [EvidenceRef(e.title, e.cited_by, "", e.filename) for e in item.evidence]
        name = template.title
        result.files[f"{name}.docx"] = render_form_docx(template, item.values, item.meta, refs)
        result.files[f"{name}.pdf"] = render_form_pdf(template, item.values, item.meta, refs)
        for n, ev in enumerate(item.evidence, start=1):
            result.files[f"佐证材料/{n:02d}_{ev.filename}"] = ev.read()
    except Exception as exc:
        result.files = {}
        result.error = f"{type(exc).__name__}: {exc}"
    return result


def export_zip(
    items: Sequence[ExportItem],
    *,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[bytes, list[ItemResult]]:
    buf = io.BytesIO()
    results: list[ItemResult] = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if workers > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                iterator = pool.map(render_item, items, chunksize=1)
                for done, r in enumerate(iterator, start=1):
                    _write(zf, r)
                    results.append(r)
                    if progress:
                        progress(done, len(items))
        else:
            for done, item in enumerate(items, start=1):
                r = render_item(item)
                _write(zf, r)
                results.append(r)
                if progress:
                    progress(done, len(items))
        manifest = io.StringIO()
        writer = csv.writer(manifest)
        writer.writerow(["序号", "集群", "结果", "文件数", "说明"])
        for n, r in enumerate(results, start=1):
            writer.writerow([n, r.folder, "失败" if r.error else "成功", len(r.files), r.error])
        zf.writestr("清单.csv", "\ufeff" + manifest.getvalue())
    return buf.getvalue(), results


def _write(zf: zipfile.ZipFile, r: ItemResult) -> None:
    for name, data in r.files.items():
        zf.writestr(f"{r.folder}/{name}", data)
