"""Nothing lost when the broker is down: a calendar change writes its clock recompute as a job row in the same
transaction; with Redis unreachable the job waits (and every desk page says so) until `jobs run` applies it."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from config.celery_app import app as celery_app
from jobs.models import Job
from jobs.registry import CLOCK_RECOMPUTE
from jobs.runner import run_pending
from policies.services import set_calendar_day
from rights.models import Clock
from tests.factories import file, shanghai

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """A broker URL on a port nothing listens on: queuing a task fails, as it does when Redis is down."""
    settings.RIGHTSDESK_TASKS_IN_PROCESS = False
    old_url, old_retry = celery_app.conf.broker_url, celery_app.conf.task_publish_retry
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app.conf.task_publish_retry = False  # fail at once rather than after the retry policy
    _forget_connections()
    yield
    celery_app.conf.broker_url, celery_app.conf.task_publish_retry = old_url, old_retry
    _forget_connections()


def _forget_connections():
    """The app keeps its broker connections and producers in pools: drop them so the URL in effect is used."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def final_due(request):
    return Clock.objects.get(request=request).final_due


def test_a_calendar_change_saved_while_redis_is_down_is_applied_by_jobs_run(
    catalog, redis_down, admin_client, django_capture_on_commit_callbacks
):
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 12, 28, 10), now=shanghai(2026, 12, 28, 11))
    assert final_due(request) == date(2027, 1, 7)
    with django_capture_on_commit_callbacks(execute=True):
        set_calendar_day(day=date(2027, 1, 4), working=False, name="元旦调休")

    (job,) = Job.objects.pending()
    assert job.kind == CLOCK_RECOMPUTE and job.payload == {"days": ["2027-01-04"], "provisional": False}
    assert final_due(request) == date(2027, 1, 7)  # not recomputed yet
    page = admin_client.get("/admin/rights/rightsrequest/")
    assert b'data-pending="clock-recompute"' in page.content

    call_command("jobs", "run")

    assert final_due(request) == date(2027, 1, 8)
    job.refresh_from_db()
    assert job.done_at is not None and job.attempts == 1
    assert b'data-pending="clock-recompute"' not in admin_client.get("/admin/rights/rightsrequest/").content


def test_without_a_broker_the_recompute_runs_after_the_commit(catalog, django_capture_on_commit_callbacks):
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 12, 28, 10), now=shanghai(2026, 12, 28, 11))
    with django_capture_on_commit_callbacks(execute=True):
        set_calendar_day(day=date(2027, 1, 4), working=False, name="元旦调休")
    assert final_due(request) == date(2027, 1, 8)
    assert not Job.objects.pending().exists()


def test_jobs_run_with_nothing_waiting_does_nothing_and_exits_0(capsys):
    call_command("jobs", "run")
    assert "0 job(s) done, 0 failed" in capsys.readouterr().out


def test_a_failing_job_stays_pending_with_its_error_and_is_retried_later(catalog):
    job = Job.objects.create(kind=CLOCK_RECOMPUTE, payload={"days": ["not a date"]})
    now = job.run_after
    result = run_pending(now=now)
    job.refresh_from_db()
    assert result.done == 0 and len(result.failed) == 1
    assert job.done_at is None and job.attempts == 1 and "ValueError" in job.last_error
    assert job.run_after == now + timedelta(seconds=30)
    assert run_pending(now=now).failed == []  # not due again within the same minute
    job.payload = {"days": ["2027-01-04"]}
    job.save()
    assert run_pending(now=now + timedelta(minutes=1)).done == 1
