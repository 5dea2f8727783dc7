"""Failures an operator can see: a sweep with a failed delivery exits 3 with the count; a second sweep while one
runs says so, does nothing and exits 0."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from jobs.locks import exclusive, lock_key
from rights.models import Reminder, ReminderStatus
from tests.factories import UserFactory, file, shanghai
from tests.rights.test_reminders_smtp import port, smtp_backend  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

FILED = shanghai(2026, 11, 10, 10)  # 卢米埃影城 cancellation, last day 2026-11-19
MORNING = "2026-11-20T09:30"


def test_a_sweep_with_a_failed_delivery_exits_3_and_prints_the_count(catalog, smtp_backend):  # noqa: F811
    file(catalog["卢米埃影城"], at=FILED, assignee=UserFactory(username="wang", email="wang@example.com"))
    with pytest.raises(CommandError) as raised:
        call_command("send_reminders", "--now", MORNING)  # nothing listens on the SMTP port
    assert raised.value.returncode == 3
    assert str(raised.value).startswith("1 reminder delivery(ies) failed")
    assert Reminder.objects.get().status == ReminderStatus.FAILED


@pytest.fixture
def another_sweep_running():
    """The sweep's lock held by another holder: a second PostgreSQL session (a session's own advisory locks are
    re-entrant), or the lock file opened a second time on SQLite."""
    if connection.vendor != "postgresql":
        with exclusive("reminder-sweep") as held:
            assert held
            yield
        return
    import psycopg

    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname=settings["NAME"]
    )
    other.execute("SELECT pg_advisory_lock(%s)", [lock_key("reminder-sweep")])
    yield
    other.close()


def test_a_second_sweep_says_so_and_sends_nothing(catalog, another_sweep_running, capsys):
    file(catalog["卢米埃影城"], at=FILED, assignee=UserFactory(username="wang", email="wang@example.com"))
    call_command("send_reminders", "--now", MORNING)  # returns: exit 0
    assert "another reminder sweep is running" in capsys.readouterr().out
    assert not Reminder.objects.exists()


def test_the_lock_is_released_after_a_sweep(catalog):
    call_command("send_reminders", "--now", MORNING)
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(_held_elsewhere()))
    worker.start()
    worker.join()
    assert outcome == [True]


def _held_elsewhere() -> bool:
    try:
        with exclusive("reminder-sweep") as held:
            return held
    finally:
        connection.close()
