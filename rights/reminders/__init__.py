"""The reminder sweep: what is due, recorded once in the ledger, mailed as one digest per recipient.

One call of `sweep_reminders` (the Celery task, `manage.py send_reminders` and `manage.py reminder_loop` all call
it) goes through one module per job:

- `sources`: the registry of clock sources. Each track registers what the sweep needs of its clocks (its due
  queries, its "still running" condition, its last-day columns, how a clock is named in a digest) in its
  AppConfig.ready(): rights the request's clocks (`request_clocks`), complaints its complaint clocks. rights never
  imports complaints: the sweep loops over the registry.
- `statistics`: PostgreSQL: ANALYZE of the tables the sweep reads whose statistics are stale, before recording;
- `rules`: the due queries (due soon, overdue with its repeat number, past the statutory limit, escalation);
- `ledger`: INSERT INTO the ledger SELECT the due rows, ON CONFLICT DO NOTHING; ANALYZE; claiming rows;
- `plan`: unsent rows still due, grouped by recipient; the others cancelled;
- `digest`: what a digest says, in the list's words; `deliver`: quiet hours, MIME, SMTP, the sweep's outcome;
- `sweep`: the sweep itself (and its dry run), `--now` parsing, snoozing.

Repeats. An overdue clock is reminded the day after its last day, then again once K working days
(ReminderSettings.repeat_every_days) have passed since the last reminder about it went out, and only when nothing
about it is waiting to go out (held before the send time, or failed and retried as it is). The repeat number counts
the reminders the ledger holds about the clock and its last day, so the first mail is the first, whatever the
gap: a sweep after an outage records one reminder per clock and rule, and its digest says how long the clock has
been overdue.
"""
from .deliver import SweepResult
from .digest import DIGEST_ENTRIES, DigestItem, one_line, shown_items
from .sources import (
    REQUEST,
    ClockDetails,
    ClockSource,
    clock_source,
    clock_sources,
    register_clock_source,
)
from .sweep import parse_moment, snooze_reminders, sweep_reminders

__all__ = [
    "DIGEST_ENTRIES", "REQUEST", "ClockDetails", "ClockSource", "DigestItem", "SweepResult", "clock_source",
    "clock_sources", "one_line", "parse_moment", "register_clock_source", "shown_items",
    "snooze_reminders", "sweep_reminders",
]  # fmt: skip
