"""The case record as evidence: one event log, one write path, clocks replayed from it (issue: case record).

Each test names the rule it checks; the first ones are the reproductions that made the record lie before.
"""
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deadlines.status import ClockStatus, clock_status, status_q
from policies.models import PolicyVersion, Procedure, work_calendar
from policies.services import set_calendar_day
from rights.admin_html import deadline_html
from rights.clocks import differences, rebuild
from rights.events import EVENT_ORDER, EVENTS, STATE_EVENTS
from rights.models import Clock, ReminderSettings, ReminderSnooze, RightsRequest, State, TransitionLog
from rights.presenters import dashboard, deadline_status
from rights.services import RequestError, TransitionRefused, allowed_events, record_event, snooze_request
from tests.factories import file, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FILED = shanghai(2026, 9, 28, 10)
NOW = shanghai(2026, 11, 30, 12)


@pytest.fixture
def lumiere(catalog):
    return catalog["卢米埃影城"]


@pytest.fixture
def epiao(catalog):
    return catalog["E票电影"]


def status(clock, now=NOW):
    return clock_status(clock, now=now, calendar=work_calendar(), due_soon_working_days=2)


# ------------------------------------------------------------------------------------------- time checks


def test_an_event_dated_before_the_filing_is_refused_and_the_history_stays_in_order(lumiere):
    request = file(lumiere, at=FILED)
    with pytest.raises(TransitionRefused, match="previous event happened at 2026-09-28 10:00"):
        record_event(event="complete", request=request, at=shanghai(2026, 9, 20, 10), now=NOW)
    request.refresh_from_db()
    assert request.state == State.SUBMITTED
    assert list(request.log.values_list("transition", flat=True)) == ["file", "submit"]
    (clock,) = request.clocks.all()
    assert clock.met_at is None and status(clock) == ClockStatus.STATUTORY_BREACH


@pytest.mark.parametrize("typo", [datetime(26, 11, 2, 10), datetime(1, 1, 1), datetime(1900, 1, 1, 10), datetime(9999, 12, 31)])
def test_a_year_outside_the_calendar_is_refused_in_one_line_and_leaves_no_draft(lumiere, typo):
    with pytest.raises(RequestError) as refused:
        file(lumiere, at=typo, now=NOW)
    message = str(refused.value)
    assert "outside the working-day calendar: dates from 2001 to 2027 are supported" in message and "\n" not in message
    assert RightsRequest.objects.count() == 0 and TransitionLog.objects.count() == 0


def test_a_year_typo_on_a_later_event_is_refused_and_the_sweep_keeps_working(lumiere):
    from rights.reminders import sweep_reminders

    request = file(lumiere, at=FILED, now=NOW)
    with pytest.raises(RequestError, match="outside the working-day calendar"):
        record_event(event="reply", request=request, at=datetime(26, 11, 2, 10), now=NOW)
    assert sweep_reminders(now=NOW).recorded > 0


def test_an_event_in_the_future_is_refused(lumiere):
    request = file(lumiere, at=FILED, now=NOW)
    with pytest.raises(RequestError, match="future"):
        record_event(event="complete", request=request, at=NOW + timedelta(minutes=1), now=NOW)


@pytest.mark.parametrize("text", ["张三\x00", "张\x1b[31m三"])
def test_control_characters_in_a_name_are_refused_at_the_boundary(lumiere, text):
    with pytest.raises(RequestError, match="control character"):
        file(lumiere, at=FILED, now=NOW, requester=text)
    assert RightsRequest.objects.count() == 0


# ------------------------------------------------------------------------------------------- permissions


def test_an_auditors_refused_filing_leaves_nothing_behind(lumiere, auditor):
    with pytest.raises(TransitionRefused, match="may not file"):
        file(lumiere, at=FILED, now=NOW, acting_user=auditor)
    assert RightsRequest.objects.count() == 0 and TransitionLog.objects.count() == 0


