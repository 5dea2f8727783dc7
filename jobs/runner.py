"""Running pending jobs: one at a time, each under a row lock that other runners skip
(select_for_update(skip_locked=True) on PostgreSQL; SQLite has one writer at a time anyway), each in its own
transaction, so a job that fails rolls back alone and is tried again later."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import Job
from .periodic import schedule_periodic
from .registry import handler

logger = logging.getLogger(__name__)

# After a failure, wait 30 s, then twice as long each time, at most an hour: a job is retried until it succeeds.
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


@dataclass
class RunResult:
    done: int = 0
    failed: list[str] = field(default_factory=list)  # "kind #id: error", one per failed attempt

    def summary_line(self) -> str:
        return f"{self.done} job(s) done, {len(self.failed)} failed"


def run_pending(*, now=None) -> RunResult:
    """Run every job due at `now` (default: the current moment); a failed job is rescheduled, not lost."""
    now = now or timezone.now()
    schedule_periodic(now=now)
    result = RunResult()
    while _run_one(now, result):
        pass
    return result


def _run_one(now, result: RunResult) -> bool:
    """Run the oldest due job; False when none is due."""
    with transaction.atomic():
        job = Job.objects.select_for_update(skip_locked=True).due(now=now).order_by("id").first()
        if job is None:
            return False
        try:
            with transaction.atomic():  # a savepoint: the job's writes roll back alone
                handler(job.kind)(**job.payload)
        except Exception as error:  # noqa: BLE001 - any failure is recorded on the row and retried later
            job.attempts += 1
            job.last_error = f"{type(error).__name__}: {error}"[:2000]
            job.run_after = now + retry_delay(job.attempts)
            job.save(update_fields=["attempts", "last_error", "run_after"])
            result.failed.append(f"{job}: {job.last_error}")
            logger.warning(
                "job %s failed (attempt %d), retried after %s: %s", job, job.attempts, job.run_after, job.last_error
            )
        else:
            job.attempts += 1
            job.done_at = now
            job.save(update_fields=["attempts", "done_at"])
            result.done += 1
        return True
