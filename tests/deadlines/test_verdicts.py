"""A completed clock has two verdicts: on the promise and on the statute. A pause moves the promised last day
(the requester's days do not count against the app) but never the statutory one, so a clock can keep its paused
promise and still breach the statute: its one status says statutory_breach, and the verdicts say why."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from deadlines.status import ClockStatus, clock_status, kept_promise, within_statute
from rights.presenters import deadline_status

SHANGHAI = ZoneInfo("Asia/Shanghai")


def completed(*, met, deadline, statutory):
    return SimpleNamespace(
        met_at=met, stopped_at=None, stop_reason="", paused_since=None,
        deadline_at=deadline, statutory_deadline_at=statutory,
    )  # fmt: skip


def moment(day, hour=0):
    return datetime(2026, 10, day, hour, tzinfo=SHANGHAI)


def test_a_paused_promise_kept_after_the_statutory_limit_is_kept_on_the_promise_and_breached_on_the_statute():
    clock = completed(met=moment(20, 10), deadline=moment(22), statutory=moment(19))
    assert clock_status(clock, now=None, calendar=None, due_soon_working_days=0) == ClockStatus.STATUTORY_BREACH
    assert kept_promise(clock) is True
    assert within_statute(clock) is False


def test_a_late_completion_within_the_statute_misses_the_promise_only():
    clock = completed(met=moment(20, 10), deadline=moment(14), statutory=moment(30))
    assert clock_status(clock, now=None, calendar=None, due_soon_working_days=0) == ClockStatus.MISSED
    assert (kept_promise(clock), within_statute(clock)) == (False, True)


def test_nothing_kept_has_no_verdict_and_no_statute_means_no_statutory_verdict():
    running = completed(met=None, deadline=moment(14), statutory=moment(30))
    assert (kept_promise(running), within_statute(running)) == (None, None)
    no_statute = completed(met=moment(10), deadline=moment(14), statutory=None)
    assert (kept_promise(no_statute), within_statute(no_statute)) == (True, None)


def test_the_page_says_both_verdicts(settings):
    settings.LANGUAGE_CODE = "en"
    clock = completed(met=moment(20, 10), deadline=moment(22), statutory=moment(19))
    text = str(deadline_status(clock, now=moment(25), calendar=None, due_soon_working_days=0).text)
    assert text == "kept on 2026-10-20 · statutory limit passed"
