"""For any sequence of events recorded through the real services, on a request or on a complaint: the stored
clocks are what a replay of the log gives, and the SQL status (deadlines.status.status_q) of every clock is the
Python status (clock_status) at several moments. One rollback per example (hypothesis.extra.django.TestCase)."""
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from complaints import clocks as complaint_clocks
from complaints.models import Channel, ComplaintClock
from complaints.services import ComplaintError, lodge_complaint, record_complaint_event, update_requester_details
from deadlines.status import (
    ClockStatus,
    clock_status,
    due_soon_horizon,
    finished_q,
    is_finished,
    is_overdue,
    is_running,
    overdue_q,
    running_q,
    status_q,
    today_in_shanghai,
)
from policies.models import App, work_calendar
from policies.seed import load_seed_catalog
from rights import clocks as request_clocks
from rights.models import Clock
from rights.services import RequestError, allowed_events, record_event
from tests.factories import file, shanghai

NOW = shanghai(2026, 12, 31, 12)  # every event is recorded before it
MOMENTS = [shanghai(2026, 10, 9, 12), shanghai(2026, 10, 20, 0), shanghai(2026, 11, 4, 23, 59), shanghai(2026, 12, 1, 9)]
DUE_SOON_WORKING_DAYS = 2

REQUEST_EVENTS = st.lists(
    st.sampled_from([
        "acknowledge", "request_identity", "verify_identity", "reply", "complete", "confirm", "reopen", "refuse",
        "withdraw", "escalate", "resolve", "extend", "pause", "resume",
    ]),
    min_size=2,
    max_size=8,
)  # fmt: skip
COMPLAINT_EVENTS = st.lists(st.sampled_from(["admit", "not_admit", "answer", "close", "withdraw"]), min_size=1, max_size=4)
# Hours between events, from the same hour to two weeks: enough to pass last days as often as to keep them.
GAPS = st.lists(st.sampled_from([0, 1, 3, 9, 20, 30, 50, 80, 130, 200, 330]), min_size=8, max_size=8)

REQUEST_INPUTS = {
    "refuse": {"reason": "不符合条件"}, "withdraw": {"note": "撤回"}, "reopen": {"note": "复核"},
    "escalate": {"regulator": "12377"},
}  # fmt: skip
COMPLAINT_INPUTS = {"not_admit": {"reason": "不予受理"}, "answer": {"note": "已答复"}, "close": {"note": "办结"}, "withdraw": {"note": "撤回"}}


class RandomSequences(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_seed_catalog()

    def assert_sql_status_is_python_status(self, model, clocks):
        calendar = work_calendar()
        for moment in MOMENTS:
            horizon = due_soon_horizon(today_in_shanghai(moment), DUE_SOON_WORKING_DAYS, calendar)
            for clock in clocks:
                expected = clock_status(clock, now=moment, calendar=calendar, due_soon_working_days=DUE_SOON_WORKING_DAYS)
                matching = {name for name in ClockStatus.values if self.matches(model, status_q(name, moment, horizon=horizon), clock)}
                assert matching == {expected}, (clock.action, moment, expected, matching)
                assert self.matches(model, overdue_q(moment), clock) == is_overdue(clock, moment)
        for clock in clocks:
            assert self.matches(model, running_q(), clock) == is_running(clock)
            assert self.matches(model, finished_q(), clock) == is_finished(clock)

    @staticmethod
    def matches(model, condition, clock) -> bool:
        return model.objects.filter(condition, pk=clock.pk).exists()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        app=st.sampled_from(["卢米埃影城", "E票电影"]),
        events=REQUEST_EVENTS,
        gaps=GAPS,
        basis=st.sampled_from(["none", "《个人信息保护法》第五十条"]),
        first_after=st.sampled_from([0, 2, 5, 10, 16, 25, 40]),
    )
    def test_request_clocks_equal_a_replay_and_their_sql_status_is_their_python_status(self, app, events, gaps, basis, first_after):
        at = shanghai(2026, 9, 28, 10)
        request = file(App.objects.get(name=app), at=at, now=NOW)
        at += timedelta(days=first_after)  # the app's first answer: before, on or long after its last days
        for name, gap in zip(events, gaps, strict=False):
            at += timedelta(hours=gap)
            if name not in allowed_events(request):
                continue
            inputs = REQUEST_INPUTS.get(name, {})
            if name == "extend":
                inputs = {"until": at.date() + timedelta(days=20), "basis": basis}
            try:
                request = record_event(request=request, event=name, at=at, now=NOW, **inputs)
            except RequestError:
                continue  # e.g. a pause while paused: refused with one line, nothing written
        request.refresh_from_db()
        assert request_clocks.differences(request, work_calendar()) == []
        self.assert_sql_status_is_python_status(Clock, list(request.clocks.all()))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        code=st.sampled_from(["app", "12315", "isc", "12300"]),
        app=st.sampled_from(["卢米埃影城", "E票电影"]),
        lodged_after=st.integers(min_value=0, max_value=30 * 24),
        events=COMPLAINT_EVENTS,
        gaps=GAPS,
    )
    def test_complaint_clocks_equal_a_replay_and_their_sql_status_is_their_python_status(self, code, app, lodged_after, events, gaps):
        catalog_app = App.objects.get(name=app)
        catalog_app.addresses = ["北京市东城区测试路1号（测试地址）"]
        catalog_app.save(update_fields=["addresses"])
        request = file(catalog_app, at=shanghai(2026, 9, 28, 10), now=NOW, requester_contact="13812345678")
        update_requester_details(request=request, changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"})
        at = shanghai(2026, 10, 14, 10) + timedelta(hours=lodged_after)
        try:
            complaint = lodge_complaint(request=request, channel=Channel.objects.get(code=code), at=at, now=NOW)
        except ComplaintError:
            # Not admissible yet (12300 hears a complaint only after the app had its days to answer); the
            # admissible cases of the other channels still cover every event.
            return
        for name, gap in zip(events, gaps, strict=False):
            at += timedelta(hours=gap)
            try:
                complaint = record_complaint_event(complaint=complaint, event=name, at=at, now=NOW, **COMPLAINT_INPUTS.get(name, {}))
            except ComplaintError:
                continue  # not allowed in its state (or with the app itself): nothing written
        complaint.refresh_from_db()
        assert complaint_clocks.differences(complaint, work_calendar()) == []
        self.assert_sql_status_is_python_status(ComplaintClock, list(complaint.clocks.all()))

