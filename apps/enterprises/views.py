"""Pages of the enterprise lists (企业库). Thin: scope, permission, one service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.clusters.models import Cluster
from apps.core.errors import ServiceError

from . import excel_out, permissions, services
from .models import QUALIFICATION_LEVELS, FirmYear, QualificationKind, QualificationLevel, SizeChoice
from .selectors import (
    cluster_year_rows,
    clusters_for_lists,
    duplicate_listings,
    firm_years_visible_to,
    imports_visible_to,
)
from .totals import cluster_totals, recognition_quality_counts

LEVEL_LABELS = dict(QualificationLevel.choices)


def _check(decision: tuple[bool, str]) -> None:
    ok, reason = decision
    if not ok:
        raise PermissionDenied(reason)


def _year(request: HttpRequest, default: int | None = None) -> int:
    raw = request.GET.get("year") or request.POST.get("year")
    try:
        return int(raw) if raw else (default or timezone.localdate().year - 1)
    except ValueError:
        raise Http404("年度无效") from None


def _download(content: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(content, content_type=excel_out.XLSX_MIME)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


def _cluster(request: HttpRequest, pk: int) -> Cluster:
    return get_object_or_404(clusters_for_lists(request.user), pk=pk)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    clusters = clusters_for_lists(request.user)
    return render(
        request,
        "enterprises/index.html",
        {
            "clusters": clusters,
            "year": year,
            "is_authority": permissions.can_view_city_enterprises(request.user)[0],
        },
    )


@require_GET
def cluster_list(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = _cluster(request, pk)
    _check(permissions.can_view_enterprise_list(request.user, cluster))
    year = _year(request)
    rows = cluster_year_rows(request.user, cluster, year).prefetch_related("qualifications")
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(name__icontains=q) | rows.filter(firm__credit_code__icontains=q.upper())
    page = Paginator(rows.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/cluster_list.html",
        {
            "cluster": cluster,
            "year": year,
            "years": list(range(timezone.localdate().year, 2017, -1)),
            "page": page,
            "q": q,
            "totals": list(cluster_totals(cluster, year).values()),
            "quality": recognition_quality_counts(cluster, year),
            "imports": imports_visible_to(request.user).filter(cluster=cluster)[:10],
            "can_import": permissions.can_import_enterprise_list(request.user, cluster)[0],
            "qualification_kinds": QualificationKind.choices,
        },
    )


@require_GET
def template_download(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = _cluster(request, pk)
    _check(permissions.can_view_enterprise_list(request.user, cluster))
    year = _year(request)
    content = excel_out.template_bytes(cluster_name=cluster.name, year=year)
    return _download(content, f"{cluster.name}-{year}年度企业清单模板.xlsx")


@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = _cluster(request, pk)
    _check(permissions.can_import_enterprise_list(request.user, cluster))
    year = _year(request)
    f = request.FILES.get("file")
    if f is None:
        messages.error(request, "请选择要导入的文件（.xlsx、.xls 或 .csv）。")
        return redirect(f"{cluster_list_url(cluster)}?year={year}")
    try:
        batch = services.enterprise_import_upload(actor=request.user, cluster=cluster, year=year, upload=f)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(f"{cluster_list_url(cluster)}?year={year}")
    return redirect("enterprises:import_detail", pk=batch.pk)


def cluster_list_url(cluster: Cluster) -> str:
    from django.urls import reverse

    return reverse("enterprises:cluster", kwargs={"pk": cluster.pk})


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(imports_visible_to(request.user), pk=pk)
    template = "enterprises/_import_status.html" if request.headers.get("HX-Request") else "enterprises/import.html"
    return render(
        request,
        template,
        {
            "batch": batch,
            "can_commit": permissions.can_commit_enterprise_import(request.user, batch)[0],
            "can_import": permissions.can_import_enterprise_list(request.user, batch.cluster)[0],
        },
    )


@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(imports_visible_to(request.user), pk=pk)
    _check(permissions.can_import_enterprise_list(request.user, batch.cluster))
    try:
        batch = services.enterprise_import_commit(actor=request.user, batch=batch)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("enterprises:import_detail", pk=batch.pk)


@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(imports_visible_to(request.user), pk=pk)
    _check(permissions.can_import_enterprise_list(request.user, batch.cluster))
    try:
        services.enterprise_import_cancel(actor=request.user, batch=batch)
        messages.info(request, "已放弃本次导入，企业清单未作修改。")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(f"{cluster_list_url(batch.cluster)}?year={batch.year}")


@require_GET
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(imports_visible_to(request.user), pk=pk)
    if not batch.error_file_name:
        raise Http404("没有错误清单")
    with default_storage.open(batch.error_file_name, "rb") as fh:
        content = fh.read()
    stem = batch.original_name.rsplit(".", 1)[0]
    return _download(content, f"{stem}-错误清单.xlsx")


EXPORT_HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "所在区（县）",
    "所在街镇",
    "所在园区",
    "划型行业",
    "从业人员期末人数",
    "营业收入（万元）",
    "资产总额（万元）",
    "产值/营业收入（万元）",
    "研发费用（万元）",
    "研发人员数量",
    "有效发明专利拥有量",
    "PCT国际专利申请量",
    "是否规上企业",
    "上市情况",
    "企业规模",
    "是否中小企业",
    "划型依据",
    "资质",
    "是否上云",
    "是否应用工业互联网平台",
    "是否应用数字化研发工具",
    "主导产品出口贸易额（万元）",
    "外商直接投资额（万元）",
    "是否与主导产业相关",
    "主导产品",
    "联系人",
    "联系电话",
    "数据提示",
]


def _quals_text(fy: FirmYear) -> str:
    return "；".join(
        f"{q.get_kind_display()}（{q.get_level_display()}{f'，{q.year}年' if q.year else ''}）"
        for q in fy.qualifications.all()
    )


def _export_row(fy: FirmYear, with_cluster: bool) -> list[Any]:
    size = fy.get_size_display() + ("（人工认定）" if fy.size_override else "")
    row: list[Any] = [
        fy.firm.credit_code,
        fy.name,
        fy.location_district,
        fy.location_town,
        fy.location_park,
        fy.get_industry_display(),
        fy.employees,
        fy.revenue,
        fy.total_assets,
        fy.output_value,
        fy.rd_expense,
        fy.rd_staff,
        fy.invention_patents,
        fy.pct_applications,
        fy.above_scale,
        fy.get_listing_status_display(),
        size,
        fy.is_sme,
        fy.size_override_note or fy.size_reason,
        _quals_text(fy),
        fy.cloud,
        fy.industrial_internet,
        fy.digital_rd_tools,
        fy.export_amount,
        fy.fdi_amount,
        fy.leading_industry_related,
        "、".join(fy.main_products),
        fy.contact_name,
        fy.contact_phone,
        "；".join(fy.warnings),
    ]
    if with_cluster:
        row = [fy.year, fy.cluster.name, fy.cluster.district.name, *row]
    return row


@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = _cluster(request, pk)
    _check(permissions.can_export_enterprise_list(request.user, cluster))
    year = _year(request)
    rows = cluster_year_rows(request.user, cluster, year).prefetch_related("qualifications").order_by("name")
    content = excel_out.table_bytes(
        title=f"{cluster.name} {year}年度集群企业清单（中小企业按工信部联企业〔2011〕300号划型）",
        headers=EXPORT_HEADERS,
        rows=(_export_row(fy, False) for fy in rows.iterator(chunk_size=2000)),
        widths=[22, 30],
    )
    return _download(content, f"{cluster.name}-{year}年度企业清单.xlsx")


@require_GET
def named_list(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """需附名单: the firms holding one qualification (e.g. 专精特新中小企业名单)."""
    cluster = _cluster(request, pk)
    _check(permissions.can_export_enterprise_list(request.user, cluster))
    if kind not in QualificationKind.values:
        raise Http404("没有这种资质")
    year = _year(request)
    level = request.GET.get("level", "")
    if level and level not in QUALIFICATION_LEVELS[kind]:
        raise Http404("没有这个级别")
    rows = cluster_year_rows(request.user, cluster, year).filter(qualifications__kind=kind)
    if level:
        rows = rows.filter(qualifications__level=level)
    rows = rows.prefetch_related("qualifications").order_by("name").distinct()
    label = excel_out.qualification_title(kind, LEVEL_LABELS.get(level, "") if level else "")
    data = []
    for i, fy in enumerate(rows, start=1):
        q = next((x for x in fy.qualifications.all() if x.kind == kind), None)
        data.append(
            [
                i,
                fy.name,
                fy.firm.credit_code,
                q.get_level_display() if q else "",
                q.year if q else None,
                "是" if fy.leading_industry_related else "否",
                fy.get_size_display(),
            ]
        )
    content = excel_out.table_bytes(
        title=f"{cluster.name} {year}年度{label}",
        headers=["序号", "企业名称", "统一社会信用代码", "级别", "认定年份", "是否与主导产业相关", "企业规模"],
        rows=data,
        widths=[6, 34, 22, 10, 10, 16, 10],
        notes=[f"共 {len(data)} 家（按企业去重）。数据来源：企业库，{timezone.localdate():%Y年%m月%d日}导出。"],
    )
    return _download(content, f"{cluster.name}-{year}年度{label}.xlsx")


@require_GET
def city_list(request: HttpRequest) -> HttpResponse:
    """辖区企业库: every firm-year in the authority's subtree, with filters and export."""
    _check(permissions.can_view_city_enterprises(request.user))
    year = _year(request)
    rows = firm_years_visible_to(request.user).filter(year=year)
    clusters = clusters_for_lists(request.user)
    f_cluster = request.GET.get("cluster", "")
    f_size = request.GET.get("size", "")
    f_qual = request.GET.get("qualification", "")
    q = request.GET.get("q", "").strip()
    if f_cluster.isdigit():
        rows = rows.filter(cluster_id=int(f_cluster))
    if f_size == "sme":
        rows = rows.filter(is_sme=True)
    elif f_size in SizeChoice.values:
        rows = rows.filter(size=f_size)
    if f_qual in QualificationKind.values:
        rows = rows.filter(qualifications__kind=f_qual).distinct()
    if q:
        rows = rows.filter(name__icontains=q) | rows.filter(firm__credit_code__icontains=q.upper())
    rows = rows.prefetch_related("qualifications").order_by("cluster__name", "name")
    if request.GET.get("format") == "xlsx":
        content = excel_out.table_bytes(
            title=f"{getattr(request.user, 'organisation', None) or ''} {year}年度辖区集群企业清单",
            headers=["年度", "集群", "所属区县", *EXPORT_HEADERS],
            rows=(_export_row(fy, True) for fy in rows.iterator(chunk_size=2000)),
            widths=[6, 30, 16, 22, 30],
        )
        return _download(content, f"{year}年度辖区集群企业清单.xlsx")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/city_list.html",
        {
            "page": page,
            "year": year,
            "clusters": clusters,
            "f_cluster": f_cluster,
            "f_size": f_size,
            "f_qual": f_qual,
            "q": q,
            "sizes": SizeChoice.choices,
            "qualification_kinds": QualificationKind.choices,
            "duplicate_count": len(duplicate_listings(request.user, year)),
        },
    )


