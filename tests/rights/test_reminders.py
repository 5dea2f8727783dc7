"""Reminder rules, through `manage.py send_reminders --now`: what is due when, once each, to whom, and when not.

The scenario request: 卢米埃影城 promises account cancellation within 7 working days. Filed on Tuesday 2026-11-10,
its last day is Thursday 2026-11-19 and its statutory last day (15 working days) Tuesday 2026-12-01. Defaults:
due soon = 2 working days ahead, overdue repeated once 3 working days have passed since the last one went out, escalation suggested after 3 working days overdue,
mail from 09:00 on working days (Asia/Shanghai).
"""
import json
from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation

from rights.models import Reminder, ReminderKind, ReminderPreference, ReminderSettings, ReminderSnooze, ReminderStatus
from rights.reminders import sweep_reminders
from rights.services import record_event
from tests.factories import UserFactory, file, shanghai

pytestmark = pytest.mark.django_db

FILED = shanghai(2026, 11, 10, 10)
LAST_DAY = "2026-11-19"


def send(now: str, *extra) -> dict:
    out = StringIO()
    call_command("send_reminders", "--now", now, "--json", *extra, stdout=out)
    return json.loads(out.getvalue())


def keys(result: dict) -> list[tuple]:
    return sorted((r["request"], r["kind"], r["due"], r["repeat"]) for r in result["reminders"])


@pytest.fixture
def clerk(db):
    return UserFactory(username="wang", email="wang@example.com")


@pytest.fixture
def cancellation(catalog, clerk):
    return file(catalog["卢米埃影城"], at=FILED, assignee=clerk)


def test_the_scenario_due_soon_then_overdue_then_nothing_new_the_same_day_then_the_repeat(cancellation, clerk):
    # The day before the last day: one due-soon mail.
    first = send("2026-11-18T09:30")
    assert keys(first) == [(cancellation.pk, "due_soon", LAST_DAY, 0)]
    assert first["sent"] == 1 and first["failed"] == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wang@example.com"]

    # The last day itself: that due-soon reminder was already sent.
    assert send("2026-11-19T09:30")["reminders"] == []

    # The day after the last day: one overdue mail.
    overdue = send("2026-11-20T09:30")
    assert keys(overdue) == [(cancellation.pk, "overdue", LAST_DAY, 0)]
    assert len(mail.outbox) == 2

    # Run again the same day: nothing new.
    again = send("2026-11-20T16:00")
    assert again["sent"] == 0 and again["reminders"] == [] and len(mail.outbox) == 2

    # Three working days later (Monday 23, Tuesday 24, Wednesday 25): the repeat, not before.
    assert send("2026-11-23T09:30")["reminders"] == [] and send("2026-11-24T09:30")["reminders"] == [
        {"request": cancellation.pk, "kind": "escalate", "due": LAST_DAY, "repeat": 0, "status": "sent",
         "recipient": "wang@example.com"}
    ]
    repeat = send("2026-11-25T09:30")
    assert keys(repeat) == [(cancellation.pk, "overdue", LAST_DAY, 1)]
    assert len(mail.outbox) == 4
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 4
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}


def test_overdue_mails_come_every_third_working_day_never_on_consecutive_working_days(cancellation):
    # A sweep every hour of every day from the day after the last day (Friday 11-20) to Friday 12-04.
    sent = []
    for day in range(20, 35):
        for hour in (7, 9, 13, 18):
            moment = f"2026-{11 + day // 31}-{day % 31 + day // 31:02d}T{hour:02d}:30"
            sent += [(moment[:10], r["repeat"]) for r in send(moment)["reminders"] if r["kind"] == "overdue"]
    # Friday, then Wednesday (23, 24, 25), Monday (26, 27, 30), Thursday (1, 2, 3): counted 1, 2, 3, 4.
    assert sent == [("2026-11-20", 0), ("2026-11-25", 1), ("2026-11-30", 2), ("2026-12-03", 3)]


