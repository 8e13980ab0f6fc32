from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from apps.core.errors import ServiceError


def require(decision: tuple[bool, str]) -> None:
    ok, reason = decision
    if not ok:
        raise PermissionDenied(reason)


def flash_error(request: HttpRequest, exc: ServiceError) -> None:
    messages.error(request, exc.message)


def post_dict(request: HttpRequest, prefix: str) -> dict[str, Any]:
    """{key: value} of POST fields named "<prefix><key>" (e.g. reason__<field key>)."""
    return {k[len(prefix) :]: v for k, v in request.POST.items() if k.startswith(prefix)}
