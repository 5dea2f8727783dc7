"""Civil Code (民法典) arts. 201-203 on the mainland-China calendar: from a clock start and a promise, the last day.

Art. 201: a period in days starts the day after the event; in hours, from the moment. Art. 202: months end on
the corresponding day, or the month's last day. Art. 203: a last day that is a day off (weekend or holiday, but
not a make-up working day) moves to the next working day; the period ends at 24:00 of its last day.
"""
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deadlines.counting import SHANGHAI, add_months, compute_deadline, local
from deadlines.workdays import LIBRARY_CALENDAR
from policies.models import CalendarOverride, CalendarYear, work_calendar

UTC = UTC


def last_day(start, amount, unit, calendar=LIBRARY_CALENDAR):
    return compute_deadline(start, amount, unit, calendar).last_day


def midnight_after(day):
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + timedelta(days=1)


# ----------------------------------------------------------------------------- the worked examples


def test_seven_working_days_from_28_september_2026_end_at_24h_on_13_october():
    deadline = compute_deadline(date(2026, 9, 28), 7, "working_day", LIBRARY_CALENDAR)
    assert deadline.last_day == date(2026, 10, 13)
    assert deadline.ends_at == datetime(2026, 10, 14, 0, 0, tzinfo=SHANGHAI)
    assert deadline.ends_at.utcoffset() == timedelta(hours=8)
    assert deadline.ends_at.astimezone(UTC) == datetime(2026, 10, 13, 16, 0, tzinfo=UTC)
    assert deadline.provisional is False


def test_fifteen_working_days_from_the_mid_autumn_holiday_end_on_22_october_not_23():
    # 2026-09-25 (中秋节) is a day off; counting starts the next day, not the next working day
    # (chinesecalendar's find_workday answers 10-23).
    assert last_day(date(2026, 9, 25), 15, "working_day") == date(2026, 10, 22)


def test_deadline_as_dict_gives_iso_last_day_ends_at_and_provisional():
    assert compute_deadline(date(2026, 9, 28), 7, "working_day", LIBRARY_CALENDAR).as_dict() == {
        "last_day": "2026-10-13",
        "ends_at": "2026-10-14T00:00:00+08:00",
        "provisional": False,
    }


# ----------------------------------------------------------------------------- art. 201: the start day


def test_clock_started_on_a_holiday_counts_calendar_days_from_the_next_day():
    assert last_day(date(2026, 10, 1), 15, "calendar_day") == date(2026, 10, 16)


def test_clock_started_on_a_make_up_saturday_does_not_count_that_saturday():
    # 10/10 is a working day but the day of the event; 10/11 Sunday off; 10/12 is the 1st working day
    assert last_day(date(2026, 10, 10), 1, "working_day") == date(2026, 10, 12)


def test_clock_started_late_in_the_evening_still_counts_from_the_next_day():
    assert last_day(datetime(2026, 9, 28, 23, 59, tzinfo=SHANGHAI), 7, "working_day") == date(2026, 10, 13)


# ----------------------------------------------------------------------------- art. 203: days off at the end


def test_last_day_on_a_make_up_saturday_stays_on_that_saturday():
    # 咪咕: 15 days after identity verification on 9/25 -> 10/10, a make-up working day
    assert last_day(date(2026, 9, 25), 15, "calendar_day") == date(2026, 10, 10)
    assert last_day(date(2026, 9, 25), 6, "working_day") == date(2026, 10, 10)


def test_last_day_on_a_make_up_sunday_stays_on_that_sunday():
    assert last_day(date(2026, 9, 5), 15, "calendar_day") == date(2026, 9, 20)


def test_last_day_on_national_day_moves_to_the_day_after_the_holiday():
    assert last_day(date(2026, 9, 21), 10, "calendar_day") == date(2026, 10, 8)


def test_last_day_in_spring_festival_moves_past_the_whole_nine_days_off():
    assert last_day(date(2026, 2, 10), 7, "calendar_day") == date(2026, 2, 24)


def test_last_day_on_an_ordinary_saturday_moves_to_monday():
    assert last_day(date(2026, 10, 12), 5, "calendar_day") == date(2026, 10, 19)


def test_a_week_ending_on_a_holiday_moves_to_the_next_working_day():
    assert last_day(date(2026, 9, 24), 1, "week") == date(2026, 10, 8)
    assert last_day(date(2026, 9, 26), 2, "week") == date(2026, 10, 10)  # make-up Saturday


