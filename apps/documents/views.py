"""Pages of the documents app: batch export with progress, a filing's documents, the blank official
form, and Word import with confirmation.

Thin views: scope through selectors (404 outside), decide through permissions (403 with the
Chinese reason), change through services (audited), render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.errors import AccessDenied, ServiceError
from apps.filings.definitions import load_template
from apps.filings.definitions.types import APPLICANT, FILLED_BY_PARTIES
from apps.filings.formdata import display
from apps.filings.selectors import clusters_fillable_by, district_fillable_by, filings_visible_to
from apps.filings.subject_choice import choose_subject, subject_context

from . import permissions, services
from .bundle import EvidenceError
from .filing_docs import filing_document
from .forms import render_form_docx
from .models import ExportJob, WordImport
from .selectors import export_districts_for, export_jobs_visible_to, exportable_filings, word_imports_visible_to

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require(decision: tuple[bool, str]) -> None:
    ok, reason = decision
    if not ok:
        raise PermissionDenied(reason)


def _download(data: bytes | Any, filename: str, content_type: str) -> FileResponse:
    handle = BytesIO(data) if isinstance(data, bytes) else data
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# —— batch export ——————————————————————————————————————————————————————————————————————


def _campaigns_for(user: Any) -> list[Any]:
    from apps.workflow.models.campaigns import CampaignStatus
    from apps.workflow.selectors import campaigns_visible_to

    return list(campaigns_visible_to(user).exclude(status=CampaignStatus.DRAFT).order_by("-year", "-id")[:100])


def _export_context(request: HttpRequest, form: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    user = request.user
    org = getattr(user, "organisation", None)
    year = request.GET.get("year", "")
    filings = exportable_filings(user, include_drafts=True).select_related("cluster__district")
    if year.isdigit():
        filings = filings.filter(reporting_year=int(year))
    return {
        "jobs": export_jobs_visible_to(user)[:30],
        "campaigns": _campaigns_for(user),
        "districts": [] if org is not None and org.kind == "district" else list(export_districts_for(user)),
        "own_district": org if org is not None and org.kind == "district" else None,
        "filings": filings[:300],
        "year": year,
        "form": form,
        "errors": errors,
    }


@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_start_export(request.user))
    form = {"scope": "campaign", "campaign": "", "district": "", "filings": [], "include_drafts": False}
    return render(request, "documents/export_list.html", _export_context(request, form, {}))


@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_start_export(request.user))
    user = request.user
    scope = request.POST.get("scope", "campaign")
    district_id = request.POST.get("district", "").strip()
    filing_ids = [v for v in request.POST.getlist("filings") if v.isdigit()]
    include_drafts = request.POST.get("include_drafts") == "1"
    form: dict[str, Any] = {
        "scope": scope,
        "campaign": request.POST.get("campaign", "").strip(),
        "district": district_id,
        "filings": filing_ids,
        "include_drafts": include_drafts,
    }
    errors: dict[str, str] = {}
    campaign = None
    district = None
    if scope == "campaign":
        campaign = next((c for c in _campaigns_for(user) if str(c.pk) == form["campaign"]), None)
        if campaign is None:
            errors["campaign"] = "请选择工作通知。"
    elif scope != "filings":
        errors["scope"] = "请选择导出范围。"
    if form["district"]:
        district = (
            export_districts_for(user).filter(pk=form["district"]).first() if form["district"].isdigit() else None
        )
        if district is None:
            errors["district"] = "所选区县不在您的管辖范围内。"
    if not errors:
        try:
            job = services.export_job_start(
                actor=user,
                campaign=campaign,
                filing_ids=[int(v) for v in filing_ids] if scope == "filings" else None,
                district=district,
                include_drafts=include_drafts,
            )
        except ServiceError as exc:
            errors[exc.field or "scope"] = exc.message
        else:
            messages.success(request, f"已发起批量导出（{job.total} 份），完成后可在本页下载。")
            return redirect("documents:export_detail", pk=job.pk)
    return render(request, "documents/export_list.html", _export_context(request, form, errors), status=400)


@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(export_jobs_visible_to(request.user), pk=pk)
    ctx = {"job": job, "can_download": permissions.can_download_export(request.user, job)[0]}
    if request.headers.get("HX-Request"):
        return render(request, "documents/_export_status.html", ctx)
    return render(request, "documents/export_detail.html", ctx)


@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job: ExportJob = get_object_or_404(export_jobs_visible_to(request.user), pk=pk)
    _require(permissions.can_download_export(request.user, job))
    try:
        handle = services.export_job_download(actor=request.user, job=job)
    except ServiceError as exc:
        raise PermissionDenied(exc.message) from exc
    return _download(handle, job.file_name, "application/zip")


# —— one filing's documents ———————————————————————————————————————————————————————————————


def _filing_file(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    filing = get_object_or_404(filings_visible_to(request.user), pk=pk)
    _require(permissions.can_download_filing_documents(request.user, filing))
    try:
        data, filename, content_type = filing_document(filing, kind)
    except EvidenceError as exc:
        messages.error(request, f"无法生成佐证材料汇编：{exc}")
        return redirect("filings:detail", pk=filing.pk)
    return _download(data, filename, content_type)


@require_GET
def filing_docx(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _filing_file(request, pk, "docx")


@require_GET
def filing_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _filing_file(request, pk, "pdf")


@require_GET
def filing_bundle(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _filing_file(request, pk, "bundle")


@require_GET
def blank_form(request: HttpRequest, code: str, version: str) -> FileResponse:
    """The blank official form (.docx) to fill in Word and import."""
    if not any(t.code == code and t.version == version for t in services.importable_templates()):
        raise Http404("没有该表单。")
    template = load_template(code, version)
    return _download(render_form_docx(template), f"{template.title}（{version}版空白表）.docx", DOCX_TYPE)


# —— Word import ——————————————————————————————————————————————————————————————————————


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_import_word(request.user))
    clusters = list(clusters_fillable_by(request.user))
    # Only the forms the user may import (the operator's own forms; a district department's
    # district-level forms, 区级表单, for its own district — as 新建填报); another form posted
    # directly is refused by word_import_upload with the reason.
    templates = services.importable_templates_for(request.user)
    district = district_fillable_by(request.user)
    this_year = timezone.localdate().year
    form = {"cluster": "", "template": request.GET.get("template", "").strip(), "year": str(this_year)}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        # Among every importable form: one the user may not import is refused by the service.
        choice = choose_subject(form, services.importable_templates(), clusters, district)
        chosen, district_level, cluster = choice.template, choice.district_level, choice.cluster
        code, _, version = form["template"].partition("@")
        upload = request.FILES.get("file")
        if choice.cluster_error:
            errors["cluster"] = choice.cluster_error
            form["cluster"] = ""
        elif cluster is None and not district_level:
            errors["cluster"] = "请选择本机构运营的集群。"
        if chosen is None:
            errors["template"] = "请选择表单。"
        if not form["year"].isdigit():
            errors["year"] = "填报年度应为四位年份。"
        if upload is None:
            errors["file"] = "请选择填好的 Word（.docx）文件。"
        if not errors and upload is not None:
            try:
                item = services.word_import_upload(
                    actor=request.user,
                    cluster=None if district_level else cluster,
                    district=district if district_level else None,
                    template_code=code,
                    template_version=version,
                    reporting_year=int(form["year"]),
                    file=upload,
                )
            except AccessDenied as exc:  # e.g. a national form (the county applies), another's district form
                errors["template"] = exc.message
                status = 403
            except ServiceError as exc:
                errors[exc.field or "file"] = exc.message
            else:
                return redirect("documents:import_detail", pk=item.pk)
        status = status if status != 200 else 400
    return render(
        request,
        "documents/import_upload.html",
        {
            "clusters": clusters,
            "templates": templates,
            "form": form,
            "errors": errors,
            "years": list(range(this_year + 1, this_year - 6, -1)),
            "recent": word_imports_visible_to(request.user)[:10],
            **subject_context(templates, form["template"], district),
        },
        status=status,
    )


_PART = re.compile(r"\[([^\]]*)\]")


def _value_at(values: dict[str, Any], key: str, parts: list[str]) -> Any:
    node: Any = values.get(key)
    for p in parts:
        if isinstance(node, list) and p.isdigit() and int(p) < len(node):
            node = node[int(p)]
        elif isinstance(node, dict):
            node = node.get(p)
        else:
            return None
    return node


@dataclass(frozen=True)
class ImportPreview:
    """What the check page shows: the values that will be imported, and apart from them the
    values read from the reviewing authority's part of the paper form (filled_by: district/city/
    province — its opinion, seal, date), which word_import_confirm never imports."""

    rows: list[dict[str, Any]]  # imported on confirm
    reviewer_groups: list[tuple[str, list[dict[str, Any]]]]  # (party label, rows), not imported
    unreadable: list[dict[str, Any]]  # the applicant's cells that could not be read


def import_rows(item: WordImport) -> ImportPreview:
    """Each value read, beside its source cell, in the order of the form."""
    template = load_template(item.template_code, item.template_version)
    order = {k: i for i, k in enumerate(template.fields)}
    rows = []
    for path, prov in item.provenance.items():
        key = path.split("[", 1)[0]
        parts = _PART.findall(path)
        f = template.fields.get(key)
        value = _value_at(item.values, key, parts)
        shown = display(f, value) if f is not None and not parts else ("" if value is None else str(value))
        if isinstance(value, dict) and parts:  # an added target row: its columns
            shown = "；".join(f"{k}：{v}" for k, v in value.items())
        party = f.filled_by if f is not None and f.by_reviewer else APPLICANT
        rows.append({"path": path, "order": (order.get(key, 10**6), path), "value": shown, "party": party, **prov})
    rows.sort(key=lambda r: r["order"])
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["party"] != APPLICANT:
            groups.setdefault(r["party"], []).append(r)

    def reviewer_cell(u: dict[str, Any]) -> bool:
        f = template.fields.get(str(u.get("path", "")).split("[", 1)[0])
        return f is not None and f.by_reviewer

    return ImportPreview(
        rows=[r for r in rows if r["party"] == APPLICANT],
        reviewer_groups=[(FILLED_BY_PARTIES[p], groups[p]) for p in FILLED_BY_PARTIES if p in groups],
        unreadable=[u for u in item.unreadable or [] if not reviewer_cell(u)],
    )


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(word_imports_visible_to(request.user), pk=pk)
    return render(
        request,
        "documents/import_detail.html",
        {
            "item": item,
            "preview": import_rows(item),
            "can_decide": permissions.can_confirm_word_import(request.user, item)[0],
        },
    )


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(word_imports_visible_to(request.user), pk=pk)
    _require(permissions.can_confirm_word_import(request.user, item))
    try:
        filing = services.word_import_confirm(actor=request.user, word_import=item)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("documents:import_detail", pk=item.pk)
    messages.success(request, f"已根据 Word 文件生成《{filing.template_title}》草稿，请逐项核对后提交。")
    return redirect("filings:edit", pk=filing.pk)


@require_POST
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(word_imports_visible_to(request.user), pk=pk)
    _require(permissions.can_confirm_word_import(request.user, item))
    services.word_import_discard(actor=request.user, word_import=item)
    messages.info(request, "已放弃本次导入，没有生成任何填报内容。")
    return redirect("documents:import_upload")
