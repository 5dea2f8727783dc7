"""The working-day calendar against the State Council's 2026 schedule, day by day, and its counting rules.

The expected 2026 data below is written out from the State Council General Office's notice on the 2026 public
holidays (国务院办公厅关于2026年部分节假日安排的通知), not taken from the holidays library; the library is
only cross-checked against it.
"""
from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deadlines.workdays import LIBRARY_CALENDAR, WorkCalendar
from policies.models import CalendarOverride, CalendarYear, work_calendar

# The notice, holiday by holiday: first and last day off (weekends inside the period included), and its length.
HOLIDAYS_2026 = {
    "元旦": (date(2026, 1, 1), date(2026, 1, 3), 3),
    "春节": (date(2026, 2, 15), date(2026, 2, 23), 9),
    "清明节": (date(2026, 4, 4), date(2026, 4, 6), 3),
    "劳动节": (date(2026, 5, 1), date(2026, 5, 5), 5),
    "端午节": (date(2026, 6, 19), date(2026, 6, 21), 3),
    "中秋节": (date(2026, 9, 25), date(2026, 9, 27), 3),
    "国庆节": (date(2026, 10, 1), date(2026, 10, 7), 7),
}
# 调休上班: weekend days that are working days.
MAKE_UP_WORKING_DAYS_2026 = {
    date(2026, 1, 4),  # Sunday, for 元旦
    date(2026, 2, 14),  # Saturday, for 春节
    date(2026, 2, 28),  # Saturday, for 春节
    date(2026, 5, 9),  # Saturday, for 劳动节
    date(2026, 9, 20),  # Sunday, for 国庆节
    date(2026, 10, 10),  # Saturday, for 国庆节
}


def _days(first, last):
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


HOLIDAY_DAYS_OFF_2026 = set().union(*(_days(first, last) for first, last, _ in HOLIDAYS_2026.values()))
ALL_OF_2026 = sorted(_days(date(2026, 1, 1), date(2026, 12, 31)))


def official_2026_is_working_day(day: date) -> bool:
    if day in MAKE_UP_WORKING_DAYS_2026:
        return True
    if day in HOLIDAY_DAYS_OFF_2026:
        return False
    return day.weekday() < 5


# ------------------------------------------------------------------------------------------- the test data


def test_the_2026_notice_data_is_internally_consistent():
    for name, (first, last, length) in HOLIDAYS_2026.items():
        assert (last - first).days + 1 == length, name
    assert len(HOLIDAY_DAYS_OFF_2026) == 33
    # make-up working days are weekend days outside the holidays
    assert all(day.weekday() >= 5 for day in MAKE_UP_WORKING_DAYS_2026)
    assert not MAKE_UP_WORKING_DAYS_2026 & HOLIDAY_DAYS_OFF_2026
    assert len(ALL_OF_2026) == 365


# ------------------------------------------------------------------------------------- all of 2026, per day


def test_every_day_of_2026_is_a_working_day_or_a_day_off_as_the_state_council_notice_says():
    wrong = [
        (day.isoformat(), day.strftime("%a"), "expected working" if official_2026_is_working_day(day) else "expected off")
        for day in ALL_OF_2026
        if LIBRARY_CALENDAR.is_working_day(day) != official_2026_is_working_day(day)
    ]
    assert wrong == []


def test_days_in_year_classifies_all_365_days_of_2026_like_the_notice():
    classified = dict(LIBRARY_CALENDAR.days_in_year(2026))
    assert sorted(classified) == ALL_OF_2026
    assert classified == {day: official_2026_is_working_day(day) for day in ALL_OF_2026}


def test_2026_has_248_working_days():
    # By hand from the notice: 261 weekdays (2026 starts on a Thursday), minus the 19 weekdays inside holidays
    # (1/1-2, 2/16-20, 2/23, 4/6, 5/1, 5/4-5, 6/19, 9/25, 10/1-2, 10/5-7), plus the 6 make-up days.
    working = [day for day in ALL_OF_2026 if LIBRARY_CALENDAR.is_working_day(day)]
    assert len(working) == 248
    assert LIBRARY_CALENDAR.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248


@pytest.mark.parametrize("day", sorted(MAKE_UP_WORKING_DAYS_2026), ids=lambda d: d.isoformat())
def test_make_up_weekend_days_of_2026_are_working_days(day):
    assert day.weekday() >= 5
    assert LIBRARY_CALENDAR.is_working_day(day)
    assert not LIBRARY_CALENDAR.is_day_off(day)


