"""Celery tasks: thin interfaces over the services (the beat schedule is in config/settings/base.py)."""
from __future__ import annotations

import logging

from celery import shared_task
from django.db import DatabaseError

from .reminders import parse_moment, sweep_reminders
from .reminders.sweep import SweepRunning

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
    try:
        result = sweep_reminders(now=parse_moment(now) if now else None)
    except SweepRunning:
        logger.info("reminder sweep skipped: another sweep is running")
        return {}
    if result.failed:
        logger.error("reminder sweep: %d delivery(ies) failed: %s", result.failed, result.summary_line())
    else:
        logger.info("reminder sweep: %s", result.summary_line())
    return result.as_dict()


def recompute_clocks(days: list[str] | None = None, provisional: bool = False) -> int:
    """The job behind a calendar correction (jobs.registry.CLOCK_RECOMPUTE, registered in RightsConfig.ready):
    replay, in every track (deadlines.registry: requests, complaints), the clocks the corrected days can move (and,
    for a year entered or removed, every provisional one); returns how many requests and complaints changed."""
    from datetime import date

    from deadlines.registry import recompute_after_calendar_change
    from policies.models import work_calendar

    changed = recompute_after_calendar_change(
        [date.fromisoformat(day) for day in days or []], year_published=provisional, calendar=work_calendar()
    )
    logger.info("clocks recomputed after a calendar change: %s", ", ".join(f"{n} {name}(s)" for name, n in changed.items()))
    return sum(changed.values())


def run_task(task, **kwargs):
    """Queue the task for a worker when there is a broker; without one (the embedded default, the tests), run it
    here and now, in this process, after the caller's commit."""
    from django.conf import settings

    if settings.RIGHTSDESK_TASKS_IN_PROCESS:
        return task.apply(kwargs=kwargs).get()
    return task.delay(**kwargs)
