"""Celery task: a thin interface over the watch's service (the beat entry is in config/settings/base.py)."""
from __future__ import annotations

import logging
from collections import Counter

from celery import shared_task
from django.db import DatabaseError

from .runner import run_watch

logger = logging.getLogger(__name__)


@shared_task(
    name="watch.tasks.run_policy_watch",
    acks_late=True,  # leases free the sources of a worker that dies; a rerun takes them again
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    max_retries=3,
    ignore_result=True,
)
def run_policy_watch() -> dict:
    """Check the sources that are due. A source that fails is a result, not an error of the task."""
    counts = Counter(r.status for r in run_watch())
    logger.info("policy watch: %s", dict(counts))
    return dict(counts)