def test_calendar_days_across_a_holiday_are_all_counted():
    # days off inside the period count; only the last day moves
    assert last_day(date(2026, 9, 28), 10, "calendar_day") == date(2026, 10, 8)
    assert last_day(date(2026, 9, 30), 9, "calendar_day") == date(2026, 10, 9)


# ----------------------------------------------------------------------------- art. 202: months


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 2/31: month end, a make-up Saturday, so it stays
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # from a leap day to a common year
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 5, 15), 1, date(2026, 6, 15)),  # the corresponding day
        (date(2025, 12, 31), 2, date(2026, 2, 28)),  # across the year boundary
        (date(2025, 11, 10), 3, date(2026, 2, 10)),
    ],
    ids=str,
)
def test_months_end_on_the_corresponding_day_or_the_month_end(start, months, expected):
    assert last_day(start, months, "month") == expected


def test_a_month_ending_on_national_day_moves_to_the_day_after_the_holiday():
    assert last_day(date(2026, 9, 1), 1, "month") == date(2026, 10, 8)


def test_add_months_clamps_to_the_last_day_of_the_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 10, 31), 2) == date(2026, 12, 31)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)


def test_a_month_into_a_leap_february_of_an_unpublished_year_is_provisional():
    deadline = compute_deadline(date(2028, 1, 31), 1, "month", LIBRARY_CALENDAR)
    assert deadline.last_day == date(2028, 2, 29)
    assert deadline.provisional


# ----------------------------------------------------------------------------- year boundaries


def test_working_days_across_new_year_2026_skip_the_holiday_and_count_the_make_up_sunday():
    # 12/29, 12/30, 12/31, (1/1-3 off), 1/4 make-up Sunday, 1/5
    deadline = compute_deadline(date(2025, 12, 26), 5, "working_day", LIBRARY_CALENDAR)
    assert (deadline.last_day, deadline.provisional) == (date(2026, 1, 5), False)


def test_a_deadline_ending_on_new_years_eve_2026_is_not_provisional():
    deadline = compute_deadline(date(2026, 12, 24), 7, "calendar_day", LIBRARY_CALENDAR)
    assert (deadline.last_day, deadline.provisional) == (date(2026, 12, 31), False)


def test_a_calendar_day_deadline_reaching_into_2027_is_provisional():
    deadline = compute_deadline(date(2026, 12, 25), 7, "calendar_day", LIBRARY_CALENDAR)
    assert deadline.last_day.year == 2027
    assert deadline.provisional


def test_a_working_day_deadline_reaching_into_2027_is_provisional():
    deadline = compute_deadline(date(2026, 12, 31), 1, "working_day", LIBRARY_CALENDAR)
    assert deadline.last_day.year == 2027
    assert deadline.provisional


def test_a_deadline_wholly_in_2027_is_provisional():
    assert compute_deadline(date(2027, 3, 1), 5, "working_day", LIBRARY_CALENDAR).provisional
    assert compute_deadline(date(2027, 3, 1), 1, "month", LIBRARY_CALENDAR).provisional


# ----------------------------------------------------------------------------- hours (art. 201: from the moment)


def test_hours_run_from_the_moment_across_midnight():
    deadline = compute_deadline(datetime(2026, 9, 28, 20, 0, tzinfo=SHANGHAI), 6, "hour", LIBRARY_CALENDAR)
    assert deadline.ends_at == datetime(2026, 9, 29, 2, 0, tzinfo=SHANGHAI)
    assert deadline.last_day == date(2026, 9, 29)


def test_hours_ending_on_a_holiday_are_not_extended():
    deadline = compute_deadline(datetime(2026, 9, 30, 20, 0, tzinfo=SHANGHAI), 24, "hour", LIBRARY_CALENDAR)
    assert deadline.ends_at == datetime(2026, 10, 1, 20, 0, tzinfo=SHANGHAI)
    assert deadline.last_day == date(2026, 10, 1)


def test_hours_ending_exactly_at_midnight_end_at_24h_of_the_day_before():
    # 12:00 + 12 hours is 24:00 of 9/28, so 9/28 is the last day (on 9/29 the request is overdue)
    deadline = compute_deadline(datetime(2026, 9, 28, 12, 0, tzinfo=SHANGHAI), 12, "hour", LIBRARY_CALENDAR)
    assert deadline.ends_at == datetime(2026, 9, 29, 0, 0, tzinfo=SHANGHAI)
    assert deadline.last_day == date(2026, 9, 28)
    # a bare date starts at 00:00, so 48 hours end at 24:00 of the next day
    assert last_day(date(2026, 9, 28), 48, "hour") == date(2026, 9, 29)


