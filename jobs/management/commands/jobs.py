"""`manage.py jobs run`: run every job that is due now and exit 0 (nothing waiting: nothing done, still 0).
A job that fails stays pending with its error and is retried later; the count of failures goes to stderr."""

from __future__ import annotations

from config.commands import Command as BaseCommand
from jobs.runner import run_pending


class Command(BaseCommand):
    help = "Run the pending background jobs (the clock recompute after a calendar change) and exit."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("run", help="run what is due now")

    def handle(self, *args, action, **options):
        result = run_pending()
        self.stdout.write(result.summary_line())
        for line in result.failed:
            self.stderr.write(f"job failed: {line}")
