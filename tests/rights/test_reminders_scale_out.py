"""Horizontal scale: several Celery workers on separate hosts share PostgreSQL. Four sweeps in four separate
processes, released at the same moment: one sweep runs at a time (a PostgreSQL advisory lock, issue 23: two sweeps
at once could split one recipient's digest into two mails), the others say the sweep is running and exit cleanly,
and every reminder is recorded once and mailed once."""
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from rights.models import Reminder, ReminderStatus
from tests.factories import UserFactory, file, shanghai

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4
# Each process sets Django up, waits for the start file, runs one sweep and prints its result as JSON. Each
# digest takes 50 ms to hand over, as to an SMTP server across a network: with the locmem backend's instant
# delivery the first process released could send all 40 digests before a second one had been given a CPU (two
# cores, four processes), and "the work is split" would measure the scheduler, not the locks.
SWEEP = """
import json, os, sys, time
import django
django.setup()
from django.core.mail.backends import locmem
from rights.reminders import parse_moment, sweep_reminders
from rights.reminders.sweep import SweepRunning
deliver = locmem.EmailBackend.send_messages
def send_messages(self, messages):
    time.sleep(0.05)
    return deliver(self, messages)
locmem.EmailBackend.send_messages = send_messages
start, now = sys.argv[1], parse_moment(sys.argv[2])
give_up = time.monotonic() + 60
while not os.path.exists(start):
    if time.monotonic() > give_up:
        sys.exit("the start file never appeared")
    time.sleep(0.002)
try:
    print(json.dumps(sweep_reminders(now=now).as_dict()))
except SweepRunning:
    print(json.dumps({"busy": True, "reminders": []}))
"""


def database_url() -> str:
    settings = connection.settings_dict
    return "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**{k: settings[k] or "" for k in ("USER", "HOST", "PORT", "NAME")})


def test_four_sweeps_in_four_processes_run_one_at_a_time_and_send_each_reminder_once(catalog, tmp_path):
    clerks = [UserFactory(username=f"clerk{n}", email=f"clerk{n}@example.com") for n in range(40)]
    for n in range(80):
        # filed 2026-11-10: the 7 working days end 2026-11-19, so on 11-20 every one is overdue
        file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), requester=f"请求人{n}", assignee=clerks[n % 40] if n % 9 else None)
    connection.close()  # the sweeps get the database to themselves

    start = tmp_path / "start"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url()}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SWEEP, str(start), "2026-11-20T09:30:00+08:00"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        for _ in range(PROCESSES)
    ]
    time.sleep(3)  # let every process import Django and connect before they are released together
    start.touch()
    results = []
    for process in processes:
        try:
            out, err = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            for other in processes:
                other.kill()
            pytest.fail("a sweep did not finish within 120 s")
        assert process.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))

    sent_by = [Counter((r["request"], r["kind"], r["due"], r["repeat"]) for r in result["reminders"] if r["status"] == "sent") for result in results]
    everything = sum(sent_by, Counter())
    # Every reminder mailed once: no key sent by two processes, and what they sent is exactly the ledger's sent rows.
    assert everything and max(everything.values()) == 1
    ledger = Counter(Reminder.objects.values_list("request_id", "kind", "due", "repeat"))
    assert max(ledger.values()) == 1  # recorded once
    sent_rows = {
        (request_id, kind, due.isoformat(), repeat)
        for request_id, kind, due, repeat in Reminder.objects.filter(status=ReminderStatus.SENT).values_list(
            "request_id", "kind", "due", "repeat"
        )
    }
    assert set(everything) == sent_rows
    assert not Reminder.objects.filter(status__in=[ReminderStatus.PENDING, ReminderStatus.FAILED]).exists()
    # One sweep at a time: at least one ran; any that found the lock held said so, and none sent anything then.
    ran = [result for result in results if not result.get("busy")]
    assert ran and all(not result["reminders"] for result in results if result.get("busy"))
