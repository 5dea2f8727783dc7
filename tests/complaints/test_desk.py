"""Complaint and regulator deadlines on the desk (issue 18): the home, the list's filters and rows, the dashboard,
the request page, the CSV export and `manage.py queue --json` show them as they show a request's own clocks.

The case: 卢米埃影城 cancellation filed 2026-09-28 10:00 (last day 10-13), completed late on 10-20, so none of the
request's own clocks runs. The complaint to the app is lodged 2026-10-20 11:00: the app's answer is due within
15 working days (认定方法 六、5), last day Tuesday 11-10, overdue from 11-11. 12300 takes the case on 2026-11-05
10:00 (which escalates the request): its admission decision is due within 5 working days (工信部令第35号 art. 14),
last day Thursday 11-12, overdue from 11-13. The desk is looked at on Monday 2026-11-16 10:00.
"""
import csv
import io
import json
import re
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Channel, ComplaintClock
from complaints.services import lodge_complaint, update_requester_details
from rights.desk import desk_clocks, queue
from rights.models import RightsRequest
from rights.presenters import dashboard
from rights.roles import CASE_WORKER
from rights.services import record_event
from tests.factories import UserFactory, file, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = shanghai(2026, 11, 16, 10)
CHANGELIST = reverse("admin:rights_rightsrequest_changelist")
APP_ANSWER_LAST_DAY = date(2026, 11, 10)
ADMISSION_LAST_DAY = date(2026, 11, 12)


@pytest.fixture
def clerk(roles):
    return UserFactory(username="wang", role=CASE_WORKER)


@pytest.fixture
def case(lumiere_with_address, clerk):
    """The request, its complaint to the app (answer overdue since 11-11) and to 12300 (admission overdue since
    11-13); returns the request."""
    return build_case(lumiere_with_address, clerk)