def test_hours_ending_at_midnight_on_new_years_eve_are_not_provisional():
    deadline = compute_deadline(datetime(2026, 12, 31, 12, 0, tzinfo=SHANGHAI), 12, "hour", LIBRARY_CALENDAR)
    assert (deadline.last_day, deadline.provisional) == (date(2026, 12, 31), False)


def test_an_hour_period_ending_in_2027_is_marked_provisional():
    deadline = compute_deadline(datetime(2026, 12, 31, 20, 0, tzinfo=SHANGHAI), 12, "hour", LIBRARY_CALENDAR)
    assert deadline.last_day == date(2027, 1, 1)
    assert deadline.provisional


# ----------------------------------------------------------------------------- time zones


def test_a_naive_datetime_is_read_as_shanghai_time():
    naive = compute_deadline(datetime(2026, 9, 27, 20, 0), 7, "working_day", LIBRARY_CALENDAR)
    aware = compute_deadline(datetime(2026, 9, 27, 20, 0, tzinfo=SHANGHAI), 7, "working_day", LIBRARY_CALENDAR)
    assert naive == aware
    assert naive.last_day == date(2026, 10, 12)  # counted from Sunday 9/27


def test_an_aware_utc_evening_is_the_next_morning_in_shanghai():
    # 2026-09-27 20:00 UTC is 2026-09-28 04:00 in Shanghai: counting starts on 9/29
    utc = compute_deadline(datetime(2026, 9, 27, 20, 0, tzinfo=UTC), 7, "working_day", LIBRARY_CALENDAR)
    assert utc.last_day == date(2026, 10, 13)
    # 2026-10-09 16:30 UTC is 10-10 00:30 in Shanghai; one day later is Sunday 10/11, which moves to Monday
    assert last_day(datetime(2026, 10, 9, 16, 30, tzinfo=UTC), 1, "calendar_day") == date(2026, 10, 12)
    assert last_day(datetime(2026, 10, 9, 16, 30), 1, "calendar_day") == date(2026, 10, 10)


def test_hours_from_an_aware_moment_in_another_zone_end_at_the_same_instant_shown_in_shanghai():
    deadline = compute_deadline(datetime(2026, 9, 28, 2, 0, tzinfo=UTC), 1, "hour", LIBRARY_CALENDAR)
    assert deadline.ends_at == datetime(2026, 9, 28, 3, 0, tzinfo=UTC)
    assert deadline.ends_at.utcoffset() == timedelta(hours=8)
    assert deadline.ends_at.hour == 11


def test_a_bare_date_starts_at_midnight_in_shanghai():
    assert local(date(2026, 9, 28)) == datetime(2026, 9, 28, 0, 0, tzinfo=SHANGHAI)


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("amount", [0, -3])
def test_a_deadline_amount_must_be_at_least_one(amount):
    with pytest.raises(ValueError):
        compute_deadline(date(2026, 9, 28), amount, "working_day", LIBRARY_CALENDAR)


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unknown unit"):
        compute_deadline(date(2026, 9, 28), 7, "fortnight", LIBRARY_CALENDAR)


# ----------------------------------------------------------------------------- provisional until entered


@pytest.mark.django_db
def test_entering_calendar_year_2027_and_its_overrides_clears_provisional():
    # 7 working days from Thursday 2026-12-24: 12/25, 12/28-31, then 2027. The 2027 schedule below is invented
    # for the test (a make-up Saturday on 2027-01-02), as an administrator would enter the real one.
    before = compute_deadline(date(2026, 12, 24), 7, "working_day", work_calendar())
    assert (before.last_day, before.provisional) == (date(2027, 1, 5), True)

    CalendarOverride.objects.create(day=date(2027, 1, 2), is_working_day=True, name="调休上班")
    overridden = compute_deadline(date(2026, 12, 24), 7, "working_day", work_calendar())
    assert (overridden.last_day, overridden.provisional) == (date(2027, 1, 4), True)  # year not entered yet

    CalendarYear.objects.create(year=2027, published_on=date(2026, 11, 20), source="国务院办公厅通知")
    entered = compute_deadline(date(2026, 12, 24), 7, "working_day", work_calendar())
    assert (entered.last_day, entered.provisional) == (date(2027, 1, 4), False)
    assert not compute_deadline(date(2027, 3, 1), 1, "month", work_calendar()).provisional
    # 2028 is still unpublished
    assert compute_deadline(date(2027, 12, 30), 5, "working_day", work_calendar()).provisional


