"""The one definition of a clock's status, in Python (`clock_status`) and in SQL (the Q objects below).

Running, due soon, overdue, statutory breach, kept, missed, refused, stopped, paused: the request list, its
filters, the dashboard, the CSV export, the reminders and the command line all use these; nothing restates them.
The Python function and the SQL conditions are written side by side and a test checks that they agree on every
kind of clock.

Moments, not dates: a clock is overdue from `deadline_at` (24:00 of its last day in Asia/Shanghai, Civil Code
art. 203, or the exact moment of a promise in hours), so no SQL comparison depends on the database's time zone.
"""
from __future__ import annotations

from datetime import date, datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from policies.deadlines import SHANGHAI


class ClockStatus(models.TextChoices):
    RUNNING = "running", _("running")
    DUE_SOON = "due_soon", _("due soon")
    OVERDUE = "overdue", _("overdue")
    STATUTORY_BREACH = "statutory_breach", _("past the statutory limit")
    KEPT = "kept", _("kept")
    MISSED = "missed", _("missed")
    REFUSED = "refused", _("refused")
    STOPPED = "stopped", _("stopped")
    PAUSED = "paused", _("paused")


OPEN_STATUSES = (ClockStatus.RUNNING, ClockStatus.DUE_SOON, ClockStatus.OVERDUE, ClockStatus.PAUSED)


def today_in_shanghai(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()


def due_soon_working_days() -> int:
    """The one setting for "due soon", shared by the list, its filter and the reminders."""
    from .models import ReminderSettings

    return ReminderSettings.load().due_soon_working_days


def due_soon_horizon(today: date, working_days: int, calendar) -> date:
    """The last day still "due soon": `working_days` working days after today (today itself when 0)."""
    return calendar.nth_working_day_after(today, working_days)[0] if working_days > 0 else today


def clock_status(clock, *, now: datetime, calendar, due_soon_working_days: int) -> str:
    if clock.met_at is not None:
        if clock.statutory_deadline_at is not None and clock.met_at >= clock.statutory_deadline_at:
            return ClockStatus.STATUTORY_BREACH
        return ClockStatus.MISSED if clock.met_at >= clock.deadline_at else ClockStatus.KEPT
    if clock.stopped_at is not None:
        if clock.stop_reason == "refused":
            return ClockStatus.REFUSED  # a refusal is never a kept promise
        return ClockStatus.MISSED if clock.stopped_at >= clock.deadline_at else ClockStatus.STOPPED
    if clock.paused_since is not None:
        return ClockStatus.PAUSED
    if clock.statutory_deadline_at is not None and now >= clock.statutory_deadline_at:
        return ClockStatus.STATUTORY_BREACH
    if now >= clock.deadline_at:
        return ClockStatus.OVERDUE
    horizon = due_soon_horizon(today_in_shanghai(now), due_soon_working_days, calendar)
    return ClockStatus.DUE_SOON if clock.deadline <= horizon else ClockStatus.RUNNING


# --- the same, as SQL conditions on Clock (prefix "clocks__" to use them from RightsRequest) ----------------


def running_q(prefix: str = "") -> Q:
    """Neither kept nor stopped nor paused: the app owes it now."""
    return Q(**{f"{prefix}met_at__isnull": True, f"{prefix}stopped_at__isnull": True, f"{prefix}paused_since__isnull": True})


def overdue_q(now: datetime, prefix: str = "") -> Q:
    """Running past its last day (past the statutory one too: a breach is overdue as well)."""
    return running_q(prefix) & Q(**{f"{prefix}deadline_at__lte": now})


def due_by_q(last_day: date, now: datetime, prefix: str = "") -> Q:
    """Running, not overdue, with a last day up to and including `last_day`. (Not overdue implies a last day from
    today on: stated as well, so PostgreSQL sees a narrow range of days and starts from the clocks.)"""
    return running_q(prefix) & Q(
        **{f"{prefix}deadline_at__gt": now, f"{prefix}deadline__gte": today_in_shanghai(now), f"{prefix}deadline__lte": last_day}
    )


def statutory_breach_q(now: datetime, prefix: str = "") -> Q:
    """Running past the statutory last day, or kept only after it."""
    running_past = running_q(prefix) & Q(**{f"{prefix}statutory_deadline_at__lte": now})
    kept_late = Q(**{f"{prefix}met_at__isnull": False, f"{prefix}met_at__gte": F(f"{prefix}statutory_deadline_at")})
    return running_past | kept_late


def kept_q(prefix: str = "") -> Q:
    met = Q(**{f"{prefix}met_at__isnull": False, f"{prefix}met_at__lt": F(f"{prefix}deadline_at")})
    within_statute = Q(**{f"{prefix}statutory_deadline_at__isnull": True}) | Q(
        **{f"{prefix}met_at__lt": F(f"{prefix}statutory_deadline_at")}
    )
    return met & within_statute


def missed_q(prefix: str = "") -> Q:
    """Kept late (but within the statute), or stopped (withdrawn, closed) after its last day had passed."""
    kept_late = Q(**{f"{prefix}met_at__isnull": False, f"{prefix}met_at__gte": F(f"{prefix}deadline_at")}) & (
        Q(**{f"{prefix}statutory_deadline_at__isnull": True})
        | Q(**{f"{prefix}met_at__lt": F(f"{prefix}statutory_deadline_at")})
    )
    stopped_late = Q(
        **{f"{prefix}met_at__isnull": True, f"{prefix}stopped_at__isnull": False, f"{prefix}stopped_at__gte": F(f"{prefix}deadline_at")}
    ) & ~Q(**{f"{prefix}stop_reason": "refused"})
    return kept_late | stopped_late


def refused_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}met_at__isnull": True, f"{prefix}stop_reason": "refused"})


