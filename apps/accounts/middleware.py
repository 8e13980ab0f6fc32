"""Request gates of the accounts app: login required (401 for the API), forced password change."""

from collections.abc import Callable

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

API_PREFIX = "/api/"


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's login requirement, except that the JSON API answers 401 instead of a redirect
    (a script cannot follow a login page)."""

    def handle_no_permission(self, request: HttpRequest, view_func: Callable) -> HttpResponse:  # type: ignore[override]
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": "未登录或登录已过期，请先登录。"}, status=401)
        return super().handle_no_permission(request, view_func)


class PasswordChangeRequiredMiddleware:
    """A user whose password was set by an admin must change it before doing anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse("accounts:password_change"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                if request.path.startswith(API_PREFIX):
                    return JsonResponse({"detail": "请先修改密码。"}, status=403)
                return redirect("accounts:password_change")
        return self.get_response(request)
