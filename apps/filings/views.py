"""Pages for filling forms (在线填报): list, new, edit with autosave, merge, submit, evidence,
read-only and print views.

Thin views: scope through selectors (404 outside), decide through permissions (403 with the
Chinese reason), change through services (audited), render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.audit import timeline_for
from apps.core.errors import AccessDenied, ServiceError

from . import dossier, formdata, pages, paper, permissions, services
from . import evidence as ev
from .definitions import Issue, TemplateNotFound, current_templates
from .models import ApplicantKind, Filing, FilingStatus
from .selectors import clusters_fillable_by, district_fillable_by, evidence_visible_to, filings_visible_to
from .subject_choice import choose_subject, subject_context


def _require(decision: tuple[bool, str]) -> None:
    ok, reason = decision
    if not ok:
        raise PermissionDenied(reason)


# —— list and create ———————————————————————————————————————————————————————————————————


@require_GET
def filing_list(request: HttpRequest) -> HttpResponse:
    qs = filings_visible_to(request.user).order_by("-reporting_year", "-updated_at")
    status = request.GET.get("status", "")
    if status in FilingStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "filings/list.html",
        {
            "filings": qs[:500],
            "statuses": FilingStatus.choices,
            "status": status,
            "can_create": permissions.applicant_kind_of(request.user) is not None,
        },
    )


@require_http_methods(["GET", "POST"])
def filing_new(request: HttpRequest) -> HttpResponse:
    applicant = permissions.applicant_kind_of(request.user)
    if applicant is None:
        raise PermissionDenied(
            "只有集群运营管理机构的填报人员，或县级（区级）中小企业主管部门（国家级申报、区级总结报告的申报主体）的工作人员可以新建填报。"
        )
    clusters = list(clusters_fillable_by(request.user))
    # Only the forms the user applies with (the template's 申报主体); a form of another applicant
    # posted directly is refused by filing_create with the reason. A district-level form (区级表单,
    # template `subject: district`: the district summary) is opened for the user's own district,
    # without a cluster.
    templates = current_templates(applicant)
    district = district_fillable_by(request.user)
    this_year = timezone.localdate().year
    # `?template=code@version` preselects a form (a link from the workflow or the help text).
    form = {"cluster": "", "template": request.GET.get("template", "").strip(), "year": str(this_year)}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        # Among every current form: one of another applicant is refused by filing_create with the reason.
        choice = choose_subject(form, current_templates(), clusters, district)
        chosen, district_level, cluster = choice.template, choice.district_level, choice.cluster
        code, _, version = form["template"].partition("@")
        if choice.cluster_error:  # a district-level form is the district's own, without a cluster
            errors["cluster"] = choice.cluster_error
            form["cluster"] = ""
        elif cluster is None and not district_level:
            errors["cluster"] = (
                "请选择本机构运营的集群。" if applicant == ApplicantKind.OPERATOR else "请选择本辖区的集群。"
            )
        if chosen is None:
            errors["template"] = "请选择表单模板。"
        if not form["year"].isdigit():
            errors["year"] = "填报年度应为四位年份。"
        if not errors:
            try:
                filing = services.filing_create(
                    actor=request.user,
                    cluster=None if district_level else cluster,
                    district=district if district_level else None,
                    template_code=code,
                    template_version=version,
                    reporting_year=int(form["year"]),
                )
            except AccessDenied as exc:  # e.g. an operator posting a national form (county applies)
                errors["template"] = exc.message
                status = 403
            except ServiceError as exc:
                errors[exc.field or "template"] = exc.message
            else:
                messages.success(request, f"已新建《{filing.template_title}》，填写内容会自动保存。")
                return redirect("filings:edit", pk=filing.pk)
        status = status if status != 200 else 400
    return render(
        request,
        "filings/new.html",
        {
            "clusters": clusters,
            "templates": templates,
            "form": form,
            "errors": errors,
            "years": list(range(this_year + 1, this_year - 6, -1)),
            "is_county": applicant == ApplicantKind.COUNTY,
            **subject_context(templates, form["template"], district),
        },
        status=status,
    )


# —— edit, save, merge ————————————————————————————————————————————————————————————————


def _page_context(
    request: HttpRequest,
    filing: Filing,
    *,
    data: dict[str, Any] | None = None,
    issues: list[Issue] | None = None,
    conflict: services.FilingConflict | None = None,
    yours: dict[str, Any] | None = None,
    explanations: dict[str, str] | None = None,
    overrides: dict[str, Any] | None = None,
    figures: dict[str, Any] | None = None,
    for_submit: bool = False,
    editing: bool = True,
    with_selfcheck: bool = False,
) -> dict[str, Any]:
    template = services.template_of(filing)
    use_data = dict(filing.data if data is None else data)
    if figures is None:
        # Reviewers and submission see the list as it is now; the edit page may use the cache.
        figures = services.filing_figures(filing, use_data, overrides=overrides, fresh=not editing or for_submit)
    if issues is None:
        issues = services.filing_issues(filing, for_submit=for_submit, data=use_data, figures=figures)
    can_edit = editing and permissions.can_edit_filing(request.user, filing)[0]
    editable = permissions.editable_field_keys(request.user, filing) if can_edit else frozenset()
    sections = pages.build(
        filing, template, use_data, issues, editable_keys=editable, can_edit=can_edit, figures=figures
    )
    expl = dict(filing.warning_explanations or {})
    expl.update(explanations or {})
    ctx: dict[str, Any] = {
        "filing": filing,
        "template": template,
        "sections": sections,
        "issues": issues,
        "errors": [i for i in issues if i.severity == "error"],
        "warnings": [i for i in issues if i.severity == "warning"],
        "explanations": expl,
        "can_edit": can_edit,
        "standards": pages.STANDARDS,
        "accept": ev.ACCEPT_ATTR,
        "max_upload": ev.human_size(ev.max_bytes()),
        "conflict": _conflict_rows(filing, conflict, yours) if conflict else None,
        "conflict_error": conflict,
        "figures": figures,
        "differences": [fg for fg in figures.values() if fg.differs],
        "selfcheck": dossier.self_check(filing, template=template) if with_selfcheck and can_edit else None,
    }
    return ctx


def _conflict_rows(
    filing: Filing, conflict: services.FilingConflict, yours: dict[str, Any] | None
) -> list[dict[str, Any]]:
    template = services.template_of(filing)
    heading = {f.key: s.heading for s in template.sections for f in s.fields}
    rows = []
    yours = yours or {}
    keys = list(dict.fromkeys([*conflict.theirs.keys(), *(k for k in yours if k in conflict.theirs)]))
    for key in keys:
        f = template.fields.get(key)
        if f is None:
            continue
        theirs = conflict.theirs[key]
        mine = yours.get(key, theirs.get("before"))
        rows.append(
            {
                "key": key,
                "label": f"{heading.get(key, '')} · {f.label}",
                "base": formdata.display(f, theirs.get("before")),
                "theirs": formdata.display(f, theirs.get("after")),
                "mine": formdata.display(f, mine),
                "same": not services.data_diff({key: mine}, {key: theirs.get("after")}),
                # Left as it was when this user started: the other's change is kept unless chosen otherwise.
                "mine_unchanged": not services.data_diff({key: mine}, {key: theirs.get("before")}),
                "theirs_inputs": formdata.flatten(f, theirs.get("after")),
            }
        )
    return rows


@require_GET
def filing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    filing = get_object_or_404(filings_visible_to(request.user), pk=pk)
    if permissions.is_applicant(request.user, filing) and filing.status not in (
        FilingStatus.DRAFT,
        FilingStatus.RETURNED,
    ):
        return redirect("filings:detail", pk=filing.pk)
    _require(permissions.can_edit_filing(request.user, filing))
    return render(request, "filings/edit.html", _page_context(request, filing, with_selfcheck=True))


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or "application/json" in request.headers.get("Accept", "")


def _issues_json(issues: list[Issue], template: Any) -> list[dict[str, Any]]:
    return [
        {
            "field": i.field,
            "input": pages.issue_input(template.fields[i.field], i) if i.field in template.fields else "",
            "severity": i.severity,
            "message": i.message,
            "code": i.code,
            "year": i.year,
            "option": i.option,
            "column": i.column,
            "row": i.row,
            "explained": i.explained,
        }
        for i in issues
    ]


@require_POST
def filing_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a draft (autosave posts here). Answers JSON to the page's script, a page otherwise."""
    filing = get_object_or_404(filings_visible_to(request.user), pk=pk)
    _require(permissions.can_edit_filing(request.user, filing))
    template = services.template_of(filing)
    values, explanations, overrides = formdata.parse_post(template, request.POST)
    try:
        expected = int(request.POST.get("revision", ""))
    except ValueError:
        expected = -1
    merge = request.POST.get("merge") == "1"
    try:
        result = services.filing_save_draft(
            actor=request.user,
            filing=filing,
            values=values,
            expected_revision=expected,
            warning_explanations=explanations,
            overrides=overrides,
            merge=merge,
        )
    except services.FilingConflict as exc:
        ctx = _page_context(
            request,
            filing,
            data={**filing.data, **values},
            conflict=exc,
            yours=values,
            explanations=explanations,
            overrides={**(filing.overrides or {}), **overrides},
        )
        if _wants_json(request):
            html = render_to_string("filings/_conflict.html", ctx, request=request)
            return JsonResponse(
                {"ok": False, "conflict": True, "message": exc.message, "current": exc.current, "html": html},
                status=409,
            )
        return render(request, "filings/edit.html", ctx, status=409)
    except services.FilingInvalid as exc:
        if _wants_json(request):
            return JsonResponse(
                {"ok": False, "message": exc.message, "issues": _issues_json(exc.issues, template)}, status=422
            )
        merged = {**filing.data, **values}
        ctx = _page_context(
            request,
            filing,
            data=merged,
            explanations=explanations,
            overrides={**(filing.overrides or {}), **overrides},
        )
        ctx["save_error"] = exc.message
        blocking = {(i.field, i.code) for i in exc.issues}
        ctx["errors"] = list(exc.issues) + [i for i in ctx["errors"] if (i.field, i.code) not in blocking]
        return render(request, "filings/edit.html", ctx, status=422)
    except ServiceError as exc:
        if _wants_json(request):
            return JsonResponse(
                {
                    "ok": False,
                    "message": exc.message,
                    "issues": [{"field": exc.field, "severity": "error", "message": exc.message, "code": "service"}],
                },
                status=400,
            )
        messages.error(request, exc.message)
        return redirect("filings:edit", pk=filing.pk)
    saved = result.filing
    if not _wants_json(request):
        messages.success(request, "已保存。")
        return redirect("filings:edit", pk=saved.pk)
    ctx = _page_context(request, saved, issues=result.issues, figures=result.figures, with_selfcheck=True)
    return JsonResponse(
        {
            "ok": True,
            "revision": saved.revision,
            "saved_at": timezone.localtime(saved.updated_at).strftime("%H:%M:%S"),
            "changed": sorted(result.changes),
            "issues": _issues_json(result.issues, template),
            "summary_html": render_to_string("filings/_summary.html", ctx, request=request),
            "selfcheck_html": (
                render_to_string("filings/_selfcheck.html", ctx, request=request) if ctx["selfcheck"] else ""
            ),
            "computed": {
                fv.f.key: render_to_string("filings/_computed.html", {"fv": fv}, request=request)
                for sv in ctx["sections"]
                for fv in sv.fields
                if fv.f.kind == "computed"
            },
            "progress": {
                sv.s.key: {"filled": sv.progress[0], "total": sv.progress[1], "done": sv.done} for sv in ctx["sections"]
            },
        }
    )