@pytest.mark.parametrize(
    "record",
    [
        lambda r, u: record_event(event="reply", request=r, acting_user=u, now=NOW),
        lambda r, u: record_event(event="assign", request=r, assignee=u, acting_user=u, now=NOW),
        lambda r, u: snooze_request(request=r, until=date(2026, 12, 31), acting_user=u, now=NOW),
        lambda r, u: record_event(event="amend", request=r, field="requester_name", value="李四", acting_user=u, now=NOW),
    ],
    ids=["reply", "assign", "snooze", "amend"],
)
def test_an_auditor_can_record_no_event(lumiere, auditor, record):
    request = file(lumiere, at=FILED, now=NOW)
    with pytest.raises(TransitionRefused, match="may not"):
        record(request, auditor)
    assert request.log.count() == 2 and ReminderSnooze.objects.count() == 0
    assert allowed_events(request, auditor) == []


# ------------------------------------------------------------------------------------------ the event table


def test_every_state_changing_event_is_an_fsm_transition_derived_from_the_table():
    transitions = list(RightsRequest._meta.get_field("state").get_all_transitions(RightsRequest))
    assert {t.name for t in transitions} == set(STATE_EVENTS)
    for name in STATE_EVENTS:
        assert {t.source for t in transitions if t.name == name} == set(EVENTS[name].sources), name
        assert {t.target for t in transitions if t.name == name} == {EVENTS[name].target}
    assert set(EVENT_ORDER) == set(EVENTS) - {"file"}


def test_amend_keeps_the_old_and_the_new_value_in_the_history(lumiere, clerk):
    """A personal detail's values are kept beside the append-only row (which chains their keyed digest), so that a
    redaction can clear them; any other detail's values are in the row itself."""
    from records.personal import unsealed

    request = file(lumiere, at=FILED, now=NOW)
    record_event(event="amend", request=request, field="requester_contact", value="zs@example.com", acting_user=clerk, now=NOW, note="用户更正")
    record_event(event="amend", request=request, field="channel_used", value="客服热线", acting_user=clerk, now=NOW)
    entry, channel = request.log.filter(transition="amend").order_by("id")
    assert entry.details["field"] == "requester_contact" and "zs@example.com" not in str(entry.details)
    assert unsealed(entry.case_label(), entry.details) == {"old": "", "new": "zs@example.com"}
    assert channel.details == {"field": "channel_used", "old": "", "new": "客服热线"}
    assert (entry.by, entry.note) == (clerk, "用户更正")
    with pytest.raises(TransitionRefused, match="Only these details"):
        record_event(request=request, event="amend", field="state", value="confirmed", now=NOW)


def test_a_closed_request_takes_no_amendment_until_it_is_reopened(lumiere):
    request = record_event(event="refuse", request=file(lumiere, at=FILED, now=NOW), reason="不符合条件", at=shanghai(2026, 9, 29), now=NOW)
    with pytest.raises(TransitionRefused, match="Cannot"):
        record_event(event="amend", request=request, field="requester_name", value="李四", now=NOW)
    request = record_event(event="reopen", request=request, note="复核", now=NOW)
    record_event(event="amend", request=request, field="requester_name", value="李四", now=NOW)
    request.refresh_from_db()
    assert request.requester_name == "李四" and request.state == State.IN_PROGRESS


def test_an_escalated_request_still_records_the_apps_reply_and_completion(lumiere):
    request = record_event(event="escalate", request=file(lumiere, at=FILED, now=NOW), regulator="网信办 12377", at=shanghai(2026, 10, 20), now=NOW)
    record_event(event="reply", request=request, at=shanghai(2026, 10, 21, 10), now=NOW)
    request = record_event(event="complete", request=request, at=shanghai(2026, 10, 22, 10), now=NOW)
    assert request.state == State.COMPLETED
    (clock,) = request.clocks.all()
    assert clock.met_at == shanghai(2026, 10, 22, 10) and status(clock) == ClockStatus.MISSED


# ------------------------------------------------------------------------------------------- statuses


def test_a_refusal_is_never_a_kept_promise(epiao):
    request = file(epiao, "deletion", at=FILED, now=NOW)
    record_event(event="refuse", request=request, reason="账户余额未清", at=shanghai(2026, 9, 29, 10), now=NOW)
    assert {status(c) for c in request.clocks.all()} == {ClockStatus.REFUSED}
    record = next(r for r in dashboard(NOW).apps if r.app == epiao)
    assert (record.kept, record.refused, record.kept_percent) == (0, 1, 0)


