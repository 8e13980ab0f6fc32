"""A stored Filing (apps.filings) as official documents: .docx, .pdf and the evidence bundle.

Reads the filing, its template and its evidence (佐证材料, in the order the form lists its items)
and hands plain items to batch.py, so the same code renders one filing for a download and a
hundred in worker processes. Rendered files are kept in default_storage under a key made of the
filing's revision and data, its evidence files' checksums, the template's hash and
RENDER_VERSION: a second download of an unchanged filing costs a file read, any change renders
afresh (and the files of earlier revisions are deleted).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.core.files.storage import default_storage

from apps.filings.definitions import Template, load_template
from apps.filings.models import Evidence, Filing, FilingStatus

from .batch import CACHE_DIR, ExportItem, Rendered, render_documents
from .bundle import EvidenceError, EvidenceFile
from .forms import EvidenceRef, FormMeta, render_form_docx, render_form_pdf

# Bump when the layout or the renderers change what a filing prints: old cached files are unused.
RENDER_VERSION = "2025.3"

KIND_LABELS = {"docx": "Word（.docx）", "pdf": "PDF", "bundle": "佐证材料汇编（PDF）"}


def _slot_order(template: Template) -> dict[str, int]:
    order: dict[str, int] = {}
    for i, f in enumerate(template.fields.values()):
        order[f.key] = i * 100
        for j, o in enumerate(f.options, start=1):
            order[f"{f.key}.{o.key}"] = i * 100 + j
    return order


def slot_label(template: Template, field_key: str, option_key: str = "") -> str:
    f = template.fields.get(field_key)
    if f is None:
        return field_key
    if option_key:
        o = f.option(option_key)
        return f"{f.label}：{o.label if o else option_key}"
    return f.label


def evidence_files(filing: Filing, template: Template | None = None) -> list[EvidenceFile]:
    """The filing's 佐证材料 in the order of the form's items (then upload time)."""
    template = template or load_template(filing.template_code, filing.template_version)
    order = _slot_order(template)
    items: list[Evidence] = list(filing.evidence.all())
    items.sort(key=lambda e: (order.get(e.slot.replace(":", "."), 10**9), e.uploaded_at, e.pk))
    return [
        EvidenceFile(
            title=f"{slot_label(template, e.field_key, e.option_key)}——{Path(e.original_name).stem}",
            filename=e.original_name,
            storage_name=e.stored_name,
            cited_by=f"{e.field_key}.{e.option_key}" if e.option_key else e.field_key,
            sha256=e.sha256,
        )
        for e in items
    ]


def document_name(filing: Filing) -> str:
    """File name stem of the filing's documents, e.g. 上海市中小企业特色产业集群申报表（2025年）."""
    title = filing.template_title or filing.template_code
    return f"{title}（{filing.reporting_year}年）"


def cache_key(filing: Filing, template: Template, evidence: list[EvidenceFile]) -> str:
    """Names exactly what the documents show: a restored backup that reuses a revision number
    with other data gets another key, because the data itself is part of it."""
    parts = [
        RENDER_VERSION,
        str(filing.pk),
        str(filing.revision),
        filing.status,
        json.dumps(filing.data or {}, sort_keys=True, ensure_ascii=False, default=str),
        template.sha256 or template.version,
        filing.subject_name,
        *(f"{e.cited_by}:{e.sha256}:{e.filename}" for e in evidence),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
    return f"filing-{filing.pk}/{digest}"


def export_item(filing: Filing) -> ExportItem:
    template = load_template(filing.template_code, filing.template_version)
    evidence = evidence_files(filing, template)
    # A district-level form (区级表单: the district summary) has no cluster; its folder is the
    # district's, named after it (subject_name is the district's name then).
    district = filing.subject_district
    name = filing.subject_name
    area = district.region_name or district.name
    return ExportItem(
        folder=f"{area}/{name}" if filing.cluster_id else area,
        template_code=filing.template_code,
        template_version=filing.template_version,
        values=dict(filing.data or {}),
        meta=FormMeta(
            reference=f"{name} · 填报编号 {filing.pk} · 第 {filing.revision} 版",
            draft=filing.status == FilingStatus.DRAFT,
            cluster_name=name,
        ),
        evidence=tuple(evidence),
        key=str(filing.pk),
        label=f"{name}《{template.title}》{filing.reporting_year}年",
        base_name=document_name(filing),
        cache_key=cache_key(filing, template, evidence),
    )


def filing_document(filing: Filing, kind: str) -> tuple[bytes, str, str]:
    """(bytes, file name, content type) of one document of the filing: "docx", "pdf" or "bundle".

    When an evidence file is missing or damaged the bundle cannot be made (bundle.EvidenceError);
    the .docx and .pdf are still given, listing the evidence without page references.
    """
    item = export_item(filing)
    try:
        rendered = render_documents(item, want=frozenset({kind}))
    except EvidenceError:
        if kind == "bundle":
            raise
        rendered = _without_pages(item, kind)
    else:
        _forget_older(filing, item.cache_key)
    if kind == "docx":
        return (
            rendered.docx,
            f"{item.base_name}.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    if kind == "bundle":
        data = rendered.bundle if rendered.bundle is not None else rendered.pdf
        return data, f"{item.base_name}（含佐证材料汇编）.pdf", "application/pdf"
    return rendered.pdf, f"{item.base_name}.pdf", "application/pdf"


def _without_pages(item: ExportItem, kind: str) -> Rendered:
    template = load_template(item.template_code, item.template_version)
    refs = [EvidenceRef(e.title, e.cited_by, "", e.filename) for e in item.evidence]
    if kind == "docx":
        return Rendered(render_form_docx(template, item.values, item.meta, refs), b"", None, [], [])
    return Rendered(b"", render_form_pdf(template, item.values, item.meta, refs), None, [], [])


def _forget_older(filing: Filing, current: str) -> None:
    """Delete the cached files of the filing's earlier revisions."""
    folder = f"{CACHE_DIR}/filing-{filing.pk}"
    keep = current.rsplit("/", 1)[-1]
    try:
        dirs, _files = default_storage.listdir(folder)
    except (FileNotFoundError, OSError, NotImplementedError):
        return
    for d in dirs:
        if d == keep:
            continue
        try:
            _sub_dirs, files = default_storage.listdir(f"{folder}/{d}")
            for name in files:
                default_storage.delete(f"{folder}/{d}/{name}")
        except (FileNotFoundError, OSError):
            continue