@require_POST
def filing_submit(request: HttpRequest, pk: int) -> HttpResponse:
    filing = get_object_or_404(filings_visible_to(request.user), pk=pk)
    _require(permissions.can_submit_filing(request.user, filing))
    if filing.campaign_ref:
        # A form a campaign asked for is submitted through its review workflow (apps.workflow),
        # which runs filing_submit and reports it to the district in one step.
        messages.error(request, "本表为工作通知要求填报的表单，请在申报事项页面提交。")
        return redirect("workflow:form_submission", pk=filing.pk)
    try:
        expected = int(request.POST.get("revision", ""))
    except ValueError:
        expected = None
    try:
        services.filing_submit(actor=request.user, filing=filing, expected_revision=expected)
    except services.FilingInvalid as exc:
        ctx = _page_context(request, filing, for_submit=True, with_selfcheck=True)
        ctx["save_error"] = exc.message
        ctx["submit_attempt"] = True
        return render(request, "filings/edit.html", ctx, status=422)
    except services.FilingConflict as exc:
        messages.error(request, exc.message)
        return redirect("filings:edit", pk=filing.pk)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("filings:edit", pk=filing.pk)
    messages.success(request, "已提交。提交后如需修改，请联系区级主管部门退回。")
    return redirect("filings:detail", pk=filing.pk)


