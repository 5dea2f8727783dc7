"""The reminder sweep: what is due, recorded once in the ledger, mailed as one digest per recipient.

One call of `sweep_reminders` (the Celery task, `manage.py send_reminders` and `manage.py reminder_loop` all call
it) goes through one module per job:

- `sources`: the registry of clock sources. Each track registers what the sweep needs of its clocks (its due
  queries, its "still running" condition, its last-day columns, how a clock is named in a digest) in its
  AppConfig.ready(): rights the request's clocks (`request_clocks`), complaints its complaint clocks. rights never
  imports complaints: the sweep loops over the registry.
- `rules`: the due queries (due soon, overdue with its repeat number, past the statutory limit, escalation);
- `ledger`: INSERT INTO the ledger SELECT the due rows, ON CONFLICT DO NOTHING; ANALYZE; claiming rows;
- `plan`: unsent rows still due, grouped by recipient; the others cancelled;
- `digest`: what a digest says, in the list's words; `deliver`: quiet hours, MIME, SMTP, the sweep's outcome;
- `sweep`: the sweep itself (and its dry run), `--now` parsing, snoozing.

Repeats. An overdue clock's repeat number is (days overdue - 1) // K: the first reminder the day after the last
day, then one every K days. It is computed from the last day and today, not counted from earlier mails, so a
sweep after an outage records only the current repeat (no burst of old ones) and an unsent older repeat is
cancelled as superseded.
"""
from .deliver import SweepResult
from .digest import DIGEST_ENTRIES, DigestItem, one_line, shown_items
from .rules import overdue_repeat
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
    "clock_sources", "one_line", "overdue_repeat", "parse_moment", "register_clock_source", "shown_items",
    "snooze_reminders", "sweep_reminders",
]  # fmt: skip
