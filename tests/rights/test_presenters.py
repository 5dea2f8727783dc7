"""How a clock reads on the list: the same rules as the queryset filters."""
from datetime import date

from policies.workdays import WorkCalendar
from rights.models import Clock, State
from rights.presenters import Tone, deadline_status


def running_clock(**dates) -> Clock:
    return Clock(action="reply", unit="working_day", amount_min=20, amount_max=20, **dates)


def test_a_promise_longer_than_the_statute_shows_the_breach_before_its_own_last_day():
    # 20 working days across National Day outrun GB/T 35273's 30 days: within the promise, past the law.
    clock = running_clock(due=date(2026, 10, 30), final_due=date(2026, 10, 30), statutory_due=date(2026, 10, 26))
    status = deadline_status(clock, state=State.IN_PROGRESS, today=date(2026, 10, 27), calendar=WorkCalendar())
    assert (status.tone, status.breach, status.days_left) == (Tone.BREACH, True, 3)
    assert clock.breaches_statute(date(2026, 10, 27), state=State.IN_PROGRESS)


def test_the_same_clock_is_on_track_before_the_statutory_last_day():
    clock = running_clock(due=date(2026, 10, 30), final_due=date(2026, 10, 30), statutory_due=date(2026, 10, 26))
    status = deadline_status(clock, state=State.IN_PROGRESS, today=date(2026, 10, 20), calendar=WorkCalendar())
    assert (status.tone, status.breach) == (Tone.ON_TRACK, False)


def test_a_paused_request_shows_neither_overdue_nor_breach():
    clock = running_clock(due=date(2026, 10, 13), final_due=date(2026, 10, 13), statutory_due=date(2026, 10, 23))
    status = deadline_status(clock, state=State.ESCALATED, today=date(2026, 11, 2), calendar=WorkCalendar())
    assert (status.tone, status.breach) == (Tone.IDLE, False)
