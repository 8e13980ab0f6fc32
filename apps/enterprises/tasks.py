"""Background jobs (django-tasks) for large enterprise-list imports; the page polls progress."""

from __future__ import annotations

from django_tasks import task

from . import services, store


@task()
def enterprise_import_preview_task(batch_id: int) -> None:
    services.run_preview(batch_id)


@task()
def enterprise_import_commit_task(batch_id: int, actor_id: int | None) -> None:
    services.run_commit(batch_id, actor_id)


@task()
def enterprise_list_purge_task(list_id: int) -> None:
    """The rows of a list superseded by a newer import (see store.purge_superseded_rows)."""
    store.purge_superseded_rows(list_id)
