"""The rights-request admin: who may see and do what, the list's filters and query count, CSV export, the
case page's transition buttons, and refusals and conflicts shown as messages (never a 500, never a log row)."""
import csv
import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deadlines.counting import SHANGHAI
from policies.models import Procedure, work_calendar
from rights.models import Evidence, RightsRequest, State, TransitionLog
from rights.presenters import dashboard, week_end
from rights.querysets import today_in_shanghai
from rights.roles import AUDITOR, CASE_WORKER
from rights.services import allowed_events, record_event
from tests.factories import UserFactory, file, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "on_a_monday_and_a_friday")]

CHANGELIST = reverse("admin:rights_rightsrequest_changelist")
ADD = reverse("admin:rights_rightsrequest_add")
EXPORT = reverse("admin:rights_rightsrequest_export")
DASHBOARD = reverse("admin:rights_rightsrequest_dashboard")
SENT = shanghai(2026, 9, 28, 10)
LATER_DAY = shanghai(2026, 10, 9, 10)


def change_url(request):
    return reverse("admin:rights_rightsrequest_change", args=[request.pk])


def transition_url(request, name):
    return reverse("admin:rights_rightsrequest_transition", args=[request.pk, name])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def clerk(roles):
    return UserFactory(username="clerk", role=CASE_WORKER)


@pytest.fixture
def auditor(roles):
    return UserFactory(username="auditor", role=AUDITOR)


@pytest.fixture
def lumiere(catalog):
    return catalog["卢米埃影城"]


@pytest.fixture
def as_clerk(client, clerk):
    client.force_login(clerk)
    return client


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def post_transition(client, request, name, *, expected_state=None, **fields):
    data = {f"{name}-expected_state": expected_state or request.state}
    data.update({f"{name}-{key}": value for key, value in fields.items()})
    return client.post(transition_url(request, name), data, follow=True)


def offered_transitions(response) -> list[str]:
    return re.findall(r'<details data-transition="([a-z_]+)"', response.content.decode())


def days_ago(days: int) -> datetime:
    """10:00 in Shanghai, `days` calendar days before today: data that is overdue whatever today is."""
    return datetime.combine(today_in_shanghai() - timedelta(days=days), time(10), tzinfo=SHANGHAI)


def working_days_ago(days: int) -> datetime:
    """10:00 in Shanghai on the `days`-th working day before today: two such filings never share a last day
    (filings on a Saturday and a Sunday do: both count from Monday)."""
    calendar, day = work_calendar(), today_in_shanghai()
    while days:
        day -= timedelta(days=1)
        days -= calendar.is_working_day(day)
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


def start_overdue_within_statute(calendar, today):
    """A day to file a 卢米埃 cancellation on so that its 7 working days are past but the statutory 15 are not."""
    day = today - timedelta(days=1)
    while not (calendar.nth_working_day_after(day, 7)[0] < today <= calendar.nth_working_day_after(day, 15)[0]):
        day -= timedelta(days=1)
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


# ------------------------------------------------------------------------------------------------ access


@pytest.mark.parametrize("who", ["superuser", "clerk", "auditor"])
def test_list_change_and_dashboard_pages_load_for_every_role(client, request, who, lumiere):
    user = request.getfixturevalue(who)
    filed = file(lumiere, at=SENT, acting_user=user if who != "auditor" else None)
    client.force_login(user)
    for url in (CHANGELIST, change_url(filed), DASHBOARD, f"{CHANGELIST}?deadline=overdue"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "2026-10-13" in client.get(change_url(filed)).content.decode()


def test_auditor_sees_no_buttons_and_cannot_transition_assign_file_or_edit(client, auditor, clerk, lumiere):
    filed = file(lumiere, at=SENT)
    client.force_login(auditor)
    page = client.get(change_url(filed))
    assert offered_transitions(page) == []
    assert b'name="assign-assignee"' not in page.content
    # Issue 19: no drafting buttons either (they led to pages with no submit), and no button at all in the case.
    html = page.content.decode()
    assert "/complaints/complaint/new/" not in html and "Draft the complaint" not in html
    case = html[html.index('id="case"'):]
    assert "<details" not in case and 'type="submit"' not in case

    assert post_transition(client, filed, "acknowledge", note="x").status_code == 403
    assign = client.post(reverse("admin:rights_rightsrequest_assign", args=[filed.pk]), {"assign-assignee": clerk.pk})
    assert assign.status_code == 403
    assert client.get(ADD).status_code == 403
    edit = client.post(change_url(filed), {"requester_name": "李四"})
    assert edit.status_code == 403

    filed.refresh_from_db()
    assert (filed.state, filed.assignee, filed.requester_name) == (State.SUBMITTED, None, "张三")
    assert list(filed.log.values_list("transition", flat=True)) == ["file", "submit"]
    assert RightsRequest.objects.count() == 1


def test_a_case_worker_sees_the_drafting_buttons_and_complaint_actions_that_are_verbs(as_clerk, clerk, lumiere):
    from complaints.models import Channel
    from complaints.services import draft_complaint

    filed = file(lumiere, at=SENT, acting_user=clerk, requester_contact="13812345678")
    assert "Draft the complaint" in as_clerk.get(change_url(filed)).content.decode()
    complaint = draft_complaint(request=filed, channel=Channel.objects.get(code="app"), acting_user=clerk, at=shanghai(2026, 10, 14, 10))
    html = as_clerk.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).content.decode()
    buttons = re.findall(r'<details data-event="\w+"[^>]*>\s*<summary>([^<]+)</summary>', html)
    assert buttons == ["Lodge", "Withdraw"]  # what to do, not what happened ("Lodged", "Withdrawn")