def test_before_the_send_time_reminders_are_recorded_and_held_then_sent_at_nine(cancellation):
    early = send("2026-11-20T07:00")
    assert early["sent"] == 0 and early["held"] == 1 and mail.outbox == []
    assert early["send_at"] == "2026-11-20T09:00:00+08:00"
    assert Reminder.objects.get().status == ReminderStatus.PENDING

    later = send("2026-11-20T09:00")
    assert keys(later) == [(cancellation.pk, "overdue", LAST_DAY, 0)] and len(mail.outbox) == 1


def test_on_a_day_off_reminders_wait_for_the_next_working_day(cancellation):
    saturday = send("2026-11-21T10:00")
    assert saturday["sent"] == 0 and saturday["held"] == 1 and mail.outbox == []
    assert saturday["send_at"] == "2026-11-23T09:00:00+08:00"
    assert send("2026-11-22T15:00")["sent"] == 0
    monday = send("2026-11-23T09:05")
    assert keys(monday) == [(cancellation.pk, "overdue", LAST_DAY, 0)]  # the first mail about it is the first
    assert len(mail.outbox) == 1


@override_settings(LANGUAGE_CODE="en")
def test_a_sweep_after_an_outage_records_one_reminder_per_clock_and_rule_and_says_how_late(cancellation):
    # No sweep ran from before the last day until eight days after it (six working days: 20, 23-27).
    result = send("2026-11-27T09:30")
    assert keys(result) == [(cancellation.pk, "escalate", LAST_DAY, 0), (cancellation.pk, "overdue", LAST_DAY, 0)]
    assert Reminder.objects.count() == 2
    assert len(mail.outbox) == 1  # one digest, no burst of the missed ones
    body = mail.outbox[0].body
    assert "overdue by 6 working days" in body and "(reminder" not in body  # the first mail about it
    # The next one comes three working days after this one went out (11-30, 12-01, 12-02), numbered 2.
    assert send("2026-12-01T09:30")["reminders"] == []
    assert (cancellation.pk, "overdue", LAST_DAY, 1) in keys(send("2026-12-02T09:30"))
    assert "overdue by 9 working days (reminder 2)" not in mail.outbox[-1].body  # the label and the status apart
    assert "(reminder 2)" in mail.outbox[-1].body and "overdue by 9 working days" in mail.outbox[-1].body


def test_a_held_reminder_goes_out_as_it_is_rather_than_a_newer_repeat(cancellation):
    send("2026-11-20T07:00")  # recorded before the send time; then no sweep for a few days
    assert keys(send("2026-11-25T09:30")) == [(cancellation.pk, "escalate", LAST_DAY, 0), (cancellation.pk, "overdue", LAST_DAY, 0)]
    assert dict(Reminder.objects.filter(kind="overdue").values_list("repeat", "status")) == {0: ReminderStatus.SENT}


def test_a_request_completed_before_the_send_time_gets_no_reminder(cancellation):
    send("2026-11-20T07:00")
    record_event(event="complete", request=cancellation, at=shanghai(2026, 11, 20, 8))
    result = send("2026-11-20T09:30")
    assert result["reminders"] == [] and mail.outbox == []
    assert Reminder.objects.get().status == ReminderStatus.CANCELLED


def test_an_escalated_request_stops_the_overdue_repeats(cancellation):
    send("2026-11-20T09:30")
    record_event(event="escalate", request=cancellation, regulator="上海市网信办", at=shanghai(2026, 11, 21, 10))
    assert send("2026-11-23T09:30")["reminders"] == []
    assert send("2026-12-03T09:30")["reminders"] == []  # not even the statutory breach: the regulator has it


def test_past_the_statutory_last_day_one_breach_reminder_per_clock(cancellation):
    send("2026-12-02T09:30")  # the first sweep after the statutory last day, 2026-12-01
    breach = Reminder.objects.filter(kind="statutory_breach")
    assert [(r.due.isoformat(), r.status) for r in breach] == [("2026-12-01", ReminderStatus.SENT)]
    send("2026-12-03T09:30")
    send("2026-12-07T09:30")
    assert breach.count() == 1


