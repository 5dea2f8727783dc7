"""A complaint's clocks in the reminder sweep (issue 9): a regulator overdue is reminded like an app overdue.

The scenario: 卢米埃影城 cancellation filed 2026-09-28 10:00 (last day 2026-10-13), assigned to 王. The complaint to
the app is lodged 2026-10-14 10:00; 12300 takes the case from 2026-10-30, lodged 10:00 that day (which escalates
the request, so its own clocks remind no one from then on), and the complaint to the app is closed. 12300 owes
its admission decision within 5 working days (工信部令第35号 art. 14): last day Friday 2026-11-06. On Wednesday
2026-11-11 it is overdue by 3 working days (11-09, 11-10, 11-11): the first reminder about it, whenever the sweep
first sees it; the next comes 3 working days after that one went out (K = 3).
"""
from datetime import date

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import translation

from complaints.models import Channel, ComplaintClock
from complaints.services import lodge_complaint, record_complaint_event, update_requester_details
from rights.models import Reminder, ReminderKind, ReminderPreference, ReminderStatus, RightsRequest
from rights.reminders import snooze_reminders, sweep_reminders
from tests.factories import UserFactory, file, shanghai
from tests.rights.test_reminders_smtp import Inbox, port, smtp_backend, smtp_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ADMISSION_LAST_DAY = date(2026, 11, 6)
WEDNESDAY = shanghai(2026, 11, 11, 9, 30)


@pytest.fixture
def clerk(db):
    return UserFactory(username="wang", email="wang@example.com")


