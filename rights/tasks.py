"""Celery tasks: thin interfaces over the services (the beat schedule is in config/settings/base.py)."""
from __future__ import annotations

import logging

from celery import shared_task
from django.db import DatabaseError

from .reminders import parse_moment, sweep_reminders

logger = logging.getLogger(__name__)


@shared_task(
    name="rights.tasks.send_reminders",
    acks_late=True,  # a worker that dies mid-sweep leaves the message on the queue; the ledger makes a rerun safe
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError,),  # mail failures are recorded in the ledger, not raised
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
    ignore_result=True,
)
def send_reminders(now: str | None = None) -> dict:
    """Run one reminder sweep; `now` (ISO 8601) simulates the clock, as `send_reminders --now` does."""
    result = sweep_reminders(now=parse_moment(now) if now else None)
    logger.info("reminder sweep: %s", result.summary_line())
    return result.as_dict()
