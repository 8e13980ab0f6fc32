"""Demo-like filled values for any form template (used by the document golden tests).

Values follow the definitions' value format and are different for every field (so a test can
find each value in its place): numbers grow with the field's position and the year, texts name
their field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from apps.filings.definitions import Field, Template
from apps.filings.definitions.types import STANDARD_CATEGORIES, STANDARD_ROLES


def _number(seed: int, year: int | None = None, decimals: int = 2) -> str:
    base = Decimal(seed * 7 + 11) + (Decimal(year - 2000) / 4 if year else 0)
    return f"{base:.{decimals}f}" if decimals else str(int(base))


def value_for(f: Field, seed: int) -> Any:
    k = f.kind
    if f.is_percent:  # percentages stay within 0–100 so the values pass the form's value rules
        seed = seed % 10
    if k in ("text",):
        return f"{f.label[:12]}示例{seed}"
    if k == "narrative":
        return f"（演示数据）{f.label}：集群围绕主导产业开展工作，成效明显，编号{seed}。"
    if k == "date":
        return f"2025-05-{(seed % 27) + 1:02d}"
    if k == "number":
        return _number(seed, decimals=f.decimals)
    if k == "year_series":
        return {str(y): _number(seed, y, f.decimals) for y in f.years}
    if k == "choice":
        return f.options[seed % len(f.options)].key
    if k == "checkboxes":
        picked = [o.key for i, o in enumerate(f.options) if (i + seed) % 2 == 0]
        out: dict[str, Any] = {"checked": picked}
        if any(o.text and o.key in picked for o in f.options):
            out["other_text"] = f"其他说明{seed}"
        counts = {o.key: str(seed % 9 + 1) for o in f.options if o.count_unit and o.key in picked}
        if counts:
            out["counts"] = counts
        return out
    if k == "count_names":
        return {"count": str(seed % 5 + 1), "names": f"示例平台{seed}甲、示例平台{seed}乙"}
    if k == "standards_matrix":
        return {
            str(y): {
                cat: {role: str((seed + yi + ci + ri) % 6) for ri, (role, _l) in enumerate(STANDARD_ROLES)}
                for ci, (cat, _c) in enumerate(STANDARD_CATEGORIES)
            }
            for yi, y in enumerate(f.years)
        }
    if k == "target_table":
        fixed: dict[str, Any] = {}
        for ri, r in enumerate(f.rows):
            fixed[r.key] = {
                c.key: (f"定性目标{seed}-{ri}-{ci}" if r.qualitative else _number(seed + ri, None))
                for ci, c in enumerate(f.columns)
            }
        return {"fixed": fixed}
    if k == "row_table":
        rows = []
        for n in range(2):
            row: dict[str, Any] = {}
            for ci, c in enumerate(f.columns):
                if c.type in ("number", "percent"):
                    row[c.key] = _number(seed + n + ci)
                elif c.type in ("count", "year"):
                    row[c.key] = str(2020 + n + ci) if c.type == "year" else str(seed + n + ci)
                elif c.type == "date":
                    row[c.key] = f"2024-0{n + 1}-1{ci % 9}"
                elif c.type == "choice" and c.options:
                    row[c.key] = c.options[0].key
                else:
                    row[c.key] = f"行{n + 1}{c.label[:6]}{seed}"
            rows.append(row)
        return {"rows": rows}
    if k == "declaration":
        return {"agreed": True, "signatures": {"0": f"签字人{seed}"}, "date": "2025-05-08"}
    return None


def filled_values(template: Template) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for seed, f in enumerate(template.fields.values(), start=1):
        v = value_for(f, seed)
        if v is not None:
            values[f.key] = v
    return values


# ---- filings, campaigns and exports for the documents tests ------------------------------------


def filed(
    cluster: Any,
    operator: Any,
    *,
    status: str = "submitted",
    year: int = 2025,
    evidence: tuple[tuple[str, str], ...] = (),
    **kwargs: Any,
) -> Any:
    """A Shanghai 2025 application of `cluster`, every field filled (demo-like values), in `status`,
    with a PDF uploaded through the filings service for each (field, option) of `evidence`. Each
    PDF's content is unique, so damaging one in storage (`corrupt`) touches no other test's file."""
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.filings.definitions import load_template
    from apps.filings.models import Filing
    from apps.filings.services import evidence_upload
    from tests.factories_filings import FilingFactory

    template = load_template("sh_municipal_application", "2025")
    values = {**filled_values(template), "cover_cluster_name": cluster.name}
    filing = FilingFactory(cluster=cluster, created_by=operator, reporting_year=year, data=values, **kwargs)
    for field_key, option_key in evidence:
        upload = SimpleUploadedFile("证明材料.pdf", real_pdf(f"{field_key}-{option_key}-{uuid.uuid4().hex}"))
        evidence_upload(actor=operator, filing=filing, field_key=field_key, option_key=option_key, file=upload)
    Filing.objects.filter(pk=filing.pk).update(status=status)
    filing.refresh_from_db()
    return filing


def real_pdf(marker: str, pages: int = 1) -> bytes:
    """A well-formed A4 PDF (blank pages) whose bytes are unique to `marker`."""
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": marker})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


CHAIN_MAP = ("chain_cultivation", "chain_map")  # an evidence slot of the Shanghai application


def bind_to_campaign(campaign: Any, *filings: Any) -> None:
    """Each filing becomes the subject of its cluster's submission in `campaign`."""
    from tests.factories_workflow import submission

    for filing in filings:
        submission(campaign, filing.cluster, state="district_review", subject=filing)