def test_escalation_is_suggested_once_after_m_working_days_overdue(cancellation):
    # 2026-11-24 is the 3rd working day after the last day (20, 23, 24).
    assert "escalate" not in {r["kind"] for r in send("2026-11-23T09:30")["reminders"]}
    assert "escalate" in {r["kind"] for r in send("2026-11-24T09:30")["reminders"]}
    send("2026-11-26T09:30")
    send("2026-12-02T09:30")
    assert Reminder.objects.filter(kind="escalate").count() == 1


def test_the_settings_row_changes_n_k_and_m_without_a_deploy(cancellation):
    ReminderSettings.objects.update_or_create(
        pk=1, defaults={"due_soon_working_days": 5, "repeat_every_days": 1, "suggest_escalation": False}
    )
    # 2026-11-12 is 5 working days before the last day (13, 16, 17, 18, 19); with the default 2 it is quiet.
    assert keys(send("2026-11-12T09:30")) == [(cancellation.pk, "due_soon", LAST_DAY, 0)]
    send("2026-11-20T09:30")
    assert keys(send("2026-11-23T09:30")) == [(cancellation.pk, "overdue", LAST_DAY, 1)]  # a repeat each working day
    assert not Reminder.objects.filter(kind="escalate").exists()


def test_switched_off_reminders_record_and_send_nothing(cancellation):
    ReminderSettings.objects.update_or_create(pk=1, defaults={"enabled": False})
    result = send("2026-11-20T09:30")
    assert result["enabled"] is False and not Reminder.objects.exists() and mail.outbox == []


def test_a_snooze_stops_the_repeats_until_its_day_then_the_current_repeat_goes_out(cancellation, clerk):
    send("2026-11-20T09:30")
    ReminderSnooze.objects.create(request=cancellation, until=date(2026, 11, 24), created_by=clerk)
    assert send("2026-11-23T09:30")["reminders"] == []  # repeat 1 is snoozed
    assert [r["kind"] for r in send("2026-11-24T09:30")["reminders"]] == ["escalate"]  # not a repeat: not snoozed
    after = send("2026-11-25T09:30")
    assert keys(after) == [(cancellation.pk, "overdue", LAST_DAY, 1)]


def test_a_snooze_on_one_clock_leaves_the_other_clocks_of_the_request_alone(catalog, clerk):
    # E票电影 cancellation: a reply clock and a completion clock, both 7–15 working days, due 2026-11-23.
    request = file(catalog["E票电影"], at=shanghai(2026, 11, 2, 10), assignee=clerk)
    snoozed, other = request.clocks.order_by("id")
    ReminderSnooze.objects.create(request=request, clock=snoozed, until=date(2026, 12, 31))
    send("2026-11-25T09:30")
    assert list(Reminder.objects.filter(kind="overdue").values_list("clock_id", flat=True)) == [other.pk]


def test_one_digest_per_recipient_most_urgent_first_with_links_and_both_formats(catalog, clerk):
    ReminderPreference.objects.create(user=clerk, language="en")
    soon = file(catalog["卢米埃影城"], at=shanghai(2026, 11, 16, 10), assignee=clerk, requester="李四")  # due 11-25
    late = file(catalog["卢米埃影城"], at=FILED, assignee=clerk)  # due 11-19
    with override_settings(SITE_URL="https://desk.example.org"):
        result = send("2026-11-24T09:30")
    (message,) = mail.outbox
    assert result["digests"] == [{"to": "wang@example.com", "subject": message.subject, "count": 3, "status": "sent"}]
    text = message.body
    # Escalation first, then overdue, then due soon.
    assert text.index("Escalation suggested") < text.index("Overdue") < text.index("Due soon")
    assert text.index(f"#{late.pk} ") < text.index(f"#{soon.pk} ")
    # Working days, as on the request list: 11-20, 11-23 and 11-24 after the last day 11-19.
    assert "overdue by 3 working days" in text and "1 working day left" in text
    assert f"https://desk.example.org/admin/rights/rightsrequest/{late.pk}/change/" in text
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="https://desk.example.org/admin/rights/rightsrequest/{soon.pk}/change/"' in html
    assert "3 deadlines need attention" in message.subject
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


