"""The rights-request admin's case page: the case view (title, regions, timeline), its transition buttons through
the services, refusals and conflicts as messages, assignment, and the add form filing through the services."""
import re
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from policies.models import Procedure
from rights.models import Evidence, RightsRequest, State, TransitionLog
from rights.presenters import dashboard
from rights.services import allowed_events, record_event
from tests.factories import file, shanghai
from tests.rights.admin_pages import (
    ADD,
    CHANGELIST,
    DASHBOARD,
    change_url,
    days_ago,
    messages_of,
    offered_transitions,
    post_transition,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "on_a_monday_and_a_friday")]

SENT = shanghai(2026, 9, 28, 10)
LATER_DAY = shanghai(2026, 10, 9, 10)

# -------------------------------------------------------------------------------------------- case page


def test_case_page_shows_the_promise_the_clocks_and_the_history(as_clerk, clerk, lumiere):
    filed = file(lumiere, at=SENT, acting_user=clerk)
    record_event(event="acknowledge", request=filed, acting_user=clerk, note="工单 42", at=shanghai(2026, 9, 29, 9))
    html = as_clerk.get(change_url(filed)).content.decode()
    assert "在7个工作日内完成注销处理" in html  # the quote
    assert "卢米埃隐私政策" in html  # its source
    assert 'data-last-day="2026-10-13"' in html
    assert "2026-10-23" in html  # the statutory last day: 15 working days
    assert re.findall(r'data-kind="request" data-log="(\w+)"', html) == ["file", "submit", "acknowledge"]
    assert "工单 42" in html and "2026-09-29 09:00" in html


def timeline_of(html: str) -> str:
    return html[html.index('data-region="timeline"'):html.index("</ol>", html.index('data-region="timeline"'))]


def test_the_case_view_is_titled_by_what_it_is_with_its_regions_and_no_stock_form(as_clerk, clerk, lumiere):
    filed = file(lumiere, at=SENT, acting_user=clerk)
    html = as_clerk.get(change_url(filed)).content.decode()
    assert f"<h1>Request #{filed.pk} · 卢米埃影城 · Account cancellation</h1>" in html
    assert f"<title>Request #{filed.pk} · 卢米埃影城 · Account cancellation" in html
    for region in ("summary", "clocks", "actions", "timeline", "complaints", "correspondence"):
        assert f'data-region="{region}"' in html, region
    # No stock fieldsets ("Details"), no inlines, no stock history button, no "Change" title.
    assert 'class="historylink"' not in html and "inline-group" not in html
    assert html.count('<fieldset class="module aligned"') == 1  # the correspondence panel's, no stock fieldset
    assert "Change rights request" not in html and 'id="rightsrequest_form"' not in html


def test_a_refusal_shows_its_reason_and_its_note_in_the_timeline_also_after_reopening(as_clerk, clerk, lumiere):
    # Issue 19: the history showed only the note, and after reopening the reason was nowhere on the page.
    filed = file(lumiere, at=SENT, acting_user=clerk)
    refused = record_event(event="refuse", request=filed, reason="账号存在未完成订单", note="客服电话里说的", acting_user=clerk,
                           at=shanghai(2026, 9, 30, 10))  # fmt: skip
    record_event(event="reopen", request=refused, note="订单已完成，重新处理", acting_user=clerk, at=shanghai(2026, 10, 2, 10))
    timeline = timeline_of(as_clerk.get(change_url(filed)).content.decode())
    refusal = timeline[timeline.index('data-log="refuse"'):timeline.index('data-log="reopen"')]
    assert "账号存在未完成订单" in refusal and "客服电话里说的" in refusal and "Reason:" in refusal
    assert "订单已完成，重新处理" in timeline[timeline.index('data-log="reopen"'):]