def corrupt(evidence: Any, data: bytes = b"%PDF-1.4 damaged in storage") -> None:
    """Overwrite an evidence file in storage so its content no longer matches its SHA-256."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.delete(evidence.stored_name)
    saved = default_storage.save(evidence.stored_name, ContentFile(data))
    assert saved == evidence.stored_name


def finished_export(world: Any, *, scope_org: Any, created_by: Any, status: str = "done") -> Any:
    """An export job whose zip is in storage (without running the renderer)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from apps.documents.models import ExportJob, ExportScope

    name = default_storage.save(f"documents/exports/test/{scope_org.pk}.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    return ExportJob.objects.create(
        created_by=created_by,
        scope=ExportScope.FILINGS,
        scope_org=scope_org,
        scope_label=f"选定的 1 份表单 · {scope_org.name}",
        status=status,
        total=1,
        done=1,
        result_name=name if status == "done" else "",
        result_size=22,
        message="共 1 份，成功 1 份",
    )


def word_import(cluster: Any, operator: Any) -> Any:
    """A Word import awaiting confirmation (values read from a real filled form of the current
    version, which is what the import offers)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.documents.forms import render_form_docx
    from apps.documents.services import word_import_upload
    from apps.filings.definitions import current_templates, load_template

    version = next(t.version for t in current_templates() if t.code == "sh_municipal_application")
    template = load_template("sh_municipal_application", version)
    data = render_form_docx(template, {**filled_values(template), "cover_cluster_name": cluster.name})
    upload = SimpleUploadedFile("申报表.docx", data)
    return word_import_upload(
        actor=operator,
        cluster=cluster,
        template_code=template.code,
        template_version=template.version,
        reporting_year=2025,
        file=upload,
    )


def typed_in_word(blank: bytes, cluster_name: str) -> bytes:
    """What an operator does to the blank form in Word: types the cluster's name and two table
    cells, one of them in words (一千二百), which the import cannot read as a number."""
    from io import BytesIO

    from docx import Document

    doc = Document(BytesIO(blank))
    for p in doc.paragraphs:
        if p.text.startswith("集群名称："):
            p.runs[-1].text = cluster_name
    for t in doc.tables:
        for row in t.rows:
            if row.cells[0].text.startswith("集群占地面积"):
                row.cells[-1].text = "36.50"
            if row.cells[0].text.startswith("集群外商直接投资额（万元）"):
                row.cells[-1].text = "一千二百"
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---- access-matrix entries (tests/access_registry.py imports these) ----------------------------


def documents_access_entries() -> dict[str, Any]:
    from tests.access_registry import AUTHORITIES, EVERYONE, NO_ONE, Access, assign_to_expert_and_evaluator

    exporters = AUTHORITIES
    non_exporters = EVERYONE - exporters
    entries: dict[str, Any] = {}
    entries["documents:export_list"] = Access(allowed=exporters, forbidden=non_exporters)
    entries["documents:export_start"] = Access(
        allowed=exporters,
        forbidden=non_exporters,
        method="post",
        ok=frozenset({400}),
        data=lambda w: {"scope": "campaign", "campaign": ""},
        notes="no campaign chosen: the page comes back with the error (nothing started)",
    )

    def _job_in(w: Any) -> dict[str, Any]:
        return {"pk": finished_export(w, scope_org=w.pudong, created_by=w.district).pk}

    def _job_out(w: Any) -> dict[str, Any]:
        return {"pk": finished_export(w, scope_org=w.xihu, created_by=w.province_zj_admin).pk}

    for name in ("documents:export_detail", "documents:export_download"):
        entries[name] = Access(allowed=exporters, inside=_job_in, outside=_job_out)

    def _filing_setup(w: Any) -> None:
        pudong = filed(w.cluster_pudong, w.operator, status="draft", evidence=(CHAIN_MAP,))
        filed(w.cluster_xihu, w.province_zj_admin, status="draft")
        assign_to_expert_and_evaluator(lambda _w: pudong)(w)

    viewers = AUTHORITIES | {"operator", "expert", "evaluator"}
    for name in ("documents:filing_docx", "documents:filing_pdf", "documents:filing_bundle"):
        entries[name] = Access(
            allowed=viewers,
            inside=lambda w: {"pk": w.cluster_pudong.filings.get().pk},
            outside=lambda w: {"pk": w.cluster_xihu.filings.get().pk},
            setup=_filing_setup,
        )
    entries["documents:blank_form"] = Access(
        allowed=EVERYONE,
        inside=lambda w: {"code": "sh_municipal_application", "version": "2025.2"},  # the current version
        outside=lambda w: {"code": "sh_municipal_application", "version": "1999"},
        outside_visible=NO_ONE,
        notes="outside: no such (published) template version, so no blank to download",
    )
    # The district department imports its district-level forms (区级表单: the district summary).
    fillers = frozenset({"operator", "nobody", "district"})
    entries["documents:import_upload"] = Access(allowed=fillers, forbidden=EVERYONE - fillers)

    def _import_in(w: Any) -> dict[str, Any]:
        return {"pk": word_import(w.cluster_pudong, w.operator).pk}

    def _import_out(w: Any) -> dict[str, Any]:
        from tests import factories as f

        xihu_operator = f.user_with(w.op_xihu, "operator_staff", username="op_xihu_docs")
        return {"pk": word_import(w.cluster_xihu, xihu_operator).pk}

    entries["documents:import_detail"] = Access(
        allowed=frozenset({"operator"}), inside=_import_in, outside=_import_out, outside_visible=NO_ONE
    )
    for name in ("documents:import_confirm", "documents:import_discard"):
        entries[name] = Access(
            allowed=frozenset({"operator"}),
            inside=_import_in,
            outside=_import_out,
            outside_visible=NO_ONE,
            method="post",
            ok=frozenset({302}),
        )
    return entries