def test_the_breach_tile_and_the_breach_list_count_the_same_requests(lumiere, as_clerk_client):
    file(lumiere, at=FILED, now=NOW)  # kept nowhere: past its statutory last day (2026-10-23)
    done = file(lumiere, at=FILED, now=NOW, requester="迟办")
    record_event(event="complete", request=done, at=shanghai(2026, 11, 2, 10), now=NOW)  # kept only after the statutory day
    board = dashboard(NOW)
    listed = RightsRequest.objects.statutory_breach(NOW).count()
    assert board.breach_total == listed == 2


def test_due_soon_is_one_setting_for_the_list_and_the_reminders(lumiere):
    from rights.reminders import sweep_reminders

    def reminded(config):
        result = sweep_reminders(now=on, dry_run=True, settings=config)  # recorded and planned, then rolled back
        return {(r.request, r.kind) for r in result.reminders}

    request = file(lumiere, at=FILED, now=FILED)  # last day 2026-10-13
    config = ReminderSettings(pk=1, due_soon_working_days=3)
    config.save()
    on = shanghai(2026, 10, 9, 10)  # 10-10 (make-up Saturday), 10-12, 10-13: three working days ahead
    calendar = work_calendar()
    assert RightsRequest.objects.due_soon(on).filter(pk=request.pk).exists()
    assert reminded(config) == {(request.pk, "due_soon")}
    assert request.clocks.get().status(on, calendar=calendar, due_soon_working_days=ReminderSettings.load().due_soon_working_days) == ClockStatus.DUE_SOON
    config.due_soon_working_days = 2
    config.save()
    assert not RightsRequest.objects.due_soon(on).filter(pk=request.pk).exists()
    assert reminded(config) == set()
    assert request.clocks.get().status(on, calendar=calendar, due_soon_working_days=ReminderSettings.load().due_soon_working_days) == ClockStatus.RUNNING


def test_a_promise_in_hours_keeps_its_time_of_day(lumiere):
    version = PolicyVersion.objects.filter(app=lumiere).first()
    Procedure.objects.filter(policy_version=version, right="account_cancellation").update(
        deadline_min=48, deadline_max=48, deadline_unit="hour"
    )
    request = file(lumiere, at=shanghai(2026, 11, 2, 15, 30), now=NOW)
    (clock,) = request.clocks.all()
    assert clock.deadline_at == shanghai(2026, 11, 4, 15, 30)
    assert status(clock, shanghai(2026, 11, 4, 15, 29)) != ClockStatus.OVERDUE
    assert status(clock, shanghai(2026, 11, 4, 15, 30)) == ClockStatus.OVERDUE
    assert RightsRequest.objects.overdue(shanghai(2026, 11, 4, 16)).filter(pk=request.pk).exists()
    assert not RightsRequest.objects.overdue(shanghai(2026, 11, 4, 15)).filter(pk=request.pk).exists()


# --------------------------------------------------------------------------------- extensions and pauses


def test_epiao_cancellation_paused_over_the_make_up_saturday_moves_the_promise_not_the_statute(epiao):
    # 7–15 working days after the cancellation (2026-09-30 10:00): 10-15 / 10-27.
    request = file(epiao, at=shanghai(2026, 9, 30, 10), now=NOW)
    completion = request.clocks.get(action="completion", clock_start="account_cancelled")
    assert (completion.due, completion.final_due) == (date(2026, 10, 15), date(2026, 10, 27))
    statutory = completion.statutory_due
    record_event(event="pause", request=request, at=shanghai(2026, 10, 9, 10), now=NOW, note="要求补充身份证明")
    assert request.clocks.get(pk=completion.pk).paused_since is not None
    record_event(event="resume", request=request, at=shanghai(2026, 10, 12, 9), now=NOW)
    completion.refresh_from_db()
    # 10-09 (Fri) and the make-up working day 10-10 (Sat) were paused: two working days.
    assert completion.paused_working_days == 2
    assert (completion.due, completion.final_due) == (date(2026, 10, 19), date(2026, 10, 29))
    assert completion.statutory_due == statutory