@pytest.mark.parametrize(("language", "words"), [("zh-hans", ("授权委托书", "委托人：张三")), ("en", ("Power of attorney", "Principal: 张三"))])
def test_the_power_of_attorney_page_holds_the_document_drafted_from_the_facts(client, clerk, lumiere, language, words):
    filed = file(lumiere, at=SENT, acting_user=clerk)
    client.force_login(clerk)
    page = client.get(change_url(filed), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    url = reverse("admin:complaints_document", args=[filed.pk, "power_of_attorney"])
    assert f'href="{url}"' in page
    html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'id="cp-refusal"' not in html and 'id="cp-doc"' in html
    assert "北京卢米埃时代电影院线有限公司" in html and "卢米埃影城" in html  # the respondent, from the catalog
    for word in words:
        assert word in html
    pdf = client.get(url + "?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_auditor_may_export_and_case_worker_may_not_delete(client, auditor, clerk, lumiere):
    file(lumiere, at=SENT)
    client.force_login(auditor)
    assert client.get(EXPORT).status_code == 200
    client.force_login(clerk)
    filed = RightsRequest.objects.get()
    assert client.get(reverse("admin:rights_rightsrequest_delete", args=[filed.pk])).status_code == 403


# -------------------------------------------------------------------------------------------------- list


def test_pages_are_in_chinese_unless_the_browser_asks_for_english(client, clerk):
    client.force_login(clerk)
    assert '<html lang="zh-hans"' in client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="").content.decode()
    assert '<html lang="en"' in client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_list_query_count_does_not_grow_with_the_page_size(as_clerk, clerk, lumiere):
    def load_list():
        with CaptureQueriesContext(connection) as queries:
            response = as_clerk.get(CHANGELIST)
        assert response.status_code == 200
        return len(queries), response

    for n in range(5):
        file(lumiere, at=SENT + timedelta(hours=n), requester=f"请求人{n}", assignee=clerk if n % 2 else None)
    five, _ = load_list()
    for n in range(5, 50):
        file(lumiere, at=SENT + timedelta(hours=n), requester=f"请求人{n}", assignee=clerk if n % 2 else None)
    fifty, response = load_list()

    assert response.content.decode().count('<li class="rd-deadline ') == 50
    assert fifty == five, f"{five} queries for 5 requests, {fifty} for 50"
    assert five <= 16


def test_list_masks_contacts_and_shows_each_deadline_with_working_days(as_clerk, lumiere):
    file(lumiere, at=SENT, requester_contact="13812345678")
    html = as_clerk.get(CHANGELIST).content.decode()
    assert "138****5678" in html and "13812345678" not in html
    assert 'data-last-day="2026-10-13"' in html
    today = today_in_shanghai()
    late = -work_calendar().working_days_between(today, datetime(2026, 10, 13).date())
    assert f"overdue by {late} working days" in html


def test_the_list_shows_the_nearest_deadline_first_for_everyone_and_mine_under_assigned_to_me(
    client, clerk, lumiere, catalog
):
    """One order for everyone (the indexed nearest last day, then the newest; nothing running last): a per-user
    sort key made PostgreSQL sort every request on every page. "Assigned to me" shows a clerk's own work."""
    colleague = UserFactory(username="colleague")
    colleague.groups.add(*clerk.groups.all())
    nearest = file(lumiere, at=days_ago(30), requester="最近", assignee=colleague)
    mine_later = file(lumiere, at=working_days_ago(1), requester="我的", assignee=clerk)
    other_later = file(lumiere, at=working_days_ago(2), requester="别人的", assignee=colleague)
    closed = record_event(event="withdraw", request=file(lumiere, at=days_ago(40), requester="撤回"), note="不需要了")

    def order(user, query=""):
        client.force_login(user)
        ids = [row.pk for row in client.get(CHANGELIST + query).context["cl"].result_list]
        return ids

    assert order(clerk) == [nearest.pk, other_later.pk, mine_later.pk, closed.pk]
    assert order(colleague) == [nearest.pk, other_later.pk, mine_later.pk, closed.pk]
    assert order(clerk, "?assignee=me") == [mine_later.pk]


@pytest.fixture
def deadlines_today(lumiere):
    """Requests placed relative to today: breached, overdue within the statute, due this week, later, closed."""
    calendar = work_calendar()
    today = today_in_shanghai()
    breached = file(lumiere, at=days_ago(60), requester="违法")
    overdue = file(lumiere, at=start_overdue_within_statute(calendar, today), requester="逾期")
    # Filed so that its 7 working days end on the next working day from today (today itself on a working day).
    next_working_day = calendar.next_working_day_from(today)[0]
    day = today - timedelta(days=1)
    while calendar.nth_working_day_after(day, 7)[0] != next_working_day:
        day -= timedelta(days=1)
    due_today = file(lumiere, at=datetime.combine(day, time(10), tzinfo=SHANGHAI), requester="本周")
    later = file(lumiere, at=days_ago(0) - timedelta(hours=10), requester="以后")
    closed_late = record_event(event="withdraw", request=file(lumiere, at=days_ago(60), requester="撤回"), note="撤回")
    assert overdue.clocks.get().statutory_due >= today > overdue.clocks.get().final_due
    return {"breached": breached, "overdue": overdue, "due_today": due_today, "later": later, "closed": closed_late}


@pytest.mark.parametrize(
    "choice, expected",
    [
        ("overdue", {"breached", "overdue"}),
        ("breach", {"breached"}),
        ("week", {"due_today"}),
        ("soon", {"due_today"}),
    ],
)
def test_deadline_filters_return_the_requests_of_that_rule(as_clerk, deadlines_today, choice, expected):
    if choice == "week" and deadlines_today["due_today"].clocks.get().deadline > week_end(today_in_shanghai()):
        expected = set()  # today is a weekend day: the next working day is next week
    response = as_clerk.get(CHANGELIST, {"deadline": choice})
    found = {row.pk for row in response.context["cl"].result_list}
    assert found == {deadlines_today[name].pk for name in expected}


def test_filters_by_state_app_right_and_assignee(as_clerk, clerk, lumiere, catalog):
    mine = file(lumiere, at=SENT, assignee=clerk)
    other = file(catalog["E票电影"], at=SENT)
    record_event(event="acknowledge", request=other, note="")

    def ids(params):
        return {row.pk for row in as_clerk.get(CHANGELIST, params).context["cl"].result_list}

    assert ids({"assignee": "me"}) == {mine.pk}
    assert ids({"assignee": "none"}) == {other.pk}
    assert ids({"state__exact": "in_progress"}) == {other.pk}
    assert ids({"app__id__exact": lumiere.pk}) == {mine.pk}
    assert ids({"right__exact": "account_cancellation"}) == {mine.pk, other.pk}


def test_search_finds_requester_ticket_number_app_and_id(as_clerk, lumiere, catalog):
    one = file(lumiere, at=SENT, requester="张三", app_ticket_number="LM-001")
    two = file(catalog["E票电影"], at=SENT, requester="李四", requester_contact="lisi@example.com")

    def ids(term):
        return {row.pk for row in as_clerk.get(CHANGELIST, {"q": term}).context["cl"].result_list}

    assert ids("张三") == {one.pk}
    assert ids("LM-001") == {one.pk}
    assert ids("E票") == {two.pk}
    assert ids("lisi@example.com") == {two.pk}
    assert ids(f"#{two.pk}") == {two.pk}


# ------------------------------------------------------------------------------------------------ export


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_csv_export_respects_the_filter_and_masks_contacts(as_clerk, deadlines_today):
    response = as_clerk.get(EXPORT, {"deadline": "overdue"})
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = read_csv(response)
    assert header[0] == "#"
    assert {int(row[0]) for row in rows} == {deadlines_today["breached"].pk, deadlines_today["overdue"].pk}

    everything = read_csv(as_clerk.get(EXPORT))[1:]
    assert len(everything) == len(deadlines_today)

    searched = read_csv(as_clerk.get(EXPORT, {"q": "逾期"}))[1:]
    assert [int(row[0]) for row in searched] == [deadlines_today["overdue"].pk]


def test_csv_export_masks_the_contact(as_clerk, lumiere):
    file(lumiere, at=SENT, requester_contact="13812345678")
    header, row = read_csv(as_clerk.get(EXPORT))
    assert "138****5678" in row and "13812345678" not in ",".join(row)
    assert row[header.index("next last day")] == "2026-10-13"


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
