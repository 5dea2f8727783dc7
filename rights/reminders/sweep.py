"""One sweep, the entry point of the Celery task, `manage.py send_reminders` and `manage.py reminder_loop`: find and
record (rules, ledger), plan, deliver; a dry run is the same code on a transaction that is rolled back."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from config.runtime import without_cyclic_collection
from deadlines.counting import SHANGHAI
from jobs.locks import one_at_a_time
from policies.models import work_calendar

from ..models import ReminderSettings, ReminderSnooze
from ..presenters import PageCalendar
from ..querysets import today_in_shanghai
from ..services import snooze_request
from .deliver import (
    SweepResult,
    build_digest_message,
    deliver_digests,
    in_send_window,
    next_send_time,
)
from .ledger import record_due_reminders, refresh_ledger_statistics
from .plan import plan_deliveries
from .rules import active_snoozes
from .statistics import analyze_stale_tables, without_jit

logger = logging.getLogger(__name__)


class _DryRun(Exception):
    pass


class SweepRunning(Exception):
    """Another process is sweeping, so this sweep did nothing (two at once could split one recipient's digest)."""


@one_at_a_time("reminder-sweep", busy=SweepRunning, unless=lambda dry_run=False, **_: dry_run)
def sweep_reminders(
    *, now: datetime | None = None, dry_run: bool = False, settings: ReminderSettings | None = None
) -> SweepResult:
    """Find, record and (in the send window) mail every reminder that is due at `now`. Safe to run at any time,
    as often as you like, in as many processes as you like: the ledger lets each reminder out once."""
    with without_jit(), without_cyclic_collection():
        return _sweep(now=now or timezone.now(), dry_run=dry_run, settings=settings)


def _sweep(*, now: datetime, dry_run: bool, settings: ReminderSettings | None) -> SweepResult:
    config = settings or ReminderSettings.load()
    result = SweepResult(now=now, dry_run=dry_run, enabled=config.enabled)
    if not config.enabled:
        return result
    calendar = PageCalendar(work_calendar())  # one count of working days per last day, for every digest
    today = today_in_shanghai(now)
    result.sending = in_send_window(now, config, calendar)
    result.send_at = next_send_time(now, config, calendar)
    # Statistics first: the rules' plans depend on them (a table loaded a moment ago, never analyzed, made each rule
    # a nested loop over thousands of rows: rights/reminders/statistics.py).
    analyzed = analyze_stale_tables()
    if analyzed:
        logger.info("reminder sweep analyzed tables with stale statistics: %s", ", ".join(analyzed))
    snoozes = active_snoozes(today)
    rules = {"now": now, "config": config, "calendar": calendar, "snoozes": snoozes, "skipped": result.skipped}
    if dry_run:
        # What would be recorded, cancelled and sent.
        try:
            with transaction.atomic():
                recorded = record_due_reminders(**rules)
                result.recorded = recorded.count
                _log_skipped(result)
                plan = plan_deliveries(now=now, config=config, calendar=calendar, snoozes=snoozes, recorded=recorded)
                result.cancelled = plan.cancelled
                status = "would_send" if result.sending else "held"
                for digest in plan.digests:
                    result.note_digest(
                        digest, build_digest_message(digest, today=today, calendar=calendar).subject, status
                    )
                raise _DryRun
        except _DryRun:
            pass
        result.held = 0 if result.sending else sum(len(d.items) for d in plan.digests)
        return result

    # In the send window each reminder is written once, already sent, with its digest (rights.reminders.ledger);
    # outside it, written pending now for the sweep that sends.
    recorded = record_due_reminders(**rules, write=not result.sending)
    result.recorded = recorded.count
    _log_skipped(result)
    plan = plan_deliveries(now=now, config=config, calendar=calendar, snoozes=snoozes, recorded=recorded)
    result.cancelled = plan.cancelled
    if not result.sending:
        result.held = sum(len(d.items) for d in plan.digests)
        return result
    deliver_digests(plan.digests, now=now, result=result, calendar=calendar, unwritten=recorded.unwritten)
    refresh_ledger_statistics(len(recorded.unwritten))
    return result


def _log_skipped(result: SweepResult) -> None:
    for request_id, why in result.skipped:
        logger.error("reminder sweep skipped request #%s: %s", request_id, why)


def parse_moment(text: str) -> datetime:
    """`--now` and the task's `now`: ISO 8601, Asia/Shanghai when it has no offset; a bare date means that day
    at the send time (so `--now 2026-10-14` sends, like the first sweep after 09:00 would)."""
    text = text.strip()
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), ReminderSettings.load().send_time, tzinfo=SHANGHAI)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def snooze_reminders(
    *, request, until: date, reason: str = "", acting_user=None, now: datetime | None = None
) -> ReminderSnooze:
    """Stop the overdue repeats of a request up to and including `until`: the request's *snooze* event."""
    snooze_request(request=request, until=until, note=reason, acting_user=acting_user, now=now)
    # Unsent repeats of what is snoozed are cancelled by the next sweep (the plan checks snoozes).
    return ReminderSnooze.objects.filter(request=request).latest("id")
