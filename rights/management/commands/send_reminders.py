"""`manage.py send_reminders [--now ISO-DATETIME] [--dry-run] [--json]`: one reminder sweep, the same code the
Celery task and the reminder loop run."""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from rights.reminders import parse_moment, sweep_reminders


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
        now = None
        if options["now"]:
            try:
                now = parse_moment(options["now"])
            except ValueError as error:
                raise CommandError(f"--now: not an ISO date or date-time: {options['now']!r} (e.g. 2026-10-14T09:30)") from error
        result = sweep_reminders(now=now, dry_run=options["dry_run"])
        if options["as_json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        for digest in result.digests:
            self.stdout.write(f"{digest['status']}: {digest['to']} — {digest['subject']}")
        for reminder in result.reminders:
            repeat = f" repeat {reminder.repeat}" if reminder.repeat else ""
            self.stdout.write(
                f"  #{reminder.request} {reminder.kind} {reminder.due:%Y-%m-%d}{repeat} → {reminder.recipient} ({reminder.status})"
            )
        self.stdout.write(result.summary_line())
