"""Binds the workflow to the filings app's `Filing` (when its services exist): submitting,
returning (re-opening the flagged fields with reasons) and locking go through the filings
services, and a submission's diff comes from the filing's revision history."""

from __future__ import annotations

import importlib
from typing import Any

from django.db import models

from .subjects import SubjectAdapter, register_adapter


class FilingAdapter(SubjectAdapter):
    def __init__(self, services: Any) -> None:
        self.services = services

    def revision(self, obj: models.Model) -> int | None:
        return int(obj.revision)  # type: ignore[attr-defined]

    def snapshot(self, obj: models.Model) -> dict[str, Any] | None:
        return dict(obj.data or {})  # type: ignore[attr-defined]

    def field_labels(self, obj: models.Model) -> dict[str, str] | None:
        labels = getattr(self.services, "filing_field_labels", None)
        if labels is None:
            return None
        return dict(labels(obj))

    def submit(self, *, actor: Any, obj: models.Model) -> None:
        if obj.status in ("draft", "returned"):  # type: ignore[attr-defined]
            self.services.filing_submit(actor=actor, filing=obj)

    def reopen(self, *, actor: Any, obj: models.Model, field_reasons: dict[str, str]) -> None:
        self.services.filing_return(actor=actor, filing=obj, field_reasons=field_reasons)

    def lock(self, *, actor: Any, obj: models.Model) -> None:
        if obj.status != "locked":  # type: ignore[attr-defined]
            self.services.filing_lock(actor=actor, filing=obj)


def bind_subjects() -> None:
    try:
        services = importlib.import_module("apps.filings.services")
    except ImportError:
        return
    if all(hasattr(services, n) for n in ("filing_submit", "filing_return", "filing_lock")):
        register_adapter("filings.filing", FilingAdapter(services))
