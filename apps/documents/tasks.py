"""Background jobs of the documents app (django-tasks; the database backend's worker runs them)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def export_job_run_task(job_id: int) -> str:
    """批量导出: render every filing of the job into one zip in default_storage."""
    job = services.export_job_run(job_id)
    return job.status