@override_settings(TEAM_EMAIL="desk@example.org")
def test_unassigned_requests_go_to_the_team_address(catalog):
    request = file(catalog["卢米埃影城"], at=FILED)
    result = send("2026-11-20T09:30")
    assert [(r["request"], r["recipient"]) for r in result["reminders"]] == [(request.pk, "desk@example.org")]
    assert mail.outbox[0].to == ["desk@example.org"]


@override_settings(TEAM_EMAIL="desk@example.org")
def test_while_the_assignee_is_away_the_team_gets_the_reminders(cancellation, clerk):
    ReminderPreference.objects.create(user=clerk, away_until=date(2026, 11, 20))
    assert send("2026-11-20T09:30")["reminders"][0]["recipient"] == "desk@example.org"
    assert send("2026-11-25T09:30")["reminders"][0]["recipient"] == "wang@example.com"  # the repeat


def test_a_chosen_address_and_language_are_used(cancellation, clerk):
    ReminderPreference.objects.create(user=clerk, email="wang.personal@example.net", language="en")
    send("2026-11-20T09:30")
    (message,) = mail.outbox
    assert message.to == ["wang.personal@example.net"]
    assert message.extra_headers["Content-Language"] == "en"
    assert '<html lang="en">' in message.alternatives[0][0]


def test_without_a_preference_the_digest_is_in_the_default_language(cancellation):
    send("2026-11-20T09:30")
    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in message.alternatives[0][0]
    with translation.override("zh-hans"):
        overdue = str(ReminderKind.OVERDUE.label)
    assert overdue in message.body and overdue != "Overdue"


def test_dry_run_prints_what_would_be_sent_and_changes_nothing(cancellation):
    result = send("2026-11-20T09:30", "--dry-run")
    assert result["dry_run"] is True and result["sent"] == 0
    assert keys(result) == [(cancellation.pk, "overdue", LAST_DAY, 0)]
    assert result["reminders"][0]["status"] == "would_send"
    assert not Reminder.objects.exists() and mail.outbox == []
    # and the real run then sends exactly that
    assert keys(send("2026-11-20T09:30")) == keys(result)


