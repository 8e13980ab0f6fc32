"""Summary tables and lists (推荐汇总表、复核情况汇总表、公示名单、认定名单), as pages and xlsx."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import xlsxwriter
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .. import permissions
from ..models import Campaign, Submission
from ..selectors import campaigns_visible_to, submissions_visible_to
from .common import require

Row = list[Any]


def _region(sub: Submission) -> str:
    names = [o.region_name or o.name for o in sub.district.ancestors() if o.kind in ("province", "city", "district")]
    return " ".join(names)


def _recommendation(subs: Any) -> tuple[list[str], list[Row]]:
    header = ["序号", "推荐排序", "集群名称", "所属地区", "主导产业", "县级主管部门", "集群运营管理机构", "推荐意见"]
    rows = []
    chosen = subs.filter(workflow_key="national_application", quota_slot__gt="").order_by("rank", "pk")
    for i, s in enumerate(chosen, 1):
        ev = s.events.filter(transition="province_recommend").last()
        rows.append(
            [
                i,
                s.rank,
                s.cluster.name,
                _region(s),
                s.cluster.leading_industry,
                s.district.name,
                s.cluster.operator.name,
                ev.comment if ev else "",
            ]
        )
    return header, rows


def _rereview(subs: Any) -> tuple[list[str], list[Row]]:
    header = ["序号", "集群名称", "所属地区", "县级主管部门", "省级初审结果", "未通过原因", "当前环节"]
    rows = []
    for i, s in enumerate(
        subs.filter(workflow_key="national_rereview")
        .exclude(state__in=["draft", "returned"])
        .order_by("district__path", "pk"),
        1,
    ):
        fail = s.events.filter(transition="province_fail").last()
        passed = s.events.filter(transition="province_pass").exists()
        result = "通过" if passed else ("未通过" if fail else "初审中")
        rows.append(
            [i, s.cluster.name, _region(s), s.district.name, result, fail.comment if fail else "", s.state_label]
        )
    return header, rows


def _publicity(subs: Any) -> tuple[list[str], list[Row]]:
    header = ["序号", "集群名称", "所属区", "集群运营管理机构", "主导产业", "公示期"]
    rows = []
    chosen = subs.filter(workflow_key="municipal_application", data__has_key="publicity_start").order_by(
        "district__path", "pk"
    )
    for i, s in enumerate(chosen, 1):
        rows.append(
            [
                i,
                s.cluster.name,
                s.district.region_name or s.district.name,
                s.cluster.operator.name,
                s.cluster.leading_industry,
                f"{s.data.get('publicity_start')} 至 {s.data.get('publicity_end')}",
            ]
        )
    return header, rows


def _recognition(subs: Any) -> tuple[list[str], list[Row]]:
    header = ["序号", "认定编号", "集群名称", "所属区", "集群运营管理机构", "主导产业", "公布文号", "有效期"]
    rows = []
    chosen = subs.filter(data__has_key="recognition_number").order_by("pk")
    for i, s in enumerate(sorted(chosen, key=lambda x: x.data["recognition_number"]), 1):
        rows.append(
            [
                i,
                s.data["recognition_number"],
                s.cluster.name,
                s.district.region_name or s.district.name,
                s.cluster.operator.name,
                s.cluster.leading_industry,
                s.data.get("document_number", ""),
                f"{s.data.get('valid_from')} 至 {s.data.get('valid_to')}",
            ]
        )
    return header, rows


LISTS: dict[str, tuple[str, Callable[[Any], tuple[list[str], list[Row]]]]] = {
    "recommendation": ("推荐汇总表", _recommendation),
    "rereview": ("复核情况汇总表", _rereview),
    "publicity": ("公示名单", _publicity),
    "recognition": ("认定名单", _recognition),
}


def _xlsx(title: str, campaign: Campaign, header: list[str], rows: list[Row]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(title[:31])
    bold = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True})
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    title_fmt = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
    ws.merge_range(0, 0, 0, len(header) - 1, f"{campaign.year}年度{title}", title_fmt)
    ws.write(
        1,
        0,
        f"依据：{campaign.document_number}　填报单位：{campaign.authority.name}　"
        f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}",
    )
    for c, h in enumerate(header):
        ws.write(2, c, h, bold)
        ws.set_column(c, c, 8 if c == 0 else 24)
    for r, row in enumerate(rows, start=3):
        for c, v in enumerate(row):
            ws.write(r, c, "" if v is None else v, cell)
    wb.close()
    return buf.getvalue()


def summary_list(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    require(permissions.can_view_lists(request.user))
    title, build = LISTS[kind]
    header, rows = build(submissions_visible_to(request.user).filter(campaign=campaign))
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            _xlsx(title, campaign, header, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{campaign.year}-{kind}.xlsx"
        return response
    return render(
        request,
        "workflow/summary_list.html",
        {"campaign": campaign, "title": title, "header": header, "rows": rows, "kind": kind},
    )


def list_recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    return summary_list(request, pk, "recommendation")


def list_rereview(request: HttpRequest, pk: int) -> HttpResponse:
    return summary_list(request, pk, "rereview")


def list_publicity(request: HttpRequest, pk: int) -> HttpResponse:
    return summary_list(request, pk, "publicity")


def list_recognition(request: HttpRequest, pk: int) -> HttpResponse:
    return summary_list(request, pk, "recognition")
