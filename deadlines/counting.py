"""Civil Code (民法典) arts. 201-203: from a promise and the moment its clock starts, the last day.

Pure: takes a WorkCalendar; no database.
"""
from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .workdays import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
UNITS = ("working_day", "calendar_day", "hour", "week", "month")


@dataclass(frozen=True)
class Deadline:
    last_day: date  # the legal last day (Asia/Shanghai)
    ends_at: datetime  # the moment the period ends, timezone-aware
    provisional: bool  # relied on a year whose official schedule is not published yet

    def as_dict(self) -> dict:
        return {
            "last_day": self.last_day.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "provisional": self.provisional,
        }


def end_of_day(day: date) -> datetime:
    # Art. 203: the last day ends at 24:00, i.e. the next day's 00:00 in Shanghai.
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=SHANGHAI)


def local_day(moment: datetime) -> date:
    """The day a moment falls on in Asia/Shanghai."""
    return moment.astimezone(SHANGHAI).date()


def local(moment: date | datetime) -> datetime:
    """A clock-start moment in Shanghai time; a bare date means the start of that day."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            return moment.replace(tzinfo=SHANGHAI)
        return moment.astimezone(SHANGHAI)
    return datetime.combine(moment, time.min, tzinfo=SHANGHAI)


def add_months(day: date, months: int) -> date:
    # Art. 202: a period in months ends on the corresponding day of the last month, or on its last day.
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, stdlib_calendar.monthrange(year, month)[1]))


def compute_deadline(start: date | datetime, amount: int, unit: str, calendar: WorkCalendar) -> Deadline:
    """The deadline `amount` `unit`s after the clock starts at `start`."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")
    if amount < 1:
        raise ValueError("a deadline amount must be at least 1")
    moment = local(start)
    if unit == "hour":
        # Art. 201: a period in hours runs from the moment of the event, and ends at that moment.
        ends_at = moment + timedelta(hours=amount)
        # Art. 203: a day ends at 24:00, so a period that ends at 00:00 ends on the day before (a request due at
        # 2026-10-02T00:00 is overdue all of 10-02, like a period whose last day is 10-01).
        last_day = (ends_at - timedelta(microseconds=1)).date()
        return Deadline(last_day, ends_at, not calendar.is_published(last_day.year))

    # Art. 201: a period in days (weeks, months) starts the day after the event.
    start_day = moment.date()
    if unit == "working_day":
        last_day, provisional = calendar.nth_working_day_after(start_day, amount)
        return Deadline(last_day, end_of_day(last_day), provisional)
    if unit == "calendar_day":
        nominal = start_day + timedelta(days=amount)
    elif unit == "week":
        nominal = start_day + timedelta(weeks=amount)
    else:
        nominal = add_months(start_day, amount)
    # Art. 203: a last day that is a statutory day off moves to the day after the days off
    # (a make-up working day is not a day off).
    last_day, provisional = calendar.next_working_day_from(nominal)
    return Deadline(last_day, end_of_day(last_day), provisional)
