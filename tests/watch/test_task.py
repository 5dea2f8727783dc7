"""The Celery task and its beat entry."""
import time_machine
from django.conf import settings

from watch.tasks import run_policy_watch

from .conftest import NOW, Answer, page


def test_beat_runs_the_watch_task_hourly():
    entry = settings.CELERY_BEAT_SCHEDULE["policy-watch"]
    assert entry["task"] == run_policy_watch.name == "watch.tasks.run_policy_watch"


def test_the_task_checks_the_due_sources_and_counts_their_results(watch_source, site):
    watch_source(answer=Answer(200, page()))
    watch_source("/gone", answer=Answer(404, b""))
    with time_machine.travel(NOW, tick=False):
        counts = run_policy_watch.apply().get()
    assert counts == {"unchanged": 1, "error": 1}
    assert len(site.hits) == 2
