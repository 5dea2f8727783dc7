"""`manage.py send_reminders [--now ISO-DATETIME] [--dry-run] [--json]`: one reminder sweep, the same code the
Celery task and the reminder loop run."""
from __future__ import annotations

import json
from datetime import datetime

from django.core.management.base import CommandError

from config.commands import Command as BaseCommand
from config.commands import UsageError
from deadlines.counting import SHANGHAI
from deadlines.workdays import OutsideCalendar, check_supported_day
from policies.models import CalendarYear
from rights.querysets import today_in_shanghai
from rights.reminders import parse_moment, sweep_reminders
from rights.reminders.sweep import SweepRunning

# Exit status of a sweep in which any delivery failed, so cron and monitoring see a mail outage.
DELIVERY_FAILED = 3

NOW_EXAMPLE = "e.g. 2026-10-14T09:30 or 2026-10-14"


def parse_now(text: str) -> datetime:
    """--now as typed: refused when empty, unparsable, or on a day outside the working-day calendar's years
    (a year typo such as 0001 or 9999 would otherwise overflow the reminder arithmetic)."""
    if not text.strip():
        raise UsageError(f"--now: empty; give an ISO date or date-time ({NOW_EXAMPLE})")
    try:
        moment = parse_moment(text)
    except ValueError:
        raise UsageError(f"--now: not an ISO date or date-time: {text!r} ({NOW_EXAMPLE})") from None
    supported = {"this_year": today_in_shanghai().year, "entered_years": CalendarYear.objects.values_list("year", flat=True)}
    try:
        # The day as written first: converting a moment in year 1 or 9999 to Shanghai time can overflow.
        check_supported_day(moment.date(), **supported)
        check_supported_day(moment.astimezone(SHANGHAI).date(), **supported)
    except (OutsideCalendar, OverflowError) as error:
        raise UsageError(f"--now: {error}") from None
    return moment


class Command(BaseCommand):
    help = (
        "Run one reminder sweep: record the reminders that are due and, on working days from the send time on, "
        "mail one digest per recipient. Safe to run at any time and as often as you like."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="simulate the clock: ISO date-time (Asia/Shanghai unless it has an offset), "
            "or a date (= that day at the send time)",
        )
        parser.add_argument("--dry-run", action="store_true", help="print what would be sent; change nothing")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help='print {"sent", "failed", "reminders": [...]}'
        )

    def handle(self, *args, **options):
        now = parse_now(options["now"]) if options["now"] is not None else None
        try:
            result = sweep_reminders(now=now, dry_run=options["dry_run"])
        except SweepRunning:
            self.stdout.write("another reminder sweep is running; this one did nothing")
            return
        if options["as_json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._print(result)
        if result.failed:
            raise CommandError(f"{result.failed} reminder delivery(ies) failed; they are retried by the next sweep", returncode=DELIVERY_FAILED)

    def _print(self, result):
        for digest in result.digests:
            self.stdout.write(f"{digest['status']}: {digest['to']} — {digest['subject']}")
        for reminder in result.reminders:
            repeat = f" repeat {reminder.repeat}" if reminder.repeat else ""
            self.stdout.write(
                f"  #{reminder.request} {reminder.kind} {reminder.due:%Y-%m-%d}{repeat} → {reminder.recipient} ({reminder.status})"
            )
        self.stdout.write(result.summary_line())
