"""A request's status as a whole, on top of the one clock status (deadlines.status): its projected columns'
conditions, the moment it first breaks the statute, its verdict for the dashboard, and the "due soon" setting.

Clock-level rules (running, overdue, due soon, kept, missed...) are not restated here: deadlines.status has them.
"""
from __future__ import annotations

from datetime import date, datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deadlines.status import ClockStatus, clock_status, is_finished, is_running, today_in_shanghai


def due_soon_working_days() -> int:
    """The one setting for "due soon", shared by the list, its filter and the reminders (passed to
    deadlines.status as `due_soon_working_days`)."""
    from .models import ReminderSettings

    return ReminderSettings.load().due_soon_working_days


# --- the same, for a whole request, on its projected columns (rights.clocks.request_projection) ---------------
#
# The clock projection writes, per request, the overdue moment of its nearest running clock (`next_due_at`, with
# its last day `next_due`) and the first moment one of its clocks was past the statutory limit (`breach_at`). A
# request is then overdue / past the statute exactly when one of its clocks is (the minimum is past `now` when
# any one is), and "due soon" / "due this week" means its nearest running deadline is: not passed yet, with a
# last day up to the horizon. Each is a range on indexed request columns (the list's order index for the first
# three), whatever the number of requests; `tests/rights/test_scale.py` checks them against the clocks.


def request_overdue_q(now: datetime) -> Q:
    """A running clock of the request is past its last day (overdue_q on any clock)."""
    return Q(next_due_at__lte=now)


def request_due_by_q(last_day: date, now: datetime) -> Q:
    """The request's nearest running deadline is not passed and falls on `last_day` or before (due_by_q on the
    nearest clock): a range of the list's order index, from today to `last_day`."""
    return Q(next_due_at__gt=now, next_due__gte=today_in_shanghai(now), next_due__lte=last_day)


def request_live_missed_q(now: datetime) -> Q:
    """What makes a request "missed" at `now` although nothing finished was missed: a running clock is past its
    last day or past the statutory one (request_verdict counts OVERDUE and STATUTORY_BREACH)."""
    return request_overdue_q(now) | request_breach_q(now)


def request_breach_q(now: datetime) -> Q:
    """A clock of the request is running past the statutory last day, or was kept only after it
    (statutory_breach_q on any clock)."""
    return Q(breach_at__lte=now)


def breach_moment(clocks) -> datetime | None:
    """When the first of `clocks` was (or will be, if still running) past the statutory limit: the earliest
    statutory last moment of a running clock or of a clock kept only after it (statutory_breach_q). Paused,
    stopped and timely kept clocks never breach (clock_status)."""
    moments = [
        clock.statutory_deadline_at
        for clock in clocks
        if clock.statutory_deadline_at is not None
        and (
            is_running(clock)
            or (clock.met_at is not None and clock.met_at >= clock.statutory_deadline_at)
        )
    ]
    return min(moments, default=None)


# --- a request's verdict, for the dashboard: what the app did about its promises ----------------------------


class Verdict(models.TextChoices):
    KEPT = "kept", _("kept")
    MISSED = "missed", _("missed")
    REFUSED = "refused", _("refused")


def request_verdict(statuses: list[str]) -> str | None:
    """Refused when the app refused; missed when any promise was missed or broke the statute; kept when every
    finished promise was kept; None while nothing is decided."""
    if ClockStatus.REFUSED in statuses:
        return Verdict.REFUSED
    if any(s in (ClockStatus.MISSED, ClockStatus.STATUTORY_BREACH, ClockStatus.OVERDUE) for s in statuses):
        return Verdict.MISSED
    if statuses and all(s in (ClockStatus.KEPT, ClockStatus.STOPPED) for s in statuses) and ClockStatus.KEPT in statuses:
        return Verdict.KEPT
    return None


def settled_verdict(clocks) -> str:
    """The part of a request's verdict its finished clocks already decide, whatever the time: request_verdict
    with every unfinished clock counted as still running ("" while nothing is decided, or something is owed).
    The clock projection stores it (RightsRequest.verdict) so the dashboard counts verdicts with one indexed
    GROUP BY; only "missed because a running clock is overdue now" is added at read time
    (request_live_missed_q)."""
    statuses = [
        ClockStatus.RUNNING
        if not is_finished(clock)
        # a finished clock's status does not depend on the moment or the calendar
        else clock_status(clock, now=None, calendar=None, due_soon_working_days=0)
        for clock in clocks
    ]
    return request_verdict(statuses) or ""