@pytest.mark.parametrize(
    "day",
    [date(2026, 1, 2), date(2026, 2, 20), date(2026, 2, 23), date(2026, 5, 5), date(2026, 10, 6), date(2026, 10, 7)],
    ids=lambda d: d.isoformat(),
)
def test_weekdays_moved_off_by_the_2026_schedule_are_days_off(day):
    assert day.weekday() < 5
    assert LIBRARY_CALENDAR.is_day_off(day)


def test_ordinary_weekends_outside_the_schedule_stay_days_off():
    assert LIBRARY_CALENDAR.is_day_off(date(2026, 10, 11))  # the Sunday after make-up Saturday 10-10
    assert LIBRARY_CALENDAR.is_day_off(date(2026, 3, 7))
    assert LIBRARY_CALENDAR.is_working_day(date(2026, 3, 9))


def test_holidays_library_agrees_with_the_2026_notice_cross_check():
    china = holidays.China(years=2026)
    wrong = [day.isoformat() for day in ALL_OF_2026 if china.is_working_day(day) != official_2026_is_working_day(day)]
    assert wrong == []
    assert {d for d in china.weekend_workdays if d.year == 2026} == MAKE_UP_WORKING_DAYS_2026


# ------------------------------------------------------------------------------------- published years


def test_years_the_library_publishes_are_published_and_2027_is_not():
    assert LIBRARY_CALENDAR.is_published(2026)
    assert LIBRARY_CALENDAR.is_published(2020)
    assert not LIBRARY_CALENDAR.is_published(2027)
    assert not LIBRARY_CALENDAR.is_published(2000)  # before the library's make-up days begin


def test_a_year_entered_in_the_admin_counts_as_published():
    assert WorkCalendar(entered_years=frozenset({2027})).is_published(2027)


def test_an_admin_override_wins_over_the_library():
    calendar = WorkCalendar(overrides={date(2026, 10, 10): False, date(2026, 10, 11): True, date(2026, 3, 9): False})
    assert calendar.is_day_off(date(2026, 10, 10))  # make-up Saturday turned back into a day off
    assert calendar.is_working_day(date(2026, 10, 11))  # a Sunday turned into a make-up day
    assert calendar.is_day_off(date(2026, 3, 9))  # a Monday turned into a day off
    assert LIBRARY_CALENDAR.is_working_day(date(2026, 10, 10))  # the library calendar is untouched


# ------------------------------------------------------------------------------------- counting working days


def test_seventh_working_day_after_monday_28_september_2026_is_13_october_counting_make_up_saturday():
    # 9/29, 9/30, (10/1-7 off), 10/8, 10/9, 10/10 (make-up Saturday), (10/11 off), 10/12, 10/13
    assert LIBRARY_CALENDAR.nth_working_day_after(date(2026, 9, 28), 7) == (date(2026, 10, 13), False)


def test_counting_from_a_day_off_starts_the_next_day_not_the_next_working_day():
    # chinesecalendar's find_workday gets this wrong (10-23): it starts counting from the next working day.
    # 2026-09-25 is 中秋节; the 15 working days are 9/28, 9/29, 9/30, 10/8, 10/9, 10/10, 10/12-16, 10/19-22.
    assert LIBRARY_CALENDAR.nth_working_day_after(date(2026, 9, 25), 15) == (date(2026, 10, 22), False)


def test_the_start_day_itself_is_never_counted_even_when_it_is_a_working_day():
    assert LIBRARY_CALENDAR.nth_working_day_after(date(2026, 3, 9), 1) == (date(2026, 3, 10), False)


def test_working_days_after_the_last_working_day_before_spring_festival_skip_the_whole_holiday():
    # 2/13 Friday; 2/14 make-up Saturday is the 1st; 2/15-23 off; 2/24 is the 2nd
    assert LIBRARY_CALENDAR.nth_working_day_after(date(2026, 2, 13), 1) == (date(2026, 2, 14), False)
    assert LIBRARY_CALENDAR.nth_working_day_after(date(2026, 2, 13), 2) == (date(2026, 2, 24), False)


def test_counting_across_new_year_into_2026_uses_the_make_up_sunday():
    # 2025-12-31 Wednesday; 1/1-3 off; 1/4 Sunday is a make-up working day
    assert LIBRARY_CALENDAR.nth_working_day_after(date(2025, 12, 31), 1) == (date(2026, 1, 4), False)


def test_counting_into_an_unpublished_year_is_provisional():
    day, provisional = LIBRARY_CALENDAR.nth_working_day_after(date(2026, 12, 30), 3)
    assert day.year == 2027 and provisional


