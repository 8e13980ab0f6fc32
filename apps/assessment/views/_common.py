"""Helpers shared by the assessment views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def require_page(decision: tuple[bool, str]) -> None:
    """A `can_*` decision on an object the user sees: refused → 403 with the Chinese reason."""
    ok, reason = decision
    if not ok:
        raise PermissionDenied(reason)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` parameter when it points into this site, else `fallback`."""
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return fallback


def form_errors(exc: Any) -> dict[str, str]:
    """{field: message} of a ServiceError, "" for a message not tied to a field."""
    return {str(getattr(exc, "field", "") or ""): str(getattr(exc, "message", exc))}
