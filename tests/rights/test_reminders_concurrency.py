"""Two sweeps started at the same moment on PostgreSQL (row locks, SKIP LOCKED, the ledger's unique key) send
each reminder once."""
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection

from rights.models import Reminder, ReminderStatus
from rights.reminders import sweep_reminders
from rights.reminders.sweep import SweepRunning
from tests.factories import UserFactory, file, shanghai

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def sweep_twice_at_once(now):
    """Two sweeps started together: one at a time runs (the other finds the lock held and says so), and whatever
    ran sent each reminder once."""
    barrier = threading.Barrier(2)
    results, errors, busy = [], [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(sweep_reminders(now=now))
        except SweepRunning as refused:
            busy.append(refused)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(results) + len(busy) == 2 and results
    return results


def test_two_concurrent_sweeps_send_each_reminder_once(catalog):
    clerks = [UserFactory(username=f"clerk{n}", email=f"clerk{n}@example.com") for n in range(3)]
    for n in range(24):
        # last days 2026-11-19 (filed 11-10) and 2026-11-25 (filed 11-16); a quarter nobody is assigned to
        filed = shanghai(2026, 11, 10, 10) if n % 2 else shanghai(2026, 11, 16, 10)
        file(catalog["卢米埃影城"], at=filed, requester=f"请求人{n}", assignee=clerks[n % 3] if n % 4 else None)

    # the due-soon day of one half, then the overdue day, then a repeat with an escalation
    for now in (shanghai(2026, 11, 18, 9, 30), shanghai(2026, 11, 20, 9, 30), shanghai(2026, 11, 24, 9, 30)):
        results = sweep_twice_at_once(now)
        # Between them the two sweeps sent everything that was due, and nothing twice.
        assert not Reminder.objects.exclude(status__in=[ReminderStatus.SENT, ReminderStatus.CANCELLED]).exists()
        sent_by_sweeps = Counter((r.request, r.kind, r.due, r.repeat) for result in results for r in result.reminders)
        assert sent_by_sweeps and max(sent_by_sweeps.values()) == 1

    mailed = Counter(
        int(reminder_id)
        for message in mail.outbox
        for reminder_id in message.extra_headers["X-RightsDesk-Reminders"].split(",")
    )
    sent = Reminder.objects.filter(status=ReminderStatus.SENT)
    assert set(mailed) == set(sent.values_list("pk", flat=True))
    assert max(mailed.values()) == 1
    assert set(sent.values_list("attempts", flat=True)) == {1}
    # due soon: one half on 11-18, the other on 11-24; escalation: the first half, 3 working days overdue on 11-24
    assert sent.filter(kind="due_soon").count() == 24 and sent.filter(kind="escalate").count() == 12


def ledger_row_estimate() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'rights_reminder'::regclass")
        return cursor.fetchone()[0]


def test_a_sweep_that_grows_the_ledger_by_a_tenth_refreshes_its_statistics(catalog, monkeypatch):
    # Until the ledger is analyzed the planner takes it for empty, and the next sweep's NOT EXISTS rules run as nested
    # loops over it (a repeat sweep at a million requests: 10-35 s instead of 0.2 s; bench/README.md).
    from rights.reminders import ledger

    monkeypatch.setattr(ledger, "ANALYZE_AFTER_ROWS", 2)  # a test holds a few rows, not thousands
    for n in range(3):
        file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), requester=f"请求人{n}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE rights_reminder")  # the planner's belief before the sweep: an empty ledger
    assert ledger_row_estimate() == 0

    result = sweep_reminders(now=shanghai(2026, 11, 20, 9, 30))
    assert result.recorded == 3
    assert ledger_row_estimate() == 3

    # Rows fewer than a tenth of what the ledger holds are left to autovacuum; a tenth or more are analyzed at once.
    def add_rows(repeats):
        Reminder.objects.bulk_create([
            Reminder(request=r.request, clock=r.clock, kind=r.kind, due=r.due, repeat=repeat)
            for r in Reminder.objects.filter(repeat=0) for repeat in repeats
        ])  # fmt: skip

    add_rows(range(1, 21))
    ledger.refresh_ledger_statistics(60)
    assert ledger_row_estimate() == 63
    add_rows([21])
    ledger.refresh_ledger_statistics(3)
    assert ledger_row_estimate() == 63  # 3 < 6.3
    ledger.refresh_ledger_statistics(7)
    assert ledger_row_estimate() == 66
