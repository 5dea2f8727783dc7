"""A real Celery worker (Redis broker) runs `rights.tasks.send_reminders`; a redelivered or doubled task is
harmless because the sweep is idempotent."""
import threading
import time

import pytest
from celery.signals import task_postrun
from django.core import mail

from config.celery_app import app
from rights import tasks
from rights.models import Reminder, ReminderStatus
from tests.factories import UserFactory, file, shanghai

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_the_task_is_acknowledged_late_and_retries_database_errors():
    task = tasks.send_reminders
    assert task.name == "rights.tasks.send_reminders"
    assert task.acks_late is True and task.reject_on_worker_lost is True
    assert task.max_retries and task.autoretry_for
    assert app.conf.beat_schedule["send-reminders"]["task"] == task.name


def test_a_real_worker_runs_the_sweep_and_a_second_delivery_of_the_task_sends_nothing_twice(catalog):
    from celery.contrib.testing.worker import start_worker

    assert app.conf.broker_url.startswith("redis://")
    clerk = UserFactory(username="wang", email="wang@example.com")
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), assignee=clerk)  # last day 2026-11-19

    finished = threading.Semaphore(0)

    def count(sender=None, **kwargs):
        if getattr(sender, "name", None) == tasks.send_reminders.name:
            finished.release()

    task_postrun.connect(count, weak=False)
    app.control.purge()  # nothing left over from an earlier run in the test Redis database
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10):
            tasks.send_reminders.delay(now="2026-11-20T09:30")
            tasks.send_reminders.delay(now="2026-11-20T09:30")  # e.g. redelivered after a lost acknowledgement
            deadline = time.monotonic() + 30
            for _ in range(2):
                assert finished.acquire(timeout=max(deadline - time.monotonic(), 0.1)), "the worker did not run the task"
    finally:
        task_postrun.disconnect(count)

    reminder = Reminder.objects.get()
    assert (reminder.request_id, reminder.kind, reminder.status) == (request.pk, "overdue", ReminderStatus.SENT)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wang@example.com"]