@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    """同一企业被两个以上集群在同一年度列报 — flagged to the city with every cluster named."""
    _check(permissions.can_view_city_enterprises(request.user))
    year_raw = request.GET.get("year", "")
    year = int(year_raw) if year_raw.isdigit() else None
    return render(
        request, "enterprises/duplicates.html", {"groups": duplicate_listings(request.user, year), "year": year}
    )


def firm_year_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One firm's row, with its size reason and the override form (人工认定规模)."""
    fy = get_object_or_404(firm_years_visible_to(request.user).prefetch_related("qualifications"), pk=pk)
    can_override = permissions.can_override_firm_size(request.user, fy)[0]
    error = ""
    if request.method == "POST":
        _check(permissions.can_override_firm_size(request.user, fy))
        try:
            services.firm_year_override_size(
                actor=request.user,
                firm_year=fy,
                size=request.POST.get("size", ""),
                note=request.POST.get("note", ""),
            )
            messages.success(request, "已保存企业规模的人工认定。")
            return redirect("enterprises:firm_year", pk=fy.pk)
        except ServiceError as exc:
            error = exc.message
    from apps.core.audit import timeline_for

    return render(
        request,
        "enterprises/firm_year.html",
        {
            "fy": fy,
            "can_override": can_override,
            "error": error,
            "sizes": [c for c in SizeChoice.choices if c[0] != SizeChoice.UNKNOWN],
            "posted": request.POST if request.method == "POST" else None,
            "names": fy.firm.names.all(),
            "timeline": timeline_for(fy)[:50],
        },
    )