# —— read-only, print ———————————————————————————————————————————————————————————————————


@require_GET
def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    filing = get_object_or_404(filings_visible_to(request.user), pk=pk)
    ctx = _page_context(request, filing, editing=False)
    template = ctx["template"]
    diff = services.submission_diff(filing)
    ctx["resubmission_diff"] = [
        {
            "label": template.fields[k].label if k in template.fields else k,
            "before": formdata.display(template.fields[k], v[0]) if k in template.fields else v[0],
            "after": formdata.display(template.fields[k], v[1]) if k in template.fields else v[1],
        }
        for k, v in diff.items()
    ]
    ctx["paper"] = paper.build_paper(template, ctx["sections"])
    ctx["evidence_index"] = paper.evidence_index(ctx["sections"])
    ctx["returned"] = [
        (template.fields[k].label if k in template.fields else k, r) for k, r in (filing.return_reasons or {}).items()
    ]
    ctx["timeline"] = timeline_for(filing)[:100]
    ctx["can_edit_now"] = permissions.can_edit_filing(request.user, filing)[0]
    ctx["revisions"] = filing.revisions.select_related("author").order_by("-number", "-id")[:50]
    return render(request, "filings/detail.html", ctx)


@require_GET
def filing_print(request: HttpRequest, pk: int) -> HttpResponse:
    filing = get_object_or_404(filings_visible_to(request.user), pk=pk)
    ctx = _page_context(request, filing, editing=False)
    ctx["paper"] = paper.build_paper(ctx["template"], ctx["sections"])
    ctx["evidence_index"] = paper.evidence_index(ctx["sections"])
    return render(request, "filings/print.html", ctx)


