"""Per-request context that service functions may read without receiving the request.

Only the client address is kept: services take `actor=` explicitly, but the audit trail
also wants the address the action came from.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_current_ip: ContextVar[str | None] = ContextVar("clusterhub_current_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The client address. Behind nginx, REMOTE_ADDR is set from X-Real-IP by the proxy
    config in docs/deploy.md; we never trust X-Forwarded-For from the client itself."""
    return request.META.get("REMOTE_ADDR") or None


def current_ip() -> str | None:
    return _current_ip.get()


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _current_ip.reset(token)
