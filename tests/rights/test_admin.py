"""The rights-request admin: who may see and do what, the list's filters and query count, CSV export, the
case page's transition buttons, and refusals and conflicts shown as messages (never a 500, never a log row)."""
import csv
import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deadlines.counting import SHANGHAI
from policies.models import work_calendar
from rights.models import RightsRequest, State
from rights.presenters import week_end
from rights.querysets import today_in_shanghai
from rights.services import record_event
from tests.factories import UserFactory, file, shanghai
from tests.rights.admin_pages import (
    ADD,
    CHANGELIST,
    DASHBOARD,
    EXPORT,
    change_url,
    days_ago,
    offered_transitions,
    post_transition,
    start_overdue_within_statute,
    working_days_ago,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "on_a_monday_and_a_friday")]

SENT = shanghai(2026, 9, 28, 10)
LATER_DAY = shanghai(2026, 10, 9, 10)




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

