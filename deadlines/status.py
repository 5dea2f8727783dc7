"""The one definition of a clock's status, in Python (`clock_status`) and in SQL (the Q objects below).

Running, due soon, overdue, statutory breach, kept, missed, refused, stopped, paused: for every concrete clock
(deadlines.models.ClockBase: a request's clocks, a complaint's), read by the request list, its filters, the
dashboard, the CSV export, the reminders, the complaint pages and the command line; nothing restates them. The
Python function and the SQL conditions are written side by side and tests check that they agree on every kind
of clock (tests/deadlines/).

Moments, not dates: a clock is overdue from `deadline_at` (24:00 of its last day in Asia/Shanghai, Civil Code
art. 203, or the exact moment of a promise in hours), so no SQL comparison depends on the database's time zone.
"""
from __future__ import annotations

from datetime import date, datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .counting import local_day


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


def today_in_shanghai(now: datetime) -> date:
    return local_day(now)


def due_soon_horizon(today: date, working_days: int, calendar) -> date:
    """The last day still "due soon": `working_days` working days after today (today itself when 0)."""
    return calendar.nth_working_day_after(today, working_days)[0] if working_days > 0 else today


def is_running(clock) -> bool:
    """Neither kept nor stopped nor paused: the app (or the channel) owes it now (running_q in SQL)."""
    return clock.met_at is None and clock.stopped_at is None and clock.paused_since is None


def is_finished(clock) -> bool:
    """Kept or stopped: its status no longer depends on the moment or the calendar."""
    return clock.met_at is not None or clock.stopped_at is not None


def is_overdue(clock, now: datetime) -> bool:
    """Running past its last moment (overdue_q in SQL; past the statutory one too: a breach is overdue as well)."""
    return is_running(clock) and now >= clock.deadline_at


def kept_promise(clock) -> bool | None:
    """The verdict on the promise: True once kept by its last moment (pauses and a lawful extension included),
    False once kept after it, None while nothing was kept."""
    if clock.met_at is None:
        return None
    return clock.met_at < clock.deadline_at


def within_statute(clock) -> bool | None:
    """The verdict on the statute, apart from the promise's: True once kept before the statutory last moment, False
    once kept after it, None while nothing was kept or no statutory limit applies. A completed clock can keep its
    (paused) promise and still breach the statute: clock_status then says statutory_breach, and the two verdicts
    say why."""
    if clock.met_at is None or clock.statutory_deadline_at is None:
        return None
    return clock.met_at < clock.statutory_deadline_at


def clock_status(clock, *, now: datetime | None, calendar, due_soon_working_days: int) -> str:
    """The status of `clock` (any ClockBase, or a replayed ClockState) at `now`. "Due soon" is the one setting
    the caller passes in (rights' Reminder settings); a finished clock's status needs neither `now` nor the
    calendar."""
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
    if is_overdue(clock, now):
        return ClockStatus.OVERDUE
    horizon = due_soon_horizon(today_in_shanghai(now), due_soon_working_days, calendar)
    return ClockStatus.DUE_SOON if clock.deadline <= horizon else ClockStatus.RUNNING


# --- the same, as SQL conditions on any concrete clock (a prefix such as "clocks__" reaches it from its owner) --


def finished_q(prefix: str = "") -> Q:
    """Kept or stopped (is_finished)."""
    return Q(**{f"{prefix}met_at__isnull": False}) | Q(**{f"{prefix}stopped_at__isnull": False})


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