@pytest.fixture
def with_12300(catalog, clerk):
    """The request, its complaint to the app (closed) and its 12300 complaint (lodged): returns the latter."""
    app = catalog["卢米埃影城"]
    app.addresses = ["北京市东城区测试路1号（测试地址）"]
    app.save(update_fields=["addresses"])
    request = file(app, at=shanghai(2026, 9, 28, 10), requester_contact="13812345678", assignee=clerk)
    update_requester_details(request=request, changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"})
    to_app = lodge_complaint(request=request, channel=Channel.objects.get(code="app"), at=shanghai(2026, 10, 14, 10))
    regulator = lodge_complaint(
        request=request, channel=Channel.objects.get(code="12300"), at=shanghai(2026, 10, 30, 10), reference="GX-1"
    )
    record_complaint_event(complaint=to_app, event="close", at=shanghai(2026, 10, 30, 11), note="12300 takes it up")
    assert RightsRequest.objects.get(pk=request.pk).state == "escalated"
    admission = regulator.clocks.get(action="admission")
    assert admission.final_due == ADMISSION_LAST_DAY
    return regulator


def ledger():
    """The ledger's rows, each with the complaint clock it names by (source, clock id)."""
    rows = list(Reminder.objects.all())
    assert {r.source for r in rows} <= {"complaint"} and all(r.clock_id is None for r in rows)
    clocks = ComplaintClock.objects.select_related("complaint__channel").in_bulk([r.source_clock_id for r in rows])
    return sorted(
        (clocks[r.source_clock_id].complaint.channel.code, clocks[r.source_clock_id].action, r.kind, r.due, r.repeat, r.status)
        for r in rows
    )


def test_a_regulators_overdue_admission_is_reminded_once_per_repeat(with_12300):
    first = sweep_reminders(now=WEDNESDAY)
    assert first.sent == 1 and first.failed == 0
    # Only the regulator's clock: the request's own clocks are the regulator's to chase now (escalated), and the
    # complaint to the app is closed.
    assert ledger() == [("12300", "admission", ReminderKind.OVERDUE, ADMISSION_LAST_DAY, 0, ReminderStatus.SENT)]
    (message,) = mail.outbox
    assert message.to == ["wang@example.com"]

    # The next hourly sweep, the next day and Friday (two working days after the mail): nothing new.
    assert sweep_reminders(now=shanghai(2026, 11, 11, 16)).sent == 0
    assert sweep_reminders(now=shanghai(2026, 11, 12, 9, 30)).sent == 0
    assert sweep_reminders(now=shanghai(2026, 11, 13, 9, 30)).sent == 0
    assert len(mail.outbox) == 1

    # Monday 11-16, the third working day after it: the second reminder, once.
    assert sweep_reminders(now=shanghai(2026, 11, 16, 9, 30)).sent == 1
    assert sweep_reminders(now=shanghai(2026, 11, 16, 10, 30)).sent == 0
    assert [row[4] for row in ledger()] == [0, 1] and len(mail.outbox) == 2


def test_the_digest_names_the_channel_and_the_action_under_the_request_in_chinese(with_12300):
    sweep_reminders(now=WEDNESDAY)  # 王 has no preference: the default language, Chinese
    (message,) = mail.outbox
    body = message.body
    entry = body.split(f"#{with_12300.request_id} ", 1)[1]
    assert "12300 受理决定" in entry and "已逾期 3 个工作日" in entry and "2026-11-06" in entry
    # The reminder's own line says which clock it is about (the request's clocks are named on the next line).
    assert any(line.strip().startswith("12300 受理决定 ") and "已逾期 3 个工作日" in line for line in entry.splitlines())
    html = message.alternatives[0][0]
    assert "12300 受理决定" in html
    assert f"/admin/rights/rightsrequest/{with_12300.request_id}/change/" in body


def test_the_digest_names_the_channel_and_the_action_in_english(with_12300, clerk):
    ReminderPreference.objects.create(user=clerk, language="en")
    sweep_reminders(now=WEDNESDAY)
    (message,) = mail.outbox
    entry = message.body.split(f"#{with_12300.request_id} ", 1)[1]
    assert "12300 Admission decision" in entry and "overdue by 3 working days" in entry
    assert any(line.strip().startswith("12300 Admission decision Overdue") for line in entry.splitlines()), entry
    assert "1 overdue" in message.subject


def test_snoozing_the_request_silences_its_complaints_overdue_repeats(with_12300, clerk):
    snooze_reminders(
        request=with_12300.request, until=date(2026, 11, 20), reason="12300 called: decision soon", now=shanghai(2026, 11, 10, 18)
    )
    assert sweep_reminders(now=WEDNESDAY).sent == 0
    assert mail.outbox == [] and not Reminder.objects.exists()
    # When the snooze has run out, one reminder goes out (not one per missed interval), the first: 11-23 is 17 days late.
    after = sweep_reminders(now=shanghai(2026, 11, 23, 9, 30))
    assert after.sent == 1
    assert ledger() == [("12300", "admission", ReminderKind.OVERDUE, ADMISSION_LAST_DAY, 0, ReminderStatus.SENT)]


def test_an_unsent_reminder_is_cancelled_when_the_request_is_snoozed_before_the_send_time(with_12300):
    early = sweep_reminders(now=shanghai(2026, 11, 11, 7))  # recorded, held until 09:00
    assert early.recorded == 1 and early.held == 1
    snooze_reminders(request=with_12300.request, until=date(2026, 11, 20), now=shanghai(2026, 11, 11, 8))
    assert sweep_reminders(now=WEDNESDAY).sent == 0
    assert Reminder.objects.get().status == ReminderStatus.CANCELLED


def test_an_answered_complaint_is_not_reminded(with_12300):
    record_complaint_event(complaint=with_12300, event="answer", at=shanghai(2026, 11, 10, 15), note="受理并答复")
    assert sweep_reminders(now=WEDNESDAY).sent == 0
    assert mail.outbox == [] and not Reminder.objects.exists()


def test_a_complaint_closed_after_its_reminder_was_recorded_is_not_sent(with_12300):
    sweep_reminders(now=shanghai(2026, 11, 11, 7))  # recorded before the send time
    record_complaint_event(complaint=with_12300, event="close", at=shanghai(2026, 11, 11, 8), note="不再追究")
    assert sweep_reminders(now=WEDNESDAY).sent == 0
    assert Reminder.objects.get().status == ReminderStatus.CANCELLED


def test_the_admission_is_due_soon_before_its_last_day(with_12300):
    result = sweep_reminders(now=shanghai(2026, 11, 5, 9, 30))  # Thursday: last day tomorrow
    assert [(r.kind, r.due) for r in result.reminders] == [(ReminderKind.DUE_SOON, ADMISSION_LAST_DAY)]


def test_the_ledger_holds_a_complaint_reminder_once_and_about_exactly_one_clock(with_12300):
    admission = ComplaintClock.objects.get(complaint=with_12300, action="admission")
    request_clock = with_12300.request.clocks.first()
    key = {"request_id": with_12300.request_id, "kind": ReminderKind.OVERDUE, "due": ADMISSION_LAST_DAY, "repeat": 1}
    about_admission = {"source": "complaint", "source_clock_id": admission.pk}
    Reminder.objects.create(**about_admission, **key)
    for clocks in (
        about_admission,  # the same reminder again
        {},  # about no clock
        {"source": "complaint"},
        {**about_admission, "clock": request_clock},  # about two clocks
        {"source": "request", "source_clock_id": admission.pk},  # the request's source without its clock
        {"source": "complaint", "clock": request_clock},  # a request clock under another source
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Reminder.objects.create(**clocks, **key)
    # The same key about the request's own clock, or about a clock of another source with the same id, is another
    # reminder.
    Reminder.objects.create(clock=request_clock, **key)
    Reminder.objects.create(source="elsewhere", source_clock_id=admission.pk, **key)
    assert Reminder.objects.count() == 3


def test_the_digest_reaches_a_real_smtp_server_with_the_channel_label(with_12300, smtp_backend):  # noqa: F811 (fixture)
    with smtp_server(smtp_backend, Inbox()) as inbox:
        result = sweep_reminders(now=WEDNESDAY)
        again = sweep_reminders(now=shanghai(2026, 11, 11, 10, 30))
    assert result.sent == 1 and again.sent == 0
    (message,) = inbox.messages
    text = message.get_body(("plain",)).get_content()
    assert "12300 受理决定" in text and "已逾期 3 个工作日" in text
    assert Reminder.objects.get().message_id == message["Message-ID"]
    with translation.override("zh-hans"):
        assert mail.outbox == []  # it went over SMTP


def test_an_unassigned_requests_complaint_is_reminded_to_the_team(with_12300, settings):
    from rights.services import record_event

    settings.TEAM_EMAIL = "team@example.com"
    record_event(event="assign", request=with_12300.request, assignee=None, at=shanghai(2026, 11, 10, 12), now=shanghai(2026, 11, 10, 12))
    assert sweep_reminders(now=WEDNESDAY).sent == 1
    (message,) = mail.outbox
    assert message.to == ["team@example.com"] and "12300" in message.body


def test_a_digest_labels_only_the_requests_it_shows():
    """Rendering follows the cap (issue 12): only the most urgent DIGEST_ENTRIES requests' lines are loaded and
    labelled; the others are counted."""
    from rights.reminders import DIGEST_ENTRIES, DigestItem, shown_items

    items = [DigestItem(n * 10 + k, n, ReminderKind.OVERDUE, date(2026, 11, 1), 0) for n in range(DIGEST_ENTRIES + 7) for k in range(2)]
    shown, more = shown_items(items)
    assert more == 7 and len(shown) == 2 * DIGEST_ENTRIES
    assert {item.request_id for item in shown} == set(range(DIGEST_ENTRIES))


def test_each_ledger_row_is_about_its_own_requests_clock(with_12300, catalog, clerk):
    """The ledger's request column has no database constraint of its own (the clock's constraint implies the
    request): the sweep takes it from the clock's row, for the request's own clocks and for a complaint's."""
    other = file(catalog["卢米埃影城"], at=shanghai(2026, 10, 30, 10), assignee=clerk)
    sweep_reminders(now=WEDNESDAY)
    rows = list(Reminder.objects.values_list("request_id", "clock__request_id", "source", "source_clock_id"))
    assert {row[0] for row in rows} == {with_12300.request_id, other.pk}
    complaint_requests = dict(ComplaintClock.objects.values_list("pk", "complaint__request_id"))
    assert {source for _request, _clock, source, _id in rows} == {"request", "complaint"}
    for request_id, clock_request, source, source_clock_id in rows:
        assert request_id == (clock_request if source == "request" else complaint_requests[source_clock_id])
