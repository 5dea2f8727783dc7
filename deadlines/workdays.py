"""The mainland-China working-day calendar, as the State Council publishes it.

Pure: no database. `WorkCalendar` takes the admin's overrides and the years entered there as arguments;
`policies.models.work_calendar()` builds one from the database.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

# holidays 0.109 carries the official schedules (days off and make-up working days) up to this year; for later
# years it guesses holidays by rule and knows no make-up days, so those years count as unpublished until an
# administrator enters the State Council notice (CalendarYear + CalendarOverride).
LAST_PUBLISHED_YEAR_IN_LIBRARY = 2026
FIRST_YEAR_WITH_MAKE_UP_DAYS = 2001


@lru_cache(maxsize=64)
def _library_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off on weekdays or weekends that are holidays, make-up working days) for one year."""
    china = holidays.China(years=year, language="zh_CN")
    days_off = frozenset(d for d in china if d.year == year)
    make_up = frozenset(d for d in china.weekend_workdays if d.year == year)
    return days_off, make_up


@dataclass(frozen=True)
class WorkCalendar:
    # day -> True (working day) / False (day off); entered in the admin, wins over the library
    overrides: Mapping[date, bool] = field(default_factory=dict)
    # years whose schedule was entered in the admin (beyond those the library publishes)
    entered_years: frozenset[int] = frozenset()

    def is_published(self, year: int) -> bool:
        return FIRST_YEAR_WITH_MAKE_UP_DAYS <= year <= LAST_PUBLISHED_YEAR_IN_LIBRARY or year in self.entered_years

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        days_off, make_up = _library_year(day.year)
        if day in make_up:
            return True
        if day in days_off:
            return False
        return day.weekday() < 5

    def is_day_off(self, day: date) -> bool:
        return not self.is_working_day(day)

    def nth_working_day_after(self, start: date, n: int) -> tuple[date, bool]:
        """The n-th working day after `start` (start itself not counted), and whether it relied on an
        unpublished year. Civil Code art. 201: a period in days starts counting the day after the event."""
        if n < 1:
            raise ValueError("a number of working days must be at least 1")
        day, counted, provisional = start, 0, False
        while counted < n:
            day += timedelta(days=1)
            provisional |= not self.is_published(day.year)
            if self.is_working_day(day):
                counted += 1
        return day, provisional

    def next_working_day_from(self, day: date) -> tuple[date, bool]:
        """`day` if it is a working day, else the first working day after it (Civil Code art. 203)."""
        provisional = not self.is_published(day.year)
        while not self.is_working_day(day):
            day += timedelta(days=1)
            provisional |= not self.is_published(day.year)
        return day, provisional

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is before `start`."""
        if end == start:
            return 0
        sign, lo, hi = (1, start, end) if end > start else (-1, end, start)
        count, day = 0, lo
        while day < hi:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return sign * count

    def working_days_counter(self, first: date, last: date):
        """`working_days_between` for any two days from `first` to `last`, by one walk over them (a running count):
        for many pairs in one span, as the dashboard's medians count them."""
        running, count, day = {}, 0, first
        while day <= last:
            count += self.is_working_day(day)
            running[day] = count
            day += timedelta(days=1)
        return lambda start, end: running[end] - running[start]

    def days_in_year(self, year: int) -> Iterable[tuple[date, bool]]:
        day = date(year, 1, 1)
        while day.year == year:
            yield day, self.is_working_day(day)
            day += timedelta(days=1)


LIBRARY_CALENDAR = WorkCalendar()

# The years a moment may fall in: from the first year with an official schedule of make-up days up to the year
# after the last schedule anyone knows (published or entered) or after this year, whichever is later; beyond
# that a date is a typo ("0026", "9999"), not a deadline to count.
FIRST_SUPPORTED_YEAR = FIRST_YEAR_WITH_MAKE_UP_DAYS


class OutsideCalendar(ValueError):
    """A moment outside the years the working-day calendar can count; the message is one line for people."""


def supported_years(*, this_year: int, entered_years: Iterable[int] = ()) -> range:
    last = max([LAST_PUBLISHED_YEAR_IN_LIBRARY, this_year, *entered_years]) + 1
    return range(FIRST_SUPPORTED_YEAR, last + 1)


def check_supported_day(day: date, *, this_year: int, entered_years: Iterable[int] = ()) -> date:
    """`day` itself, or OutsideCalendar naming the years that are supported."""
    years = supported_years(this_year=this_year, entered_years=entered_years)
    if day.year not in years:
        raise OutsideCalendar(
            f"{day.isoformat()} is outside the working-day calendar: dates from {years.start} to {years.stop - 1} are supported."
        )
    return day
