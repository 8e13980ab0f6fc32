"""Per-request context that service functions may read without receiving the request.

Only the client address is kept: services take `actor=` explicitly, but the audit trail
also wants the address the action came from.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_current_ip: ContextVar[str | None] = ContextVar("clusterhub_current_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The client address, used by the login lockout and the audit trail.

    REMOTE_ADDR is the TCP peer. Behind nginx that peer is the proxy, which passes the real
    address in X-Real-IP (docs/deploy.md); the header is believed only when the peer is one of
    TRUSTED_PROXIES (settings; production reads it from the environment, default 127.0.0.1),
    so a client cannot forge it. X-Forwarded-For is never read.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = getattr(settings, "TRUSTED_PROXIES", ())
    if remote and remote in trusted:
        real = (request.META.get("HTTP_X_REAL_IP") or "").strip()
        if real and _is_ip(real):
            return real
    return remote


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


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
