"""How a clock reads on the list: the words of rights.status's one definition."""
from datetime import date

import pytest

from deadlines.counting import end_of_day
from deadlines.workdays import WorkCalendar
from rights.models import Clock
from rights.presenters import Tone, deadline_status
from tests.factories import shanghai

pytestmark = pytest.mark.usefixtures("english")


def running_clock(*, last_day: date, statutory: date | None, **extra) -> Clock:
    return Clock(
        action="reply", unit="working_day", amount_min=20, amount_max=20, due=last_day, final_due=last_day,
        deadline=last_day, deadline_at=end_of_day(last_day), statutory_due=statutory,
        statutory_deadline_at=end_of_day(statutory) if statutory else None, **extra,
    )  # fmt: skip


def status_at(clock, *args):
    return deadline_status(clock, now=shanghai(*args), calendar=WorkCalendar(), due_soon_working_days=2)


def test_a_promise_longer_than_the_statute_shows_the_breach_before_its_own_last_day():
    # 20 working days across National Day outrun GB/T 35273's 30 days: within the promise, past the law.
    clock = running_clock(last_day=date(2026, 10, 30), statutory=date(2026, 10, 26))
    status = status_at(clock, 2026, 10, 27, 10)
    assert (status.tone, status.breach, status.days_left, status.overdue) == (Tone.BREACH, True, 3, False)
    assert "3 working days left" in status.text and "statutory limit passed" in status.text


def test_the_same_clock_is_on_track_before_the_statutory_last_day():
    clock = running_clock(last_day=date(2026, 10, 30), statutory=date(2026, 10, 26))
    status = status_at(clock, 2026, 10, 20, 10)
    assert (status.tone, status.breach) == (Tone.ON_TRACK, False)


def test_the_last_day_runs_to_midnight_and_the_next_morning_is_overdue():
    clock = running_clock(last_day=date(2026, 10, 13), statutory=date(2026, 10, 23))
    assert status_at(clock, 2026, 10, 13, 23, 59).tone == Tone.DUE_SOON
    late = status_at(clock, 2026, 10, 14, 0, 0)
    assert (late.tone, late.overdue, late.text) == (Tone.OVERDUE, True, "overdue by 1 working day")


def test_a_paused_clock_shows_neither_overdue_nor_breach():
    clock = running_clock(last_day=date(2026, 10, 13), statutory=date(2026, 10, 23), paused_since=shanghai(2026, 10, 9, 10))
    status = status_at(clock, 2026, 11, 2, 10)
    assert (status.tone, status.breach, status.overdue) == (Tone.IDLE, False, False)
    assert "paused since 2026-10-09" in status.text


def test_a_refused_clock_is_refused_never_kept():
    clock = running_clock(last_day=date(2026, 10, 13), statutory=None, stopped_at=shanghai(2026, 10, 9, 10), stop_reason="refused")
    status = status_at(clock, 2026, 11, 2, 10)
    assert (status.status, status.tone) == ("refused", Tone.REFUSED)