@pytest.mark.django_db
def test_a_day_off_entered_for_2027_moves_a_last_day_that_falls_on_it():
    CalendarYear.objects.create(year=2027)
    assert last_day(date(2027, 3, 1), 7, "calendar_day", work_calendar()) == date(2027, 3, 8)
    CalendarOverride.objects.create(day=date(2027, 3, 8), is_working_day=False, name="invented day off")
    deadline = compute_deadline(date(2027, 3, 1), 7, "calendar_day", work_calendar())
    assert (deadline.last_day, deadline.provisional) == (date(2027, 3, 9), False)


# ----------------------------------------------------------------------------- properties

starts = st.dates(min_value=date(2001, 1, 1), max_value=date(2027, 12, 31))
moments = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2027, 12, 31, 23, 59))
amounts = st.integers(min_value=1, max_value=60)
# whole hours too, so that hour periods often end exactly at 00:00 (24:00 of the day before)
on_the_hour = moments.map(lambda moment: moment.replace(minute=0, second=0, microsecond=0))


@settings(max_examples=300, deadline=None)
@given(start=starts, amount=amounts)
def test_calendar_day_deadlines_never_end_on_a_day_off(start, amount):
    deadline = compute_deadline(start, amount, "calendar_day", LIBRARY_CALENDAR)
    nominal = start + timedelta(days=amount)
    assert LIBRARY_CALENDAR.is_working_day(deadline.last_day)
    # it is the first working day on or after the nominal day: only days off are skipped
    assert deadline.last_day >= nominal
    assert all(LIBRARY_CALENDAR.is_day_off(nominal + timedelta(days=i)) for i in range((deadline.last_day - nominal).days))


@settings(max_examples=300, deadline=None)
@given(start=starts, months=st.integers(min_value=1, max_value=24))
def test_month_deadlines_never_precede_the_nominal_corresponding_day(start, months):
    deadline = compute_deadline(start, months, "month", LIBRARY_CALENDAR)
    nominal = add_months(start, months)
    assert (nominal.year - start.year) * 12 + nominal.month - start.month == months
    assert nominal.day == start.day or nominal.day < start.day and (nominal + timedelta(days=1)).day == 1
    assert deadline.last_day >= nominal
    assert LIBRARY_CALENDAR.is_working_day(deadline.last_day)
    assert all(LIBRARY_CALENDAR.is_day_off(nominal + timedelta(days=i)) for i in range((deadline.last_day - nominal).days))


@settings(max_examples=200, deadline=None)
@given(start=moments, amount=amounts, unit=st.sampled_from(["working_day", "calendar_day", "week", "month"]))
def test_day_periods_end_at_24h_of_the_last_day_in_shanghai(start, amount, unit):
    deadline = compute_deadline(start, amount, unit, LIBRARY_CALENDAR)
    assert deadline.ends_at == midnight_after(deadline.last_day)
    assert deadline.last_day > start.date()


@settings(max_examples=200, deadline=None)
@given(start=moments, amount=amounts, unit=st.sampled_from(["working_day", "calendar_day", "hour", "week", "month"]))
def test_a_naive_start_gives_the_same_deadline_as_the_same_wall_time_in_shanghai(start, amount, unit):
    assert compute_deadline(start, amount, unit, LIBRARY_CALENDAR) == compute_deadline(
        start.replace(tzinfo=SHANGHAI), amount, unit, LIBRARY_CALENDAR
    )


@settings(max_examples=200, deadline=None)
@given(start=st.one_of(moments, on_the_hour), hours=st.integers(min_value=1, max_value=24 * 40))
def test_hour_periods_end_exactly_that_many_hours_after_the_moment(start, hours):
    deadline = compute_deadline(start, hours, "hour", LIBRARY_CALENDAR)
    assert deadline.ends_at - start.replace(tzinfo=SHANGHAI) == timedelta(hours=hours)
    # the last day is the day of the final instant before ends_at
    assert midnight_after(deadline.last_day) - timedelta(days=1) < deadline.ends_at <= midnight_after(deadline.last_day)


@settings(max_examples=200, deadline=None)
@given(start=starts, amount=amounts)
def test_working_day_deadlines_are_the_nth_working_day_after_the_start(start, amount):
    deadline = compute_deadline(start, amount, "working_day", LIBRARY_CALENDAR)
    assert (deadline.last_day, deadline.provisional) == LIBRARY_CALENDAR.nth_working_day_after(start, amount)


@settings(max_examples=200, deadline=None)
@given(start=starts, amount=st.integers(min_value=1, max_value=30))
def test_a_longer_period_never_ends_earlier(start, amount):
    for unit in ("working_day", "calendar_day", "week", "month"):
        assert last_day(start, amount + 1, unit) >= last_day(start, amount, unit)
