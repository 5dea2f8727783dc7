"""Deadline clocks on the real catalog and calendar: what each request is held to, and when it is due."""
from datetime import date

import pytest

from deadlines.registry import recompute_after_calendar_change
from policies.models import CalendarOverride, CalendarYear, Procedure, work_calendar
from policies.services import publish_calendar_year, set_calendar_day
from rights.models import Clock, RightsRequest
from rights.services import record_event
from tests.factories import file, shanghai

pytestmark = pytest.mark.django_db


def clocks(request, **filters):
    return list(Clock.objects.filter(request=request, **filters).order_by("final_due", "id"))


def test_lumiere_cancellation_submitted_2026_09_28_is_due_2026_10_13(catalog):
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10))
    (clock,) = clocks(request)
    assert (clock.action, clock.amount_min, clock.unit, clock.is_statutory) == ("completion", 7, "working_day", False)
    assert clock.due == clock.final_due == date(2026, 10, 13)
    # the statutory cap (15 working days, 2019 认定方法) is counted from the same moment
    assert clock.statutory_due == date(2026, 10, 23)
    assert "7个工作日内完成注销处理" in clock.quote
    assert clock.policy_version.app.name == "卢米埃影城"


def test_epiao_cancellation_submitted_2026_09_30_is_expected_after_7_and_due_after_15_working_days(catalog):
    request = file(catalog["E票电影"], at=shanghai(2026, 9, 30, 15))
    completion = clocks(request, action="completion")
    assert len(completion) == 1
    # National Day 10-01..07 off, Saturday 10-10 a make-up working day
    assert (completion[0].due, completion[0].final_due) == (date(2026, 10, 15), date(2026, 10, 27))
    assert completion[0].clock_start == "account_cancelled"
    # E票 also promises to answer any request within 7-15 working days
    reply = clocks(request, action="reply")
    assert reply and all((c.due, c.final_due) == (date(2026, 10, 15), date(2026, 10, 27)) for c in reply)


def test_migu_request_verified_on_2026_09_25_is_due_on_the_make_up_saturday_2026_10_10(catalog):
    request = file(catalog["咪咕云书店"], "deletion", at=shanghai(2026, 9, 20, 9))
    assert not clocks(request, clock_start="identity_verified")  # waits for verification
    request = record_event(event="request_identity", request=request, at=shanghai(2026, 9, 22, 9))
    request = record_event(event="verify_identity", request=request, at=shanghai(2026, 9, 25, 16))
    (verified,) = clocks(request, clock_start="identity_verified")
    assert (verified.amount_max, verified.unit) == (15, "calendar_day")
    assert verified.final_due == date(2026, 10, 10)
    assert verified.started_at == shanghai(2026, 9, 25, 16)


def test_aimiliao_cancellation_without_a_promise_is_held_to_the_statutory_15_working_days(catalog):
    request = file(catalog["艾米聊"], at=shanghai(2026, 9, 25, 12))
    (clock,) = clocks(request)
    assert clock.is_statutory and (clock.amount_max, clock.unit) == (15, "working_day")
    assert "2019" in clock.citation
    assert clock.final_due == date(2026, 10, 22)


def test_a_request_held_to_several_promises_carries_several_clocks(catalog):
    request = file(catalog["联联营商宝"], "access", at=shanghai(2026, 11, 2, 10))
    actions = {(c.action, c.clock_start) for c in clocks(request)}
    request = record_event(event="acknowledge", request=request, at=shanghai(2026, 11, 3, 10))
    after = {(c.action, c.clock_start) for c in clocks(request)}
    assert ("reply", "receipt") in actions
    assert ("reply", "identity_verified") in after - actions


def test_later_catalog_edits_never_rewrite_a_running_clock(catalog):
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10))
    Procedure.objects.filter(policy_version__app__name="卢米埃影城", right="account_cancellation").update(
        deadline_min=3, deadline_max=3
    )
    (clock,) = clocks(request)
    assert (clock.amount_max, clock.final_due) == (7, date(2026, 10, 13))