def test_a_pause_cannot_be_recorded_twice_nor_a_resume_without_a_pause(epiao):
    request = file(epiao, at=FILED, now=NOW)
    with pytest.raises(TransitionRefused, match="not paused"):
        record_event(event="resume", request=request, now=NOW)
    record_event(event="pause", request=request, at=shanghai(2026, 10, 9), now=NOW)
    with pytest.raises(TransitionRefused, match="already paused"):
        record_event(event="pause", request=request, now=NOW)


def test_an_extension_without_a_legal_basis_never_clears_a_missed_promise(lumiere):
    request = file(lumiere, at=FILED, now=NOW)  # last day 2026-10-13
    record_event(event="extend", request=request, until=date(2026, 10, 30), basis="none", at=shanghai(2026, 10, 12, 10), now=NOW)
    (clock,) = request.clocks.all()
    assert (clock.extended_to, clock.final_due, clock.deadline) == (date(2026, 10, 30), date(2026, 10, 13), date(2026, 10, 13))
    assert status(clock, shanghai(2026, 10, 20, 10)) == ClockStatus.OVERDUE


def test_an_extension_with_a_legal_basis_moves_the_deadline_and_keeps_the_original_dates(lumiere):
    request = file(lumiere, at=FILED, now=NOW)
    record_event(event="extend", 
        request=request, until=date(2026, 10, 20), basis="《个人信息保护法》第五十条（示例依据）", at=shanghai(2026, 10, 12, 10), now=NOW
    )
    (clock,) = request.clocks.all()
    assert (clock.final_due, clock.deadline) == (date(2026, 10, 13), date(2026, 10, 20))
    assert status(clock, shanghai(2026, 10, 16, 10)) != ClockStatus.OVERDUE
    record_event(event="complete", request=request, at=shanghai(2026, 10, 19, 10), now=NOW)
    assert status(request.clocks.get()) == ClockStatus.KEPT


# -------------------------------------------------------------------------------- calendar corrections


def test_a_correction_to_a_published_year_reaches_clocks_that_are_not_provisional(lumiere, django_capture_on_commit_callbacks):
    request = file(lumiere, at=FILED, now=NOW)  # last day 2026-10-13 (Tue), published year
    (clock,) = request.clocks.all()
    assert not clock.provisional and clock.final_due == date(2026, 10, 13)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        set_calendar_day(day=date(2026, 10, 13), working=False, name="更正")
    assert request.clocks.get().final_due == date(2026, 10, 13)  # nothing moves inside the transaction
    for callback in callbacks:
        callback()
    # Civil Code art. 203: a last day that is a day off moves to the next working day.
    assert request.clocks.get().final_due == date(2026, 10, 14)


def test_calendar_commands_record_the_change_and_say_how_many_requests_changed(lumiere):
    request = file(lumiere, at=FILED, now=NOW)
    out = StringIO()
    call_command("calendar", "override", "2026-10-13", "off", "--reason", "更正", stdout=out)
    assert "1 request(s) changed" in out.getvalue()
    assert request.clocks.get().final_due == date(2026, 10, 14)
    from records.models import AuditEntry

    entry = AuditEntry.objects.get(action="calendar override")
    assert entry.changes["new"] == {"working": False, "name": "更正"}
    out = StringIO()
    call_command("calendar", "publish", "2027", stdout=out)
    assert "2027 is published" in out.getvalue()
    with pytest.raises(CommandError, match="outside"):
        call_command("calendar", "override", "0026-10-13", "off")


# ---------------------------------------------------------------------------------------- the projection


def test_an_amendment_does_not_stop_anyone_recording_what_happened_before_it(lumiere, clerk):
    # Issue 19: a contact detail corrected at 14:29, then the acknowledgement that came at 14:25 was refused.
    request = file(lumiere, at=FILED, now=NOW)
    record_event(event="amend", request=request, field="requester_contact", value="zs@example.com",
                 at=shanghai(2026, 10, 9, 14, 29), acting_user=clerk, now=NOW)  # fmt: skip
    request = record_event(event="acknowledge", request=request, at=shanghai(2026, 10, 9, 14, 25), acting_user=clerk, now=NOW)
    assert request.state == State.IN_PROGRESS
    history = list(request.log.order_by("at", "id").values_list("transition", flat=True))
    assert history == ["file", "submit", "acknowledge", "amend"]
    assert differences(request, work_calendar()) == []
    # State transitions stay in order: nothing is dated before the acknowledgement now.
    with pytest.raises(TransitionRefused, match="previous event happened at 2026-10-09 14:25"):
        record_event(event="complete", request=request, at=shanghai(2026, 10, 9, 14, 20), acting_user=clerk, now=NOW)