# —— evidence ——————————————————————————————————————————————————————————————————————————


def _slot_html(request: HttpRequest, filing: Filing, field_key: str, option_key: str) -> str:
    items = filing.evidence.filter(field_key=field_key, option_key=option_key)
    can = permissions.can_upload_evidence(request.user, filing, field_key)[0]
    return render_to_string(
        "filings/_evidence_list.html",
        {"items": items, "filing": filing, "can_edit": can},
        request=request,
    )


@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    filing = get_object_or_404(filings_visible_to(request.user), pk=pk)
    field_key = request.POST.get("field", "")
    option_key = request.POST.get("option", "")
    _require(permissions.can_upload_evidence(request.user, filing, field_key))
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"ok": False, "message": "请选择要上传的文件。"}, status=400)
    try:
        item = services.evidence_upload(
            actor=request.user, filing=filing, field_key=field_key, option_key=option_key, file=upload
        )
    except ServiceError as exc:
        return JsonResponse({"ok": False, "message": exc.message}, status=400)
    return JsonResponse(
        {
            "ok": True,
            "id": item.pk,
            "name": item.original_name,
            "html": _slot_html(request, filing, field_key, option_key),
        }
    )


@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(evidence_visible_to(request.user), pk=pk)
    _require(permissions.can_delete_evidence(request.user, item))
    filing, field_key, option_key = item.filing, item.field_key, item.option_key
    try:
        services.evidence_delete(actor=request.user, evidence=item)
    except ServiceError as exc:
        return JsonResponse({"ok": False, "message": exc.message}, status=400)
    return JsonResponse({"ok": True, "html": _slot_html(request, filing, field_key, option_key)})


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(evidence_visible_to(request.user), pk=pk)
    try:
        handle = default_storage.open(item.stored_name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise PermissionDenied("文件已不在存储中，请联系系统管理员。") from exc
    inline = item.content_type in ("application/pdf", "image/jpeg", "image/png") and request.GET.get("inline") == "1"
    response = FileResponse(
        handle, as_attachment=not inline, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


__all__ = ["TemplateNotFound"]