def test_the_timeline_holds_the_complaints_events_and_the_reminders_sent(as_clerk, clerk, lumiere):
    from complaints.models import Channel
    from complaints.services import draft_complaint, record_complaint_event
    from rights.models import Reminder

    filed = file(lumiere, at=SENT, acting_user=clerk, requester_contact="13812345678")
    complaint = draft_complaint(request=filed, channel=Channel.objects.get(code="app"), acting_user=clerk, at=shanghai(2026, 10, 14, 10))
    record_complaint_event(complaint=complaint, event="lodge", reference="KF-7", acting_user=clerk, at=shanghai(2026, 10, 14, 11))
    Reminder.objects.create(request=filed, clock=filed.clocks.get(), kind="overdue", due=datetime(2026, 10, 13).date(), recipient="team@example.com",
                            status="sent", sent_at=shanghai(2026, 10, 14, 9, 30))  # fmt: skip
    timeline = timeline_of(as_clerk.get(change_url(filed)).content.decode())
    kinds = re.findall(r'data-kind="(\w+)" data-log="(\w+)"', timeline)
    assert kinds == [("request", "file"), ("request", "submit"), ("reminder", "overdue"), ("complaint", "draft"), ("complaint", "lodge")]
    assert "team@example.com" in timeline and "KF-7" in timeline


@pytest.mark.parametrize(
    "path",
    [[], ["acknowledge"], ["request_identity"], ["acknowledge", "complete"], ["acknowledge", "refuse"],
     ["acknowledge", "complete", "confirm"], ["withdraw"]],
)
def test_transition_buttons_are_exactly_the_allowed_transitions(as_clerk, clerk, lumiere, path):
    filed = file(lumiere, at=SENT)
    for name in path:
        filed = record_event(request=filed, event=name, note="说明", reason="不符合条件", at=SENT + timedelta(days=1))
    offered = offered_transitions(as_clerk.get(change_url(filed)))
    assert offered == [name for name in allowed_events(filed, clerk) if name != "assign"]  # assign: its own panel
    assert ("reply" in offered) == (filed.state in ("submitted", "awaiting_identity", "in_progress"))


