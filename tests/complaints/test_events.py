"""The complaint's event log: one write path, the same rules as the request's (permission, the state the page
saw, time checks, nothing written on refusal), and the clocks that follow from each event."""
import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from complaints.events import EVENTS, EVENTS_BY_NAME, OFFERED_EVENTS, ComplaintState
from complaints.models import Channel, Complaint, ComplaintClock, ComplaintLog
from complaints.services import (
    ComplaintError,
    EventConflict,
    EventRefused,
    allowed_events,
    draft_complaint,
    event_label,
    lodge_complaint,
    record_complaint_event,
    update_requester_details,
)
from rights.roles import AUDITOR, CASE_WORKER
from tests.factories import UserFactory, file, shanghai

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(catalog):
    app = catalog["卢米埃影城"]
    app.addresses = ["北京市东城区测试路1号（测试地址）"]
    app.save()
    request = file(app, at=shanghai(2026, 9, 28, 10), requester_contact="13812345678")
    update_requester_details(request=request, changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"})
    return request


def channel(code):
    return Channel.objects.get(code=code)


def test_the_fsm_has_exactly_the_tables_state_changing_events():
    names = {t.name for t in Complaint._meta.get_field("state").get_all_transitions(Complaint)}
    assert names == {e.name for e in EVENTS if e.sources and e.target}
    assert "draft" not in OFFERED_EVENTS and "request_escalated" not in OFFERED_EVENTS
    assert all(EVENTS_BY_NAME[n].label for n in OFFERED_EVENTS)


def test_the_state_field_is_protected_so_only_the_service_moves_it(overdue):
    complaint = draft_complaint(request=overdue, channel=channel("app"), at=shanghai(2026, 10, 14, 9))
    with pytest.raises(AttributeError):
        complaint.state = ComplaintState.CLOSED


def test_an_auditor_can_record_nothing_and_nothing_is_written(overdue, roles, english):
    auditor = UserFactory(role=AUDITOR)
    with pytest.raises(EventRefused, match="may not draft"):
        draft_complaint(request=overdue, channel=channel("app"), acting_user=auditor, at=shanghai(2026, 10, 14, 9))
    with pytest.raises(EventRefused, match="may not record"):
        lodge_complaint(request=overdue, channel=channel("app"), acting_user=auditor, at=shanghai(2026, 10, 14, 9))
    complaint = lodge_complaint(request=overdue, channel=channel("app"), at=shanghai(2026, 10, 14, 9))
    for event in OFFERED_EVENTS:
        with pytest.raises(EventRefused, match="may not record"):
            record_complaint_event(complaint=complaint, event=event, acting_user=auditor, note="x", reason="x")
    assert allowed_events(complaint, auditor) == []
    assert ComplaintLog.objects.filter(complaint=complaint).count() == 2 and Complaint.objects.count() == 1


def test_a_case_worker_records_with_their_name_on_the_history(overdue, roles):
    worker = UserFactory(role=CASE_WORKER)
    complaint = lodge_complaint(request=overdue, channel=channel("app"), at=shanghai(2026, 10, 14, 9), acting_user=worker)
    assert allowed_events(complaint, worker) == ["answer", "close", "withdraw"]
    complaint = record_complaint_event(complaint=complaint, event="answer", note="客服：已提交注销", acting_user=worker,
                                       at=shanghai(2026, 10, 20, 9))
    assert complaint.state == "answered" and complaint.log.last().by == worker


@pytest.mark.parametrize("at, message", [
    (shanghai(2026, 9, 27, 10), "before its request was filed"),
    (shanghai(2026, 10, 14, 8), "the complaint's previous event happened at 2026-10-14 09:00"),
    (timezone.now() + timedelta(hours=2), "in the future"),
    (datetime(26, 11, 2, 10), "outside the working-day calendar"),  # "0026-11-02", a year typo
    (datetime(1900, 1, 1), "dates from 2001"),
])
def test_time_checks_refuse_the_event_and_write_nothing(overdue, at, message, english):
    complaint = draft_complaint(request=overdue, channel=channel("app"), at=shanghai(2026, 10, 14, 9))
    with pytest.raises(ComplaintError, match=message):
        record_complaint_event(complaint=complaint, event="lodge", at=at)
    complaint.refresh_from_db()
    assert complaint.state == "drafted" and complaint.log.count() == 1 and not complaint.clocks.exists()


def test_a_stale_page_gets_changed_by_someone_else(overdue, english):
    complaint = lodge_complaint(request=overdue, channel=channel("app"), at=shanghai(2026, 10, 14, 9))
    record_complaint_event(complaint=complaint, event="answer", note="已处理", at=shanghai(2026, 10, 15, 9))
    with pytest.raises(EventConflict, match="changed by someone else"):
        record_complaint_event(complaint=complaint, event="close", note="完", expected_state="lodged")


def test_required_inputs_and_control_characters_are_refused(overdue, english):
    complaint = lodge_complaint(request=overdue, channel=channel("app"), at=shanghai(2026, 10, 14, 9))
    with pytest.raises(EventRefused, match="needs the note"):
        record_complaint_event(complaint=complaint, event="answer")
    with pytest.raises(ComplaintError, match=r"control character \(U\+0000\)"):
        record_complaint_event(complaint=complaint, event="answer", note="ok\x00")
    with pytest.raises(ComplaintError, match="too long"):
        record_complaint_event(complaint=complaint, event="answer", note="x", reference="R" * 101)


def test_an_unknown_or_not_allowed_event_says_what_is_allowed(overdue, english):
    complaint = lodge_complaint(request=overdue, channel=channel("app"), at=shanghai(2026, 10, 14, 9))
    with pytest.raises(EventRefused, match="Unknown complaint event"):
        record_complaint_event(complaint=complaint, event="explode")
    # The events by their labels in the reader's language, never their codes (issue 19).
    allowed = "Allowed now: " + ", ".join(event_label(n) for n in ("answer", "close", "withdraw"))
    with pytest.raises(EventRefused, match=re.escape(allowed)):
        record_complaint_event(complaint=complaint, event="admit")


def test_12315_admission_in_7_working_days_then_45_working_days_of_mediation_from_admission(overdue):
    complaint = lodge_complaint(request=overdue, channel=channel("12315"), at=shanghai(2026, 10, 14, 10))
    (admission,) = complaint.clocks.all()
    assert admission.action == "admission" and admission.final_due.isoformat() == "2026-10-23"
    complaint = record_complaint_event(complaint=complaint, event="admit", at=shanghai(2026, 10, 20, 10), reference="SC-1")
    clocks = {c.action: c for c in complaint.clocks.all()}
    assert clocks["admission"].kept_promise() is True
    # 45 working days after 2026-10-20 on the 2026 calendar.
    assert clocks["answer"].final_due.isoformat() == "2026-12-22" and "第二十一条" in clocks["answer"].citation


def test_the_app_channel_holds_the_app_to_its_own_complaint_promise_capped_at_15_working_days(catalog):
    epiao = catalog["E票电影"]  # its policy promises complaints a reply within 7-15 working days
    request = file(epiao, at=shanghai(2026, 9, 30, 10), requester_contact="13800000000")
    complaint = lodge_complaint(request=request, channel=channel("app"), at=shanghai(2026, 11, 2, 10))
    (clock,) = complaint.clocks.all()
    assert (clock.amount_min, clock.amount_max, clock.unit) == (7, 15, "working_day")
    assert "7-15个工作日" in clock.quote and clock.policy_version is not None and not clock.is_statutory
    assert clock.statutory_due is not None and clock.final_due == clock.statutory_due


def test_12377_has_no_day_count_so_no_clock(overdue):
    complaint = lodge_complaint(request=overdue, channel=channel("12377"), at=shanghai(2026, 10, 14, 10))
    assert not complaint.clocks.exists()


def test_complaint_clocks_have_the_same_named_filters_as_the_requests(overdue):
    complaint = lodge_complaint(request=overdue, channel=channel("isc"), at=shanghai(2026, 10, 14, 10))
    (clock,) = complaint.clocks.all()
    assert clock.final_due.isoformat() == "2026-10-28"  # 10 working days
    before, after = shanghai(2026, 10, 28, 23), shanghai(2026, 10, 29, 0, 1)
    assert list(ComplaintClock.objects.running()) == [clock]
    assert not ComplaintClock.objects.overdue(before).exists() and list(ComplaintClock.objects.overdue(after)) == [clock]
    assert list(ComplaintClock.objects.due_by(clock.final_due, shanghai(2026, 10, 26, 9))) == [clock]
    record_complaint_event(complaint=complaint, event="answer", note="企业已回复", at=shanghai(2026, 10, 27, 9))
    assert not ComplaintClock.objects.running().exists() and not ComplaintClock.objects.overdue(after).exists()


def test_the_app_channels_statutory_breach_is_past_its_15_working_days(overdue):
    complaint = lodge_complaint(request=overdue, channel=channel("app"), at=shanghai(2026, 10, 14, 10))
    (clock,) = complaint.clocks.all()
    assert clock.statutory_due.isoformat() == "2026-11-04"
    assert not ComplaintClock.objects.statutory_breach(shanghai(2026, 11, 4, 23)).exists()
    assert list(ComplaintClock.objects.statutory_breach(shanghai(2026, 11, 5, 9))) == [clock]


@pytest.fixture
def crash_on_escalation_outcome(db):
    """The database refuses the complaint history's "request escalated" row, the last write of a lodging: what a
    crash just before it would leave (a trigger of the database itself, on PostgreSQL or SQLite)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_crash() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'crash before the outcome row'; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER test_crash BEFORE INSERT ON complaints_complaintlog FOR EACH ROW "
                "WHEN (NEW.event = 'request_escalated') EXECUTE FUNCTION test_crash()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER test_crash BEFORE INSERT ON complaints_complaintlog "
                "WHEN NEW.event = 'request_escalated' BEGIN SELECT RAISE(ABORT, 'crash before the outcome row'); END"
            )


def test_lodging_with_a_regulator_and_the_requests_escalation_are_one_transaction(overdue, crash_on_escalation_outcome):
    """Neither is recorded without the other: when the lodging fails at its last write, the complaint is not
    lodged and the request is not escalated (before, each was its own transaction and both stayed)."""
    from django.db import DatabaseError

    with pytest.raises(DatabaseError, match="crash before the outcome row"):
        lodge_complaint(request=overdue, channel=channel("12315"), at=shanghai(2026, 10, 14, 10))
    overdue.refresh_from_db()
    assert overdue.state == "submitted" and not overdue.log.filter(transition="escalate").exists()
    assert not Complaint.objects.filter(request=overdue).exists()


def test_an_escalation_the_request_refuses_leaves_the_complaint_lodged_and_says_why(overdue, english):
    """A request already escalated (to 12315) cannot be escalated again: a second complaint, to the 互联网信息服务
    投诉平台, is lodged all the same and its history says why the request was not escalated (a savepoint undid only
    the escalation; the request keeps its first regulator)."""
    first = lodge_complaint(request=overdue, channel=channel("12315"), at=shanghai(2026, 10, 14, 10))
    assert first.log.filter(event="request_escalated").exists()
    second = lodge_complaint(request=overdue, channel=channel("isc"), at=shanghai(2026, 10, 15, 10))
    assert second.state == "lodged"
    outcome = second.log.get(event__in=("request_escalated", "request_not_escalated"))
    assert outcome.event == "request_not_escalated" and "Escalated" in outcome.note
    overdue.refresh_from_db()
    assert overdue.regulator == channel("12315").name and overdue.log.filter(transition="escalate").count() == 1
