"""Celery tasks of the catalog: thin interfaces over policies.importer.jobs."""
from __future__ import annotations

from celery import shared_task

from .importer.jobs import run_import


@shared_task(
    name="policies.tasks.run_policy_import",
    acks_late=True,  # a worker that dies mid-import leaves the task queued; run_import runs a job only once
    reject_on_worker_lost=True,
    ignore_result=True,
)
def run_policy_import(job_id: int) -> None:
    """Run the policy import queued as PolicyImport #job_id (its row records the outcome)."""
    run_import(job_id=job_id)
