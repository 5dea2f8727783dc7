"""`manage.py reminder_loop`: the reminder sweep every few minutes, for the embedded default without a broker.

`bin/up` starts it beside the dev server when REDIS_URL is unset (with Redis, Celery beat and a worker run the
same sweep). One line per sweep; Ctrl-C or SIGTERM stops it quietly.
"""
from __future__ import annotations

import signal
import time

from django.db import connections
from django.utils import timezone

from config.commands import Command as BaseCommand
from config.commands import count, seconds
from policies.deadlines import SHANGHAI
from rights.reminders import sweep_reminders


class _Stop(Exception):
    pass


def _stop(signum, frame):
    raise _Stop


class Command(BaseCommand):
    help = "Run the reminder sweep every few minutes until stopped (Ctrl-C)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=seconds, default=300, help="seconds between sweeps (default 300)")
        parser.add_argument("--iterations", type=count, default=0, help="stop after this many sweeps (0: never)")

    def handle(self, *args, interval, iterations, **options):
        # bin/up stops the loop with SIGTERM; a background job in a script does not get the terminal's SIGINT.
        signal.signal(signal.SIGTERM, _stop)
        done = 0
        try:
            while True:
                self._sweep_once()
                done += 1
                if iterations and done >= iterations:
                    break
                time.sleep(interval)
        except (KeyboardInterrupt, _Stop):
            self.stdout.write("reminder loop stopped")

    def _sweep_once(self):
        stamp = f"{timezone.now().astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}"
        try:
            result = sweep_reminders()
        except (KeyboardInterrupt, _Stop):
            raise
        except Exception as error:  # noqa: BLE001 - the loop keeps going; the next sweep catches up
            self.stderr.write(f"{stamp} reminders: sweep failed: {type(error).__name__}: {error}")
        else:
            self.stdout.write(f"{stamp} reminders: {result.summary_line()}")
        finally:
            # Do not hold the SQLite file (or a PostgreSQL connection) open while sleeping.
            connections.close_all()
        self.stdout.flush()
