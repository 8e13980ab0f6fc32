"""Errors raised by service functions. Messages are Chinese and name the field at fault."""

from __future__ import annotations


class ServiceError(Exception):
    """A refused state change. `field` names the form field when one is at fault."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class AccessDenied(ServiceError):
    """The actor may see the object but may not do this to it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="forbidden")


class ConcurrentEdit(ServiceError):
    """Someone else changed the object since the actor loaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="conflict")


def require(decision: tuple[bool, str]) -> None:
    """Turn a `can_*` decision into an exception; services call it as a second line of defence."""
    ok, reason = decision
    if not ok:
        raise AccessDenied(reason)