def test_a_transition_from_the_page_goes_through_the_services_with_note_and_evidence(as_clerk, clerk, lumiere, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    filed = file(lumiere, at=SENT)
    screenshot = SimpleUploadedFile("客服截图.png", b"\x89PNG\r\n\x1a\n fake", content_type="image/png")
    response = post_transition(as_clerk, filed, "acknowledge", note="人工客服受理", at="2026-09-29T09:30", evidence=screenshot)

    assert response.status_code == 200
    assert any("App acknowledged" in m for m in messages_of(response))
    filed.refresh_from_db()
    assert filed.state == State.IN_PROGRESS
    entry = filed.log.get(transition="acknowledge")
    assert (entry.by, entry.note, entry.at) == (clerk, "人工客服受理", shanghai(2026, 9, 29, 9, 30))
    evidence = Evidence.objects.get(log_entry=entry)
    download = as_clerk.get(reverse("admin:rights_rightsrequest_evidence", args=[filed.pk, evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\x89PNG\r\n\x1a\n fake"
    assert "客服截图.png" in response.content.decode()


def test_refusal_reason_and_escalation_regulator_are_passed_on(as_clerk, lumiere):
    filed = file(lumiere, at=SENT)
    post_transition(as_clerk, filed, "refuse", reason="账户存在未完成订单")
    filed.refresh_from_db()
    assert (filed.state, filed.refusal_reason) == (State.REFUSED, "账户存在未完成订单")
    post_transition(as_clerk, filed, "escalate", regulator="网信办 12377", reference="JB-1")
    filed.refresh_from_db()
    assert (filed.state, filed.regulator, filed.regulator_reference) == (State.ESCALATED, "网信办 12377", "JB-1")


@pytest.mark.parametrize(
    "name, fields, says",
    [
        ("confirm", {}, "Cannot"),  # not allowed from "submitted"
        ("withdraw", {"note": ""}, "needs a note"),  # NOTE_REQUIRED
        ("refuse", {"reason": "  "}, "PIPL art. 50"),  # a refusal needs its reason
        ("acknowledge", {"at": "2026-09-20T10:00"}, "previous event"),  # not before the request's last event
        ("acknowledge", {"at": "0026-11-02T10:00"}, "outside the working-day calendar"),  # a year typo
        ("acknowledge", {"at": "tomorrow"}, "future"),  # events cannot be dated in the future
    ],
)
def test_a_refused_transition_shows_a_message_and_writes_no_log_entry(as_clerk, lumiere, name, fields, says):
    filed = file(lumiere, at=SENT)
    if fields.get("at") == "tomorrow":
        fields["at"] = f"{timezone.localtime() + timedelta(days=1):%Y-%m-%dT%H:%M}"
    before = TransitionLog.objects.count()
    response = post_transition(as_clerk, filed, name, **fields)
    assert response.status_code == 200
    assert any(says in message for message in messages_of(response)), messages_of(response)
    filed.refresh_from_db()
    assert filed.state == State.SUBMITTED
    assert TransitionLog.objects.count() == before


def test_a_stale_page_gets_the_conflict_message_and_changes_nothing(as_clerk, lumiere):
    filed = file(lumiere, at=SENT)  # the page was loaded while it was "submitted"
    record_event(event="acknowledge", request=filed, note="someone else")  # then a colleague moved it
    before = TransitionLog.objects.count()
    response = post_transition(as_clerk, filed, "refuse", expected_state=State.SUBMITTED, reason="不符合条件")
    assert any("changed by someone else" in message for message in messages_of(response))
    filed.refresh_from_db()
    assert filed.state == State.IN_PROGRESS and filed.refusal_reason == ""
    assert TransitionLog.objects.count() == before


def test_reply_is_offered_while_the_app_owes_an_answer_and_keeps_the_reply_clocks(as_clerk, catalog):
    migu = catalog["咪咕云书店"]
    filed = file(migu, "deletion", at=SENT)
    assert "reply" in offered_transitions(as_clerk.get(change_url(filed)))
    post_transition(as_clerk, filed, "reply", note="客服回复会在15天内处理", at="2026-09-30T10:00")
    assert filed.log.filter(transition="reply").exists()
    reply_clocks = filed.clocks.filter(action="reply")
    assert reply_clocks.exists() and all(c.met_at == shanghai(2026, 9, 30, 10) for c in reply_clocks)

    filed = record_event(event="complete", request=filed, note="已删除")
    filed = record_event(event="confirm", request=filed, note="确认")
    assert "reply" not in offered_transitions(as_clerk.get(change_url(filed)))


def test_assigning_from_the_page_records_an_assign_event(as_clerk, clerk, lumiere):
    filed = file(lumiere, at=SENT)
    page = as_clerk.get(change_url(filed)).content.decode()
    assert page.count('id="id_assign-assignee"') == 1  # one assignee form, no duplicate ids
    url = reverse("admin:rights_rightsrequest_assign", args=[filed.pk])
    as_clerk.post(url, {"assign-assignee": clerk.pk})
    filed.refresh_from_db()
    assert filed.assignee == clerk
    assert filed.log.filter(transition="assign", by=clerk).count() == 1
    as_clerk.post(url, {"assign-assignee": ""})
    filed.refresh_from_db()
    assert filed.assignee is None


def test_assign_to_me_action_assigns_through_the_service_and_there_is_no_bulk_delete(as_clerk, clerk, lumiere):
    ids = [file(lumiere, at=SENT, requester=f"请求人{n}").pk for n in range(3)]
    page = as_clerk.get(CHANGELIST).content.decode()
    assert 'value="assign_to_me"' in page and 'value="delete_selected"' not in page
    as_clerk.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": ids[:2]})
    assert list(RightsRequest.objects.filter(assignee=clerk).order_by("pk").values_list("pk", flat=True)) == ids[:2]
    assert TransitionLog.objects.filter(transition="assign", by=clerk).count() == 2


def test_an_unknown_event_is_not_found(as_clerk, lumiere):
    filed = file(lumiere, at=SENT)
    assert post_transition(as_clerk, filed, "teleport").status_code == 404
    assert filed.log.count() == 2


def test_the_plain_change_form_saves_nothing_details_change_through_amend(as_clerk, clerk, lumiere):
    filed = file(lumiere, at=SENT)
    response = as_clerk.post(change_url(filed), {"requester_name": "张三丰", "app_ticket_number": "T-9"}, follow=True)
    assert any("“Amend”" in m for m in messages_of(response))
    filed.refresh_from_db()
    assert (filed.requester_name, filed.app_ticket_number) == ("张三", "")

    post_transition(as_clerk, filed, "amend", field="app_ticket_number", value="T-9", note="客服给的工单号")
    filed.refresh_from_db()
    assert (filed.app_ticket_number, filed.state) == ("T-9", State.SUBMITTED)
    entry = filed.log.get(transition="amend")
    assert (entry.by, entry.details) == (clerk, {"field": "app_ticket_number", "old": "", "new": "T-9"})
    assert "“” → “T-9”" in as_clerk.get(change_url(filed)).content.decode()


def test_a_closed_request_is_read_only_until_it_is_reopened(as_clerk, lumiere):
    filed = record_event(event="confirm", request=record_event(event="complete", request=file(lumiere, at=SENT), at=LATER_DAY), at=LATER_DAY)
    assert offered_transitions(as_clerk.get(change_url(filed))) == ["reopen"]
    response = post_transition(as_clerk, filed, "amend", field="requester_name", value="李四")
    assert any("Cannot" in m for m in messages_of(response))
    filed.refresh_from_db()
    assert filed.requester_name == "张三"
    assert as_clerk.post(reverse("admin:rights_rightsrequest_delete", args=[filed.pk])).status_code == 403


# --------------------------------------------------------------------------------------------------- add


def file_form(app, **overrides):
    data = {
        "app": app.pk, "right": "account_cancellation", "procedure": "", "requester_name": "张三",
        "requester_contact": "13812345678", "channel_used": "人工客服", "app_ticket_number": "LM-1",
        "sent_at": "2026-09-28T10:00", "assignee": "", "notes": "",
    }
    data.update(overrides)
    return data


def test_the_add_form_files_through_the_services_with_clocks_from_sent_at(as_clerk, clerk, lumiere):
    response = as_clerk.post(ADD, file_form(lumiere, assignee=clerk.pk))
    filed = RightsRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == change_url(filed)
    assert (filed.state, filed.created_by, filed.assignee) == (State.SUBMITTED, clerk, clerk)
    clock = filed.clocks.get()
    assert clock.started_at == SENT and clock.final_due.isoformat() == "2026-10-13"
    assert list(filed.log.values_list("transition", flat=True)) == ["file", "submit"]


def test_the_add_form_offers_only_procedures_in_force_and_refuses_another_apps(as_clerk, lumiere, catalog):
    page = as_clerk.get(ADD).content.decode()
    assert f'data-app="{lumiere.pk}"' in page
    epiao_procedure = Procedure.objects.filter(policy_version__app=catalog["E票电影"], right="account_cancellation").first()
    response = as_clerk.post(ADD, file_form(lumiere, procedure=epiao_procedure.pk))
    assert response.status_code == 200
    assert "not in force for 卢米埃影城" in response.content.decode()
    assert RightsRequest.objects.count() == 0


def test_the_add_form_shows_a_future_sent_at_as_an_error_not_a_500(as_clerk, lumiere):
    tomorrow = f"{timezone.localtime() + timedelta(days=1):%Y-%m-%dT%H:%M}"
    response = as_clerk.post(ADD, file_form(lumiere, sent_at=tomorrow))
    assert response.status_code == 200
    assert "future" in response.content.decode()
    assert RightsRequest.objects.count() == 0


@pytest.mark.parametrize("sent_at", ["0026-11-02T10:00", "0001-01-01T00:00", "1900-01-01T10:00"])
def test_a_year_typo_in_sent_at_is_refused_in_one_line_and_leaves_no_draft(as_clerk, lumiere, sent_at):
    response = as_clerk.post(ADD, file_form(lumiere, sent_at=sent_at))
    assert response.status_code == 200
    assert "outside the working-day calendar: dates from 2001" in response.content.decode()
    assert RightsRequest.objects.count() == 0 and TransitionLog.objects.count() == 0


# ---------------------------------------------------------------------------------------------- dashboard


def test_dashboard_counts_open_by_state_overdue_by_app_and_the_share_of_kept_promises(as_clerk, lumiere, catalog):
    kept = file(lumiere, at=SENT, requester="按时")
    kept = record_event(event="complete", request=kept, at=shanghai(2026, 10, 9, 10), note="")
    record_event(event="confirm", request=kept, at=shanghai(2026, 10, 10, 10), note="")
    late = file(lumiere, at=SENT, requester="迟了")
    late = record_event(event="complete", request=late, at=shanghai(2026, 10, 20, 10), note="")
    record_event(event="confirm", request=late, at=shanghai(2026, 10, 21, 10), note="")
    refused_in_time = file(lumiere, at=SENT, requester="拒绝")
    record_event(event="refuse", request=refused_in_time, reason="不符合条件", at=shanghai(2026, 9, 30, 10))
    withdrawn_early = file(lumiere, at=SENT, requester="撤回")
    record_event(event="withdraw", request=withdrawn_early, note="不需要了", at=shanghai(2026, 9, 29, 10))
    file(lumiere, at=days_ago(60), requester="逾期")  # open and overdue
    file(catalog["E票电影"], at=days_ago(0) - timedelta(hours=10), requester="刚提交")

    board = dashboard()
    record = next(r for r in board.apps if r.app == lumiere)
    # A refusal is its own verdict, never a kept promise; the open request past its last day has missed it;
    # the early withdrawal says nothing either way.
    assert (record.kept, record.missed, record.refused, record.kept_percent) == (1, 2, 1, 25)
    assert record.refusal_reasons == [("不符合条件", 1)]
    assert (record.open, record.overdue, record.breach) == (1, 1, 1)
    assert {bar.key: bar.count for bar in board.by_state}["submitted"] == 2

    html = as_clerk.get(DASHBOARD).content.decode()
    assert 'data-app="卢米埃影城"' in html and "25%" in html


def test_the_history_across_requests_lists_the_newest_entries_first_with_a_date_filter(client, auditor, lumiere):
    """The audit trail at a million requests: newest first on the (at, id) index, no COUNT of every entry, and
    a date filter instead of the drill-down whose years are a DISTINCT over the whole history."""
    older = file(lumiere, at=SENT)
    newer = file(lumiere, at=LATER_DAY)
    record_event(event="acknowledge", request=newer, note="", at=LATER_DAY + timedelta(hours=1))
    client.force_login(auditor)
    url = reverse("admin:rights_transitionlog_changelist")
    response = client.get(url)
    assert response.status_code == 200
    cl = response.context["cl"]
    rows = [(entry.request_id, entry.at) for entry in cl.result_list]
    assert rows == sorted(rows, key=lambda row: row[1], reverse=True)
    assert rows[0] == (newer.pk, LATER_DAY + timedelta(hours=1)) and rows[-1][0] == older.pk
    assert cl.model_admin.date_hierarchy is None and not cl.show_full_result_count
    since = client.get(url, {"at__gte": "2026-10-01 00:00:00+08:00"})
    assert {entry.request_id for entry in since.context["cl"].result_list} == {newer.pk}