def test_the_provisional_badge_shows_only_on_a_running_clock_whose_own_last_day_is_in_an_unpublished_year(lumiere):
    # Issue 19: the badge showed because the statutory day fell in 2027, and on a clock already kept.
    now = shanghai(2026, 12, 29, 12)
    calendar = work_calendar()

    def badge(request):
        (clock,) = Clock.objects.filter(request=request)
        shown = deadline_status(clock, now=now, calendar=calendar, due_soon_working_days=2)
        return shown.provisional, "rd-provisional" in deadline_html(shown)

    own_day_2026 = file(lumiere, at=shanghai(2026, 12, 14, 10), now=now)
    (clock,) = own_day_2026.clocks.all()
    assert clock.final_due == date(2026, 12, 23) and clock.statutory_due.year == 2027 and clock.provisional
    assert badge(own_day_2026) == (False, False)
    own_day_2027 = file(lumiere, at=shanghai(2026, 12, 28, 10), now=now)
    assert badge(own_day_2027) == (True, True)
    record_event(event="complete", request=own_day_2027, at=shanghai(2026, 12, 29, 10), now=now)
    assert badge(own_day_2027) == (False, False)  # kept: nothing is provisional about it any more


def test_clocks_rebuild_check_finds_a_stored_clock_that_no_replay_gives(lumiere):
    request = file(lumiere, at=FILED, now=NOW)
    Clock.objects.filter(request=request).update(final_due=date(2026, 12, 31))
    with pytest.raises(CommandError, match="1 of 1 request"):
        call_command("clocks", "rebuild", "--check", stdout=StringIO())
    out = StringIO()
    call_command("clocks", "rebuild", stdout=out)
    assert "1 changed" in out.getvalue()
    call_command("clocks", "rebuild", "--check", stdout=StringIO())