def paused_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}met_at__isnull": True, f"{prefix}stopped_at__isnull": True, f"{prefix}paused_since__isnull": False})


def status_q(status: str, now: datetime, *, horizon: date, prefix: str = "") -> Q:
    """The condition of exactly one status (for the agreement test and per-status filters)."""
    not_breach = ~Q(**{f"{prefix}statutory_deadline_at__lte": now}) | Q(**{f"{prefix}statutory_deadline_at__isnull": True})
    match status:
        case ClockStatus.STATUTORY_BREACH:
            return statutory_breach_q(now, prefix)
        case ClockStatus.OVERDUE:
            return overdue_q(now, prefix) & not_breach
        case ClockStatus.DUE_SOON:
            return due_by_q(horizon, now, prefix) & not_breach
        case ClockStatus.RUNNING:
            return running_q(prefix) & Q(**{f"{prefix}deadline_at__gt": now, f"{prefix}deadline__gt": horizon}) & not_breach
        case ClockStatus.KEPT:
            return kept_q(prefix)
        case ClockStatus.MISSED:
            return missed_q(prefix)
        case ClockStatus.REFUSED:
            return refused_q(prefix)
        case ClockStatus.STOPPED:
            return Q(
                **{f"{prefix}met_at__isnull": True, f"{prefix}stopped_at__isnull": False, f"{prefix}stopped_at__lt": F(f"{prefix}deadline_at")}
            ) & ~Q(**{f"{prefix}stop_reason": "refused"})
        case ClockStatus.PAUSED:
            return paused_q(prefix)
    raise ValueError(f"unknown clock status {status!r}")


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
            (clock.met_at is None and clock.stopped_at is None and clock.paused_since is None)
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
        if clock.met_at is None and clock.stopped_at is None
        # a finished clock's status does not depend on the moment or the calendar
        else clock_status(clock, now=None, calendar=None, due_soon_working_days=0)
        for clock in clocks
    ]
    return request_verdict(statuses) or ""
