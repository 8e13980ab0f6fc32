"""Login, logout and password change. Failures and lockouts are audited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.audit import audit_record
from apps.core.errors import ServiceError
from apps.core.middleware import client_ip
from apps.orgs.models import User
from apps.orgs.services import user_change_own_password

from . import lockout
from .forms import LoginForm, PasswordChangeForm


@login_not_required
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    error = ""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        ip = client_ip(request)
        until = lockout.locked_until(username, ip)
        known = User.objects.filter(username__iexact=username).first()
        if until is not None:
            minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
            error = f"登录失败次数过多，该账号或本机地址已被暂时锁定，请 {minutes} 分钟后再试。"
            audit_record(
                actor=None,
                actor_label=username,
                action="login.locked",
                action_label="锁定期间尝试登录",
                obj=known,
                ip=ip,
            )
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                remaining = lockout.record_failure(username, ip)
                audit_record(
                    actor=None, actor_label=username, action="login.failure", action_label="登录失败", obj=known, ip=ip
                )
                if remaining == 0:
                    error = f"登录名或密码错误。失败次数已达上限，账号锁定 {settings.LOGIN_LOCKOUT_MINUTES} 分钟。"
                    audit_record(
                        actor=None,
                        actor_label=username,
                        action="login.lockout",
                        action_label="连续登录失败，账号锁定",
                        obj=known,
                        ip=ip,
                        note=f"锁定 {settings.LOGIN_LOCKOUT_MINUTES} 分钟",
                    )
                else:
                    error = f"登录名或密码错误，还可尝试 {remaining} 次。"
            else:
                lockout.clear_failures(username)
                _complete_login(request, user, ip)
                if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                    return redirect(next_url)
                return redirect("core:home")
    return render(request, "accounts/login.html", {"form": form, "error": error, "next": next_url}, status=200)


def _complete_login(request: HttpRequest, user: Any, ip: str | None) -> None:
    """The password was right: start the session.

    A second factor (2FA, e.g. TOTP or an SMS code) goes here later: instead of login(), keep
    the user id in the session as "password verified", redirect to a second-factor page, and call
    login() there once the code is checked (see docs/deploy.md, 安全基线与扩展)."""
    login(request, user)
    audit_record(actor=user, action="login.success", action_label="登录", obj=user, ip=ip)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action="logout", action_label="退出登录", obj=request.user)
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        assert isinstance(user, User)
        try:
            user_change_own_password(
                actor=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改。")
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})