def test_text_output_names_each_reminder_and_ends_with_a_summary(cancellation):
    out = StringIO()
    call_command("send_reminders", "--now", "2026-11-20T09:30", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("sent: wang@example.com — ")
    assert lines[1].strip() == f"#{cancellation.pk} overdue 2026-11-19 → wang@example.com (sent)"
    assert lines[-1] == "recorded 1, sent 1 in 1 digest(s), failed 0, cancelled 0"


def test_a_bare_date_means_that_day_at_the_send_time(cancellation):
    result = send("2026-11-20")
    assert result["now"] == "2026-11-20T09:00:00+08:00" and result["sent"] == 1


def test_a_bad_now_is_one_clear_error():
    with pytest.raises(CommandError, match="not an ISO date"):
        send("next tuesday")


def test_the_sweep_function_is_what_the_command_runs(cancellation):
    result = sweep_reminders(now=shanghai(2026, 11, 20, 9, 30))
    assert result.sent == 1 and send("2026-11-20T10:00")["reminders"] == []


@pytest.mark.django_db(transaction=True)
def test_the_reminder_loop_runs_a_sweep_and_logs_one_line(catalog):
    out = StringIO()
    call_command("reminder_loop", "--iterations", "1", "--interval", "0", stdout=out)
    (line,) = out.getvalue().splitlines()
    assert line.endswith(" reminders: recorded 0, sent 0 in 0 digest(s), failed 0, cancelled 0")


@override_settings(TEAM_EMAIL="")
def test_without_a_team_address_unassigned_reminders_fail_visibly_and_wait(catalog):
    file(catalog["卢米埃影城"], at=FILED)
    out = StringIO()
    with pytest.raises(CommandError) as failed:  # exit 3: monitoring sees it
        call_command("send_reminders", "--now", "2026-11-20T09:30", "--json", stdout=out)
    assert failed.value.returncode == 3
    result = json.loads(out.getvalue())
    assert result["failed"] == 1 and mail.outbox == []
    assert "TEAM_EMAIL" in Reminder.objects.get(status=ReminderStatus.FAILED).last_error


def test_a_row_whose_clock_went_away_during_the_sweep_is_cancelled_not_sent_and_shown_without_it(cancellation, client):
    """The ledger's clock has no database constraint (a sweep's cost at a million requests): a clock the projection
    drops while a sweep records a reminder about it leaves a row about no clock. Nobody is mailed about it, and the
    pages that list it still open."""
    from django.db import connection

    assert send("2026-11-20T08:00")["held"] == 1  # recorded before the send time, held
    row = Reminder.objects.get()
    with connection.cursor() as cursor:  # what a concurrent projection's delete leaves behind
        cursor.execute("DELETE FROM rights_clock WHERE id = %s", [row.clock_id])
    result = send("2026-11-20T09:30")
    assert result["sent"] == 0 and result["cancelled"] == 1 and mail.outbox == []
    row.refresh_from_db()
    assert row.status == ReminderStatus.CANCELLED

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    for url in (
        f"/admin/rights/reminder/{row.pk}/change/", "/admin/rights/reminder/",
        f"/admin/rights/rightsrequest/{cancellation.pk}/change/",
    ):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url

    from rights.clocks import rebuild

    rebuild(type(cancellation).objects.filter(pk=cancellation.pk))  # the projection's own clock again (new id)
    assert cancellation.clocks.count() == 1 and Reminder.objects.get().status == ReminderStatus.CANCELLED


def test_a_clock_the_projection_drops_takes_its_ledger_rows_with_it(cancellation):
    """The ledger has no index on the clock alone (it would cost every sweep): the projection deletes a dropped
    clock's rows by request and clock, and leaves the other clocks' rows alone."""
    from rights.clocks import rebuild
    from rights.models import Clock

    send("2026-11-20T09:30")
    kept = Reminder.objects.get()
    stray = Clock.objects.get(pk=kept.clock_id)
    stray.pk, stray.promise_key = None, "gone"  # a clock no event starts (any more)
    stray.save()
    Reminder.objects.create(request=cancellation, clock=stray, kind=ReminderKind.OVERDUE, due=stray.final_due)

    changed = rebuild(type(cancellation).objects.filter(pk=cancellation.pk))
    assert [request_id for request_id, _what in changed] == [cancellation.pk]
    assert not Clock.objects.filter(pk=stray.pk).exists()
    assert list(Reminder.objects.all()) == [kept]


def test_a_request_with_reminders_is_not_deleted_and_keeps_its_ledger_rows(cancellation):
    """A request's history is evidence (issue 23: its foreign key is PROTECT), so its ledger rows stay with it."""
    from django.db.models import ProtectedError

    send("2026-11-20T09:30")
    assert Reminder.objects.filter(request=cancellation).exists()
    with pytest.raises(ProtectedError):
        cancellation.delete()
    assert Reminder.objects.filter(request=cancellation).exists()


def test_a_sweep_pauses_the_cyclic_garbage_collector_and_puts_it_back(cancellation, monkeypatch):
    # Full collections of everything alive were a fifth of a large sweep's Python time (bench/README.md).
    import gc

    from rights.reminders import sweep

    seen = []
    real = sweep.record_due_reminders

    def noting(**kwargs):
        seen.append(gc.isenabled())
        return real(**kwargs)

    monkeypatch.setattr(sweep, "record_due_reminders", noting)
    assert gc.isenabled()
    assert sweep_reminders(now=shanghai(2026, 11, 20, 9, 30)).sent == 1
    assert seen == [False] and gc.isenabled()
    gc.disable()  # a caller that paused it itself keeps it paused
    try:
        sweep_reminders(now=shanghai(2026, 11, 20, 9, 45))
        assert not gc.isenabled()
    finally:
        gc.enable()
