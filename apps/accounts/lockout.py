"""Login lockout: after LOGIN_MAX_FAILURES failures within LOGIN_LOCKOUT_MINUTES, the account
(and, separately, the client address) is locked until the window has passed."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import LoginFailure


def _window_start() -> datetime:
    return timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _max_failures_per_ip() -> int:
    return int(getattr(settings, "LOGIN_MAX_FAILURES_PER_IP", settings.LOGIN_MAX_FAILURES))


def locked_until(username: str, ip: str | None) -> datetime | None:
    """When the lock on this account or address ends, or None if not locked."""
    since = _window_start()
    ends: list[datetime] = []
    by_user = list(
        LoginFailure.objects.filter(username__iexact=username, at__gte=since)
        .order_by("-at")
        .values_list("at", flat=True)[: settings.LOGIN_MAX_FAILURES]
    )
    if username and len(by_user) >= settings.LOGIN_MAX_FAILURES:
        ends.append(by_user[0] + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES))
    if ip:
        by_ip = list(
            LoginFailure.objects.filter(ip=ip, at__gte=since)
            .order_by("-at")
            .values_list("at", flat=True)[: _max_failures_per_ip()]
        )
        if len(by_ip) >= _max_failures_per_ip():
            ends.append(by_ip[0] + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES))
    return max(ends) if ends else None


def record_failure(username: str, ip: str | None) -> int:
    """Record a failure; returns how many attempts remain before the account locks."""
    LoginFailure.objects.create(username=username[:150], ip=ip)
    count = LoginFailure.objects.filter(username__iexact=username, at__gte=_window_start()).count()
    return max(settings.LOGIN_MAX_FAILURES - count, 0)


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(username__iexact=username).delete()