def test_counting_that_ends_within_2026_is_not_provisional():
    assert LIBRARY_CALENDAR.nth_working_day_after(date(2026, 12, 28), 3) == (date(2026, 12, 31), False)


@pytest.mark.parametrize("n", [0, -1])
def test_a_number_of_working_days_must_be_at_least_one(n):
    with pytest.raises(ValueError):
        LIBRARY_CALENDAR.nth_working_day_after(date(2026, 9, 28), n)


def test_next_working_day_from_a_working_day_is_that_day():
    assert LIBRARY_CALENDAR.next_working_day_from(date(2026, 10, 10)) == (date(2026, 10, 10), False)


def test_next_working_day_from_a_holiday_is_the_day_after_the_days_off():
    assert LIBRARY_CALENDAR.next_working_day_from(date(2026, 10, 1)) == (date(2026, 10, 8), False)
    assert LIBRARY_CALENDAR.next_working_day_from(date(2026, 2, 15)) == (date(2026, 2, 24), False)


def test_next_working_day_from_a_day_in_2027_is_provisional():
    assert LIBRARY_CALENDAR.next_working_day_from(date(2027, 3, 10))[1] is True


def test_working_days_between_counts_the_end_but_not_the_start():
    assert LIBRARY_CALENDAR.working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert LIBRARY_CALENDAR.working_days_between(date(2026, 9, 28), date(2026, 10, 13)) == 7
    assert LIBRARY_CALENDAR.working_days_between(date(2026, 10, 13), date(2026, 9, 28)) == -7
    assert LIBRARY_CALENDAR.working_days_between(date(2026, 10, 1), date(2026, 10, 1)) == 0


# ------------------------------------------------------------------------------------- the admin's tables


@pytest.mark.django_db
def test_work_calendar_reads_overrides_and_entered_years_from_the_admin_tables():
    assert work_calendar() == WorkCalendar()  # nothing entered yet
    CalendarOverride.objects.create(day=date(2027, 1, 2), is_working_day=True, name="调休上班")
    CalendarOverride.objects.create(day=date(2027, 2, 11), is_working_day=False, name="春节")
    CalendarYear.objects.create(year=2027, source="国务院办公厅通知 (test)")

    calendar = work_calendar()
    assert calendar.is_working_day(date(2027, 1, 2))  # a Saturday
    assert calendar.is_day_off(date(2027, 2, 11))  # a Thursday
    assert calendar.is_published(2027)
    assert not calendar.is_published(2028)


# ------------------------------------------------------------------------------------- properties

days = st.dates(min_value=date(2001, 1, 1), max_value=date(2027, 12, 31))
counts = st.integers(min_value=1, max_value=60)


@settings(max_examples=300, deadline=None)
@given(start=days, n=counts)
def test_nth_working_day_is_a_working_day_strictly_after_the_start_with_exactly_n_working_days_in_between(start, n):
    result, provisional = LIBRARY_CALENDAR.nth_working_day_after(start, n)
    assert result > start
    assert LIBRARY_CALENDAR.is_working_day(result)
    between = [start + timedelta(days=i) for i in range(1, (result - start).days + 1)]
    assert sum(LIBRARY_CALENDAR.is_working_day(day) for day in between) == n
    assert LIBRARY_CALENDAR.working_days_between(start, result) == n
    assert provisional == any(not LIBRARY_CALENDAR.is_published(day.year) for day in between)


@settings(max_examples=200, deadline=None)
@given(start=days, n=counts)
def test_one_more_working_day_is_the_next_working_day_after_the_nth(start, n):
    nth, _ = LIBRARY_CALENDAR.nth_working_day_after(start, n)
    assert LIBRARY_CALENDAR.nth_working_day_after(start, n + 1)[0] == LIBRARY_CALENDAR.nth_working_day_after(nth, 1)[0]


@settings(max_examples=200, deadline=None)
@given(day=days)
def test_next_working_day_from_is_the_first_working_day_on_or_after_the_day(day):
    result, _ = LIBRARY_CALENDAR.next_working_day_from(day)
    assert result >= day
    assert LIBRARY_CALENDAR.is_working_day(result)
    assert all(LIBRARY_CALENDAR.is_day_off(day + timedelta(days=i)) for i in range((result - day).days))


@settings(max_examples=200, deadline=None)
@given(a=days, b=days)
def test_working_days_between_is_antisymmetric(a, b):
    assert LIBRARY_CALENDAR.working_days_between(a, b) == -LIBRARY_CALENDAR.working_days_between(b, a)
