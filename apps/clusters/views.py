"""Cluster registry pages (集群名录): list, detail, registration and edit, recognitions,
major changes. Thin views over selectors (404 outside scope), permissions (403 with the reason)
and services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from apps.core.audit import timeline_for
from apps.core.errors import ServiceError
from apps.orgs.selectors import districts_visible_to

from . import permissions, services
from .forms import ClusterForm, MajorChangeDecisionForm, MajorChangeForm, RecognitionForm, RecognitionStatusForm
from .selectors import (
    clusters_visible_to,
    filter_clusters,
    filter_options,
    major_changes_visible_to,
    recognitions_visible_to,
)

PAGE_SIZE = 25


def _require(decision: tuple[bool, str]) -> None:
    ok, reason = decision
    if not ok:
        raise PermissionDenied(reason)


def _form_error(form: Any, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def cluster_list(request: HttpRequest) -> HttpResponse:
    # District order as created (the order of 000 附件5), then name.
    qs = (
        filter_clusters(clusters_visible_to(request.user), request.GET)
        .prefetch_related("recognitions")
        .order_by("district_id", "name")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "clusters/list.html",
        {
            "page": page,
            "params": request.GET,
            "options": filter_options(request.user),
            "can_create": permissions.can_create_cluster(request.user)[0],
        },
    )


def cluster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_object_or_404(clusters_visible_to(request.user), pk=pk)
    user = request.user
    return render(
        request,
        "clusters/detail.html",
        {
            "cluster": cluster,
            "recognitions": cluster.recognitions.all(),
            "major_changes": major_changes_visible_to(user).filter(cluster=cluster),
            "timeline": timeline_for(cluster)[:100],
            "can_edit": permissions.can_edit_cluster(user, cluster)[0],
            "can_recognise": permissions.can_manage_recognition(user, cluster)[0],
            "can_report": permissions.can_report_major_change(user, cluster)[0],
        },
    )


@require_http_methods(["GET", "POST"])
def cluster_create(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_create_cluster(request.user))
    form = ClusterForm(request.POST or None, districts=districts_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            cluster = services.cluster_create(actor=request.user, **data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已登记集群“{cluster.name}”。")
            return redirect("clusters:detail", pk=cluster.pk)
    return render(request, "clusters/form.html", {"form": form, "title": "登记集群"})


@require_http_methods(["GET", "POST"])
def cluster_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_object_or_404(clusters_visible_to(request.user), pk=pk)
    _require(permissions.can_edit_cluster(request.user, cluster))
    initial = {f: getattr(cluster, f) for f in services.EDITABLE_FIELDS} | {"version": cluster.version}
    form = ClusterForm(request.POST or None, initial=initial, districts=districts_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.cluster_update(actor=request.user, cluster=cluster, version=version, **data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "集群信息已保存。")
            return redirect("clusters:detail", pk=cluster.pk)
    return render(request, "clusters/form.html", {"form": form, "title": f"修改：{cluster.name}", "cluster": cluster})


@require_http_methods(["GET", "POST"])
def recognition_add(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_object_or_404(clusters_visible_to(request.user), pk=pk)
    _require(permissions.can_manage_recognition(request.user, cluster))
    form = RecognitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recognition_add(actor=request.user, cluster=cluster, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "认定记录已登记。")
            return redirect("clusters:detail", pk=cluster.pk)
    return render(request, "clusters/simple_form.html", {"form": form, "cluster": cluster, "title": "登记认定记录"})


@require_http_methods(["GET", "POST"])
def recognition_status(request: HttpRequest, pk: int) -> HttpResponse:
    rec = get_object_or_404(recognitions_visible_to(request.user), pk=pk)
    _require(permissions.can_manage_recognition(request.user, rec.cluster))
    form = RecognitionStatusForm(request.POST or None, initial={"status": rec.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.recognition_set_status(actor=request.user, recognition=rec, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "认定状态已变更。")
            return redirect("clusters:detail", pk=rec.cluster_id)
    return render(
        request,
        "clusters/simple_form.html",
        {"form": form, "cluster": rec.cluster, "title": f"变更认定状态：{rec}"},
    )


@require_http_methods(["GET", "POST"])
def major_change_report(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_object_or_404(clusters_visible_to(request.user), pk=pk)
    _require(permissions.can_report_major_change(request.user, cluster))
    form = MajorChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.major_change_report(actor=request.user, cluster=cluster, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "重大变动已报备，待区主管部门确认。")
            return redirect("clusters:detail", pk=cluster.pk)
    return render(request, "clusters/simple_form.html", {"form": form, "cluster": cluster, "title": "报备重大变动"})


@require_http_methods(["GET", "POST"])
def major_change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(major_changes_visible_to(request.user), pk=pk)
    _require(permissions.can_decide_major_change(request.user, change))
    form = MajorChangeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.major_change_decide(
                actor=request.user,
                change=change,
                confirm=form.cleaned_data["decision"] == "confirm",
                comment=form.cleaned_data["comment"],
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "已处理该重大变动报备。")
            return redirect("clusters:detail", pk=change.cluster_id)
    return render(
        request,
        "clusters/decide.html",
        {"form": form, "change": change, "cluster": change.cluster},
    )