def build_case(app, clerk):
    request = file(app, at=shanghai(2026, 9, 28, 10), requester_contact="13812345678", assignee=clerk, now=NOW)
    record_event(request=request, event="complete", at=shanghai(2026, 10, 20, 10), now=NOW)
    update_requester_details(request=request, changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"})
    to_app = lodge_complaint(request=request, channel=Channel.objects.get(code="app"), at=shanghai(2026, 10, 20, 11), now=NOW)
    to_12300 = lodge_complaint(
        request=request, channel=Channel.objects.get(code="12300"), at=shanghai(2026, 11, 5, 10), reference="GX-1", now=NOW
    )
    assert to_app.clocks.get(action="answer").final_due == APP_ANSWER_LAST_DAY
    assert to_12300.clocks.get(action="admission").final_due == ADMISSION_LAST_DAY
    request = RightsRequest.objects.get(pk=request.pk)
    # The request's own clocks are all finished: only its complaints' clocks make it late.
    assert not RightsRequest.objects.filter(pk=request.pk).overdue(NOW).exists()
    return request


@pytest.fixture
def as_clerk(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def frozen():
    # Pages read the clock once per request (rights.admin.PageClock): freeze it at the moment of the case.
    with time_machine.travel(NOW, tick=False):
        yield


def listed(client, url):
    return {row.pk for row in client.get(url).context["cl"].result_list}


def test_the_home_counts_a_request_overdue_only_by_its_complaints(case, clerk):
    items = {item.key: item for item in queue(clerk, now=NOW)}
    assert items["overdue"].count == 1


def test_the_home_lists_the_overdue_complaint_and_regulator_clocks(case, as_clerk, frozen):
    page = as_clerk.get(reverse("admin:index")).content.decode()
    assert re.search(r'data-queue="overdue">\s*<strong>1</strong>', page)
    assert 'data-desk-clock="complaint"' in page
    assert "12300 Admission decision" in page and "2026-11-12" in page
    assert "The app itself Answer" in page and "2026-11-10" in page


def test_the_lists_overdue_filter_shows_the_request_and_marks_its_complaint_clocks(case, as_clerk, frozen):
    assert listed(as_clerk, f"{CHANGELIST}?deadline=overdue") == {case.pk}
    row = as_clerk.get(f"{CHANGELIST}?deadline=overdue").content.decode()
    assert 'data-track="' in row and "12300 Admission decision" in row
    assert 'rd-deadline--track" data-tone="overdue" data-last-day="2026-11-12"' in row


def test_the_lists_complaint_clocks_cost_no_query_per_row(case, lumiere_with_address, clerk, as_clerk, frozen):
    with CaptureQueriesContext(connection) as one:
        assert listed(as_clerk, f"{CHANGELIST}?deadline=overdue") == {case.pk}
    second = build_case(lumiere_with_address, clerk)
    with CaptureQueriesContext(connection) as two:
        assert listed(as_clerk, f"{CHANGELIST}?deadline=overdue") == {case.pk, second.pk}
    assert len(two) == len(one)


def test_the_lists_breach_filter_shows_the_app_answer_past_its_statutory_limit(case, as_clerk, frozen):
    # The app's answer is capped at 15 working days: past its last day, it is past the statute too.
    assert listed(as_clerk, f"{CHANGELIST}?deadline=breach") == {case.pk}


def test_a_complaint_clock_due_soon_is_in_the_due_soon_filter_and_count(case, clerk, as_clerk):
    # On 11-10 at 10:00 the app's answer is due today and 12300's admission in two working days.
    earlier = shanghai(2026, 11, 10, 10)
    assert {item.key: item for item in queue(clerk, now=earlier)}["due_soon"].count == 1
    with time_machine.travel(earlier, tick=False):
        assert listed(as_clerk, f"{CHANGELIST}?deadline=soon") == {case.pk}
        assert listed(as_clerk, f"{CHANGELIST}?deadline=overdue") == set()


def test_the_dashboard_counts_the_request_overdue_by_its_complaints(case, as_clerk, frozen):
    board = dashboard(NOW)
    assert board.overdue_total == 1
    assert [bar.count for bar in board.overdue_by_app] == [1]
    page = as_clerk.get(reverse("admin:rights_rightsrequest_dashboard")).content.decode()
    assert "Nothing is overdue." not in page
    assert re.search(r'data-tile="overdue">\s*<strong>1</strong>', page)


def test_the_request_page_shows_each_complaints_clocks_with_last_day_and_status(case, as_clerk, frozen):
    page = as_clerk.get(reverse("admin:rights_rightsrequest_change", args=[case.pk])).content.decode()
    admission = ComplaintClock.objects.get(action="admission")
    section = page.split(f'data-complaint-clocks="{admission.complaint_id}"', 1)[1].split("</ul>", 1)[0]
    assert 'data-tone="overdue" data-last-day="2026-11-12"' in section
    assert "12300 Admission decision" in section and "overdue by 2 working days" in section
    app_answer = ComplaintClock.objects.get(complaint__channel__code="app")
    section = page.split(f'data-complaint-clocks="{app_answer.complaint_id}"', 1)[1].split("</ul>", 1)[0]
    assert 'data-last-day="2026-11-10"' in section and "statutory limit passed" in section


def test_the_csv_export_carries_the_complaint_clocks(case, as_clerk, frozen):
    response = as_clerk.get(reverse("admin:rights_rightsrequest_export") + "?deadline=overdue")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, (row,) = rows[0], rows[1:]
    assert row[0] == str(case.pk)
    assert row[header.index("overdue")] == "yes"
    complaint_deadlines = row[header.index("complaint deadlines")]
    assert "12300 Admission decision 2026-11-12 (overdue by 2 working days)" in complaint_deadlines


# That rights never imports complaints is tests/test_layers.py's rule (every app, every module).



# ------------------------------------------------------------------------------------------- queue --json


def test_desk_clocks_list_the_complaint_clocks_sorted_by_last_day(case):
    rows = [row.as_dict() for row in desk_clocks(now=NOW)]
    complaint_rows = [row for row in rows if row["kind"] == "complaint"]
    assert [(row["action"], row["due"], row["status"]) for row in complaint_rows] == [
        ("The app itself Answer", "2026-11-10", "statutory_breach"),
        ("12300 Admission decision", "2026-11-12", "overdue"),
    ]
    assert all(row["request"] == case.pk and row["assignee"] == "wang" for row in complaint_rows)
    assert [row["due"] for row in rows] == sorted(row["due"] for row in rows)


def test_queue_json_prints_what_the_home_shows(case, capsys):
    call_command("queue", "--json", "--now", "2026-11-16T10:00", "--user", "wang")
    printed = json.loads(capsys.readouterr().out)
    admission = ComplaintClock.objects.get(action="admission")
    assert {
        "kind": "complaint", "request": case.pk, "complaint": admission.complaint_id, "app": "卢米埃影城",
        "action": "12300 Admission decision", "due": "2026-11-12", "due_at": "2026-11-13T00:00:00+08:00",
        "status": "overdue", "assignee": "wang",
    } in printed  # fmt: skip
    assert [row["due"] for row in printed] == sorted(row["due"] for row in printed)


def test_queue_without_json_prints_one_line_per_clock(case, capsys):
    call_command("queue", "--now", "2026-11-16T10:00")
    lines = capsys.readouterr().out.splitlines()
    assert f"2026-11-12  overdue  #{case.pk} 卢米埃影城  12300 Admission decision  wang" in lines


def test_queue_json_for_someone_else_lists_none_of_wangs_clocks(case, capsys):
    UserFactory(username="li")
    call_command("queue", "--json", "--now", "2026-11-16T10:00", "--user", "li")
    assert json.loads(capsys.readouterr().out) == []


def test_queue_json_lists_a_running_request_clock_that_is_overdue(lumiere_with_address, clerk, capsys):
    request = file(lumiere_with_address, at=shanghai(2026, 9, 28, 10), assignee=clerk, now=NOW)
    call_command("queue", "--json", "--now", "2026-11-16T10:00")
    printed = json.loads(capsys.readouterr().out)
    assert printed and {row["kind"] for row in printed} == {"request"}
    assert {row["request"] for row in printed} == {request.pk}
    assert {row["status"] for row in printed} <= {"overdue", "statutory_breach"}


def test_queue_on_the_command_line_refuses_an_unknown_user_in_one_line_with_exit_2(command):
    result = command("queue", "--json", "--user", "nobody")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == "manage.py queue: error: --user: no user called 'nobody'"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "nobody"], "--user: no user called 'nobody'"),
        (["--now", "yesterday"], "--now: not an ISO date or date-time"),
        (["--now", "0026-11-16"], "--now:"),
    ],
)
def test_queue_refuses_an_unknown_user_or_a_bad_now_with_exit_2(db, args, message):
    with pytest.raises(CommandError) as error:
        call_command("queue", "--json", *args)
    assert error.value.returncode == 2
    assert message in str(error.value) and "\n" not in str(error.value)
