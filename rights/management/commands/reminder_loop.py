"""`manage.py reminder_loop`: the reminder sweep every few minutes, for the embedded default without a broker.

`bin/up` starts it beside the dev server when REDIS_URL is unset (with Redis, Celery beat and a worker run the
same sweep). One line per sweep; Ctrl-C or SIGTERM stops it quietly.
"""
from __future__ import annotations

import os
import select
import signal
import time

from django.db import connections
from django.utils import timezone

from config.commands import Command as BaseCommand
from config.commands import count, seconds
from deadlines.counting import SHANGHAI
from jobs.runner import run_pending
from rights.reminders import sweep_reminders
from rights.reminders.sweep import SweepRunning


class _StopFlag:
    """Set by SIGTERM / SIGINT. A signal handler never raises (an exception raised there can land inside
    psycopg's or the mail library's cleanup and be swallowed): it only sets the flag, and the wakeup pipe ends
    the wait between sweeps at once. A sweep under way finishes first."""

    def __init__(self):
        self.stopped = False
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)

    def install(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._handle)
        signal.set_wakeup_fd(self._write)

    def _handle(self, signum, frame):
        self.stopped = True

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking early on a signal; True when the loop should stop."""
        deadline = time.monotonic() + seconds
        while not self.stopped:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([self._read], [], [], left)
            if ready:
                try:
                    os.read(self._read, 512)
                except BlockingIOError:
                    pass
        return self.stopped


class Command(BaseCommand):
    help = "Run the reminder sweep every few minutes until stopped (Ctrl-C)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=seconds, default=300, help="seconds between sweeps (default 300)")
        parser.add_argument("--iterations", type=count, default=0, help="stop after this many sweeps (0: never)")

    def handle(self, *args, interval, iterations, **options):
        # bin/up stops the loop with SIGTERM; a background job in a script does not get the terminal's SIGINT.
        flag = _StopFlag()
        flag.install()
        done = 0
        while not flag.stopped:
            self._sweep_once()
            done += 1
            if iterations and done >= iterations:
                break
            if flag.wait(interval):
                break
        if flag.stopped:
            self.stdout.write("reminder loop stopped")

    def _sweep_once(self):
        stamp = f"{timezone.now().astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}"
        try:
            # Durable side effects first (jobs/): a calendar change's clock recompute before the reminders it moves.
            jobs = run_pending()
            if jobs.done or jobs.failed:
                self.stdout.write(f"{stamp} jobs: {jobs.summary_line()}")
            for line in jobs.failed:
                self.stderr.write(f"{stamp} jobs: failed: {line}")
            result = sweep_reminders()
        except SweepRunning:
            self.stdout.write(f"{stamp} reminders: another sweep is running; skipped")
        except Exception as error:  # noqa: BLE001 - the loop keeps going; the next sweep catches up
            self.stderr.write(f"{stamp} reminders: sweep failed: {type(error).__name__}: {error}")
        else:
            self.stdout.write(f"{stamp} reminders: {result.summary_line()}")
            if result.failed:
                # Operators (and bin/up's log) see the outage; the failed deliveries are retried next time.
                self.stderr.write(f"{stamp} reminders: {result.failed} delivery(ies) failed")
        finally:
            # Do not hold the SQLite file (or a PostgreSQL connection) open while sleeping.
            connections.close_all()
        self.stdout.flush()
