"""Jurisdiction admin pages (组织与用户管理): the organisation tree and the users under an admin.

Thin views: scope through selectors (404 outside), decide through permissions (403 with the
reason in Chinese), change through services (audited), render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from apps.core.audit import timeline_for
from apps.core.errors import ServiceError

from . import permissions, services
from .forms import OrganisationCreateForm, OrganisationEditForm, ReasonForm, RolesForm, UserCreateForm
from .models import Role
from .selectors import organisations_administered_by, users_administered_by


def _require(decision: tuple[bool, str]) -> None:
    ok, reason = decision
    if not ok:
        raise PermissionDenied(reason)


def _form_error(form: object, exc: ServiceError) -> None:
    fields = getattr(form, "fields", {})
    form.add_error(exc.field if exc.field in fields else None, exc.message)  # type: ignore[attr-defined]


def organisation_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_administer(request.user))
    # Depth-first, siblings in creation order: sort on the numeric path segments.
    orgs = sorted(
        organisations_administered_by(request.user).select_related("parent").annotate(user_count=Count("users")),
        key=lambda o: [int(p) for p in o.path.strip("/").split("/") if p],
    )
    root_depth = min((o.path.count("/") for o in orgs), default=0)
    rows = [(o, o.path.count("/") - root_depth) for o in orgs]
    return render(request, "orgs/list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def organisation_create_view(request: HttpRequest, parent_pk: int) -> HttpResponse:
    parent = get_object_or_404(organisations_administered_by(request.user), pk=parent_pk)
    form = OrganisationCreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已新建组织机构“{org.name}”。")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "parent": parent, "title": "新建下级组织机构"})


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(organisations_administered_by(request.user), pk=pk)
    can_manage, manage_reason = permissions.can_manage_organisation(request.user, org)
    return render(
        request,
        "orgs/org_detail.html",
        {
            "org": org,
            "children": org.children.all().order_by("name"),
            "users": org.users.all().prefetch_related("role_grants").order_by("username"),
            "can_manage": can_manage,
            "manage_reason": manage_reason,
            "timeline": timeline_for(org)[:100],
        },
    )


@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(organisations_administered_by(request.user), pk=pk)
    _require(permissions.can_manage_organisation(request.user, org))
    initial = {f: getattr(org, f) for f in OrganisationEditForm.base_fields}
    form = OrganisationEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(actor=request.user, organisation=org, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "org": org, "title": f"修改：{org.name}"})


@require_http_methods(["GET", "POST"])
def organisation_status(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(organisations_administered_by(request.user), pk=pk)
    _require(permissions.can_manage_organisation(request.user, org))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_set_active(
                actor=request.user, organisation=org, active=not org.is_active, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "已启用。" if not org.is_active else "已停用。")
            return redirect("orgs:detail", pk=org.pk)
    verb = "启用" if not org.is_active else "停用"
    return render(request, "orgs/reason_form.html", {"form": form, "obj": org, "verb": verb, "kind": "组织机构"})


def user_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_administer(request.user))
    users = users_administered_by(request.user).order_by("organisation__path", "username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(display_name__icontains=q) | Q(organisation__name__icontains=q)
        )
    role = request.GET.get("role", "")
    if role in Role.values:
        users = users.filter(role_grants__role=role)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "orgs/user_list.html", {"page": page, "q": q, "role": role, "roles": Role.choices})


@require_http_methods(["GET", "POST"])
def user_create_view(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = get_object_or_404(organisations_administered_by(request.user), pk=org_pk)
    _require(permissions.can_create_user(request.user, org))
    form = UserCreateForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, initial = services.user_create(
                actor=request.user,
                organisation=org,
                username=data["username"],
                display_name=data["display_name"],
                email=data["email"],
                phone=data["phone"],
                roles=set(data["roles"]),
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            # The initial password is shown on this response only and never stored in clear.
            return render(request, "orgs/password_once.html", {"target": user, "password": initial, "created": True})
    return render(request, "orgs/user_form.html", {"form": form, "org": org})


def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(users_administered_by(request.user), pk=pk)
    can_manage, manage_reason = permissions.can_manage_user(request.user, target)
    return render(
        request,
        "orgs/user_detail.html",
        {
            "target": target,
            "can_manage": can_manage,
            "manage_reason": manage_reason,
            "timeline": timeline_for(target)[:100],
        },
    )


@require_http_methods(["GET", "POST"])
def user_roles(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(users_administered_by(request.user), pk=pk)
    _require(permissions.can_manage_user(request.user, target))
    assert target.organisation is not None
    form = RolesForm(request.POST or None, organisation=target.organisation, initial={"roles": list(target.role_codes)})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_roles(actor=request.user, user=target, roles=set(form.cleaned_data["roles"]))
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "角色已更新。")
            return redirect("orgs:user_detail", pk=target.pk)
    return render(request, "orgs/roles_form.html", {"form": form, "target": target})


@require_http_methods(["GET", "POST"])
def user_status(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(users_administered_by(request.user), pk=pk)
    _require(permissions.can_manage_user(request.user, target))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_active(
                actor=request.user, user=target, active=not target.is_active, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "账号已启用。" if not target.is_active else "账号已停用。")
            return redirect("orgs:user_detail", pk=target.pk)
    verb = "启用" if not target.is_active else "停用"
    return render(request, "orgs/reason_form.html", {"form": form, "obj": target, "verb": verb, "kind": "账号"})


@require_http_methods(["GET", "POST"])
def user_reset(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(users_administered_by(request.user), pk=pk)
    _require(permissions.can_manage_user(request.user, target))
    if request.method == "POST":
        password = services.user_reset_password(actor=request.user, user=target)
        return render(request, "orgs/password_once.html", {"target": target, "password": password, "created": False})
    return render(request, "orgs/reset_confirm.html", {"target": target})