EVENT_SEQUENCES = st.lists(
    st.sampled_from(["acknowledge", "request_identity", "verify_identity", "reply", "complete", "confirm", "reopen",
                     "refuse", "withdraw", "escalate", "resolve", "pause", "resume", "extend", "amend", "snooze"]),
    max_size=10,
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(events=EVENT_SEQUENCES, gaps=st.lists(st.integers(min_value=0, max_value=9 * 24), min_size=10, max_size=10))
def test_stored_clocks_equal_a_replay_from_scratch_for_any_valid_sequence(epiao, events, gaps):
    request = file(epiao, at=shanghai(2026, 9, 25, 10), now=NOW)
    at = shanghai(2026, 9, 25, 10)
    inputs = {
        "refuse": {"reason": "不符合条件"}, "withdraw": {"note": "撤回"}, "reopen": {"note": "复核"},
        "escalate": {"regulator": "12377"}, "extend": {"until": date(2026, 12, 31), "basis": "none"},
        "amend": {"field": "notes", "value": "x"}, "snooze": {"until": date(2026, 12, 31)},
    }  # fmt: skip
    for name, gap in zip(events, gaps, strict=False):
        at = at + timedelta(hours=gap)
        if name not in allowed_events(request):
            continue
        try:
            request = record_event(request=request, event=name, at=at, now=NOW, **inputs.get(name, {}))
        except TransitionRefused:
            continue  # e.g. an amendment to the same value
        if name == "amend":
            inputs["amend"]["value"] += "x"
    request.refresh_from_db()
    assert differences(request, work_calendar()) == []
    # and the statuses the SQL filters give are those the Python definition gives, for every clock
    horizon = date(2026, 12, 2)
    for clock in request.clocks.all():
        name = status(clock)
        assert Clock.objects.filter(status_q(name, NOW, horizon=horizon), pk=clock.pk).exists(), name


def test_the_sql_status_conditions_agree_with_the_python_definition_on_every_kind_of_clock(epiao, lumiere):
    made = [file(epiao, at=FILED, now=NOW), file(lumiere, at=FILED, now=NOW), file(lumiere, at=shanghai(2026, 11, 27, 10), now=NOW)]
    record_event(event="complete", request=file(lumiere, at=FILED, now=NOW), at=shanghai(2026, 10, 9), now=NOW)
    record_event(event="complete", request=file(lumiere, at=FILED, now=NOW), at=shanghai(2026, 10, 16), now=NOW)
    record_event(event="complete", request=file(lumiere, at=FILED, now=NOW), at=shanghai(2026, 10, 28), now=NOW)
    record_event(event="refuse", request=file(lumiere, at=FILED, now=NOW), reason="不符合条件", now=NOW)
    record_event(request=file(lumiere, at=FILED, now=NOW), event="withdraw", note="撤回", at=shanghai(2026, 9, 29), now=NOW)
    record_event(request=file(lumiere, at=FILED, now=NOW), event="withdraw", note="撤回", at=shanghai(2026, 10, 20), now=NOW)
    record_event(event="pause", request=made[0], at=shanghai(2026, 10, 9), now=NOW)
    calendar = work_calendar()
    horizon = date(2026, 12, 2)
    seen = set()
    for clock in Clock.objects.all():
        expected = clock_status(clock, now=NOW, calendar=calendar, due_soon_working_days=2)
        seen.add(expected)
        matching = {name for name in ClockStatus.values if Clock.objects.filter(status_q(name, NOW, horizon=horizon), pk=clock.pk).exists()}
        assert matching == {expected}, (clock.pk, expected, matching)
    assert seen >= {"kept", "missed", "refused", "stopped", "paused", "statutory_breach", "running"}


# ---------------------------------------------------------------------------------------------- the admin


def test_policy_versions_change_only_through_the_importer_review(admin_client, lumiere):
    version = PolicyVersion.objects.filter(app=lumiere).first()
    page = admin_client.get(f"/admin/policies/policyversion/{version.pk}/change/").content.decode()
    assert 'name="status"' not in page and 'name="source_text"' not in page


def test_reminder_settings_changes_leave_an_audit_row(admin_client):
    from records.models import AuditEntry

    response = admin_client.get("/admin/rights/remindersettings/")
    admin_client.post(response["Location"], {
        "enabled": "on", "send_time": "10:30", "due_soon_working_days": "3", "repeat_every_days": "3",
        "suggest_escalation": "on", "escalate_after_working_days": "3",
    })  # fmt: skip
    entry = AuditEntry.objects.get(action="reminder settings")
    assert entry.changes["due_soon_working_days"] == {"old": "2", "new": "3"} and entry.by.username == "admin"


# ---------------------------------------------------------------------------------------------- reminders


def test_a_sweep_reports_and_skips_a_bad_row_and_sends_the_others(lumiere, clerk):
    from rights.reminders import sweep_reminders

    good = file(lumiere, at=FILED, now=NOW, assignee=clerk)
    bad = file(lumiere, at=FILED, now=NOW, requester="坏数据", assignee=clerk)
    # A row written before the boundary checks existed: a last day two thousand years back.
    Clock.objects.filter(request=bad).update(deadline=date(26, 10, 13), final_due=date(26, 10, 13))
    result = sweep_reminders(now=NOW)
    assert [pk for pk, _why in result.skipped] == [bad.pk]
    sent = {(r.request, r.kind) for r in result.reminders if r.status == "sent"}
    assert (good.pk, "overdue") in sent and (bad.pk, "overdue") not in sent
    assert "skipped 1 unreadable" in result.summary_line()
    Clock.objects.filter(request=bad).delete()  # leave the projection consistent for the suite's check
    rebuild(RightsRequest.objects.filter(pk=bad.pk))


@pytest.fixture
def as_clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def test_statuses_are_compared_as_moments_whatever_the_database_time_zone(lumiere):
    request = file(lumiere, at=FILED, now=NOW)
    just_before, just_after = shanghai(2026, 10, 13, 23, 59, 59), shanghai(2026, 10, 14, 0, 0)
    assert not RightsRequest.objects.overdue(just_before).filter(pk=request.pk).exists()
    assert RightsRequest.objects.overdue(just_after).filter(pk=request.pk).exists()
    assert connection.vendor in ("sqlite", "postgresql")
