"""Background jobs of the review cycle (django-tasks; the DB backend's worker runs them)."""

from __future__ import annotations

from django_tasks import task

from .services.lifecycle import send_deadline_reminders
from .services.notify import send_pending_emails


@task()
def deadline_reminders() -> int:
    """截止提醒: remind who still has to act, the campaign's configured days before each deadline."""
    created = send_deadline_reminders()
    send_pending_emails()
    return created