def test_overdue_is_derived_from_clocks_and_state_not_stored(catalog):
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10))
    on_last_day, day_after = shanghai(2026, 10, 13, 23, 59), shanghai(2026, 10, 14, 0, 1)
    assert not RightsRequest.objects.overdue(on_last_day).filter(pk=request.pk).exists()
    assert RightsRequest.objects.overdue(day_after).filter(pk=request.pk).exists()
    record_event(event="complete", request=request, at=shanghai(2026, 10, 14, 9), now=shanghai(2026, 10, 14, 9))
    assert not RightsRequest.objects.overdue(day_after).filter(pk=request.pk).exists()
    (clock,) = clocks(request)
    assert status_of(clock) == "missed"  # completed a day late


def test_reopening_a_completed_request_puts_its_promise_back_on_the_clock(catalog):
    request = record_event(event="complete", request=file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10)), at=shanghai(2026, 10, 9, 10))
    assert status_of(clocks(request)[0]) == "kept"
    record_event(event="reopen", request=request, note="账号仍可登录", at=shanghai(2026, 10, 20, 10))
    assert clocks(request)[0].met_at is None
    assert RightsRequest.objects.overdue(shanghai(2026, 10, 21, 10)).filter(pk=request.pk).exists()


@pytest.mark.parametrize("close", ["refuse", "withdraw"])
def test_a_refused_or_withdrawn_request_is_never_overdue(catalog, close):
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10))
    if close == "refuse":
        record_event(event="refuse", request=request, reason="身份不符", at=shanghai(2026, 9, 29, 10))
    else:
        record_event(event="withdraw", request=request, note="用户撤回", at=shanghai(2026, 9, 29, 10))
    assert not RightsRequest.objects.overdue(shanghai(2026, 12, 1)).filter(pk=request.pk).exists()
    assert RightsRequest.objects.closed().filter(pk=request.pk).exists()


def test_due_within_counts_working_days_across_the_national_day_holiday(catalog):
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10))  # due 10-13
    # from 2026-10-09 (Fri): 10-10 (make-up Sat) and 10-12 are the next two working days
    assert not RightsRequest.objects.due_within(2, now=shanghai(2026, 10, 9, 9)).filter(pk=request.pk).exists()
    assert RightsRequest.objects.due_within(3, now=shanghai(2026, 10, 9, 9)).filter(pk=request.pk).exists()


def test_statutory_breach_is_flagged_past_the_statutory_last_day(catalog):
    request = file(catalog["艾米聊"], at=shanghai(2026, 9, 25, 12))  # statutory 2026-10-22
    assert not RightsRequest.objects.statutory_breach(shanghai(2026, 10, 22, 20)).filter(pk=request.pk).exists()
    assert RightsRequest.objects.statutory_breach(shanghai(2026, 10, 23, 8)).filter(pk=request.pk).exists()


def test_a_deadline_in_an_unpublished_year_is_provisional_until_the_year_is_entered(catalog):
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 12, 28, 10), now=shanghai(2026, 12, 28, 11))
    (clock,) = clocks(request)
    assert clock.provisional and clock.final_due == date(2027, 1, 7)
    # The (made-up, for the test) 2027 notice: 1 Jan off, and 4-5 Jan as bridging days off.
    CalendarYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
    CalendarOverride.objects.bulk_create(
        [CalendarOverride(day=date(2027, 1, d), is_working_day=False, name="元旦") for d in (4, 5)]
    )
    changed = recompute_after_calendar_change([], year_published=True, calendar=work_calendar())
    assert changed["request"] == 1
    (clock,) = clocks(request)
    assert not clock.provisional and clock.final_due == date(2027, 1, 11)


def status_of(clock, now=None):
    from deadlines.workdays import WorkCalendar

    return clock.status(now or shanghai(2026, 12, 1, 12), calendar=WorkCalendar(), due_soon_working_days=2)


def test_entering_a_year_in_the_admin_tables_recomputes_its_provisional_deadlines(catalog, django_capture_on_commit_callbacks):
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 12, 28, 10), now=shanghai(2026, 12, 28, 11))
    with django_capture_on_commit_callbacks(execute=True):
        set_calendar_day(day=date(2027, 1, 4), working=False, name="元旦调休")
    (clock,) = clocks(request)
    assert clock.provisional and clock.final_due == date(2027, 1, 8)  # recomputed, still provisional
    with django_capture_on_commit_callbacks(execute=True):
        publish_calendar_year(year=2027, source="国务院办公厅通知")
    (clock,) = clocks(request)
    assert not clock.provisional and clock.final_due == date(2027, 1, 8)
