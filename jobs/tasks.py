"""The worker's and beat's way into the job table (beat runs it every minute: config/settings/base.py)."""

from __future__ import annotations

import logging

from celery import shared_task

from .runner import run_pending

logger = logging.getLogger(__name__)


@shared_task(name="jobs.tasks.run_jobs", ignore_result=True)
def run_jobs() -> int:
    result = run_pending()
    if result.done or result.failed:
        logger.info("jobs: %s", result.summary_line())
    return result.done
