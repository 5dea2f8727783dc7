"""Every deadline is one clock with one status: complaint clocks are replayed from the complaint's log like request
clocks from the request's, `clocks rebuild --check` covers both, and a calendar correction (command line or admin,
any year) recomputes both."""
import ast
import json
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from complaints.models import Channel, ComplaintClock
from complaints.services import lodge_complaint, record_complaint_event
from deadlines.registry import tracks
from deadlines.status import ClockStatus
from policies.services import publish_calendar_year, set_calendar_day
from tests.factories import file, shanghai

pytestmark = pytest.mark.django_db

LODGED = shanghai(2026, 12, 4, 10)  # a Friday: 15 working days end on Friday 12-25


@pytest.fixture
def app_complaint(catalog):
    """卢米埃影城 promises nothing for complaints: the app channel's 15 working days apply (认定方法 六、5)."""
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 11, 2, 10), now=shanghai(2026, 11, 2, 11), requester_contact="13812345678")
    return lodge_complaint(request=request, channel=Channel.objects.get(code="app"), at=LODGED, now=LODGED)


def answer_clock(complaint) -> ComplaintClock:
    return complaint.clocks.get(action="answer")


def test_both_tracks_are_registered_with_the_deadline_layer():
    assert {track.name for track in tracks()} == {"request", "complaint"}


def test_a_day_off_entered_on_the_command_line_moves_an_app_complaints_answer_clock(app_complaint):
    clock = answer_clock(app_complaint)
    assert (clock.final_due, clock.deadline_at) == (date(2026, 12, 25), shanghai(2026, 12, 26))
    out = StringIO()
    call_command("calendar", "override", "2026-12-24", "off", "--reason", "更正", stdout=out)
    assert "1 complaint(s) changed" in out.getvalue()
    clock = answer_clock(app_complaint)
    assert (clock.final_due, clock.statutory_due, clock.deadline_at) == (date(2026, 12, 28), date(2026, 12, 28), shanghai(2026, 12, 29))


def test_a_day_off_entered_in_the_admin_moves_a_complaint_clock_in_a_published_year(
    app_complaint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        set_calendar_day(day=date(2026, 12, 24), working=False, name="更正")
    assert answer_clock(app_complaint).final_due == date(2026, 12, 28)


@pytest.fixture
def complaint_into_2027(catalog):
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 11, 2, 10), now=shanghai(2026, 11, 2, 11), requester_contact="13812345678")
    at = shanghai(2026, 12, 21, 10)
    complaint = lodge_complaint(request=request, channel=Channel.objects.get(code="app"), at=at, now=at)
    assert answer_clock(complaint).provisional  # its 15 working days reach into 2027, not published yet
    return complaint


def test_a_day_off_entered_in_an_unpublished_year_moves_a_complaint_clock_that_stays_provisional(complaint_into_2027):
    assert answer_clock(complaint_into_2027).final_due == date(2027, 1, 12)  # 15 working days, 1 January off
    out = StringIO()
    call_command("calendar", "override", "2027-01-11", "off", stdout=out)
    assert "1 complaint(s) changed" in out.getvalue()
    clock = answer_clock(complaint_into_2027)
    assert clock.final_due == date(2027, 1, 13) and clock.provisional


def test_publishing_a_year_on_the_command_line_makes_a_complaint_clock_final(complaint_into_2027):
    out = StringIO()
    call_command("calendar", "publish", "2027", stdout=out)
    assert "1 complaint(s) changed" in out.getvalue()
    assert not answer_clock(complaint_into_2027).provisional


def test_publishing_a_year_in_the_admin_makes_a_complaint_clock_final(complaint_into_2027, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish_calendar_year(year=2027, source="国务院办公厅通知")
    assert not answer_clock(complaint_into_2027).provisional


def test_clocks_rebuild_check_finds_a_complaint_clock_changed_behind_its_log(app_complaint):
    ComplaintClock.objects.filter(complaint=app_complaint).update(final_due=date(2026, 12, 31))
    with pytest.raises(CommandError, match="1 of 1 complaint"):
        call_command("clocks", "rebuild", "--check", stdout=StringIO())
    out = StringIO()
    call_command("clocks", "rebuild", stdout=out)
    assert "replayed 1 complaint(s): 1 changed" in out.getvalue()
    call_command("clocks", "rebuild", "--check", stdout=StringIO())
    assert answer_clock(app_complaint).final_due == date(2026, 12, 25)


def show(complaint, now: str) -> dict:
    out = StringIO()
    call_command("complaints", "show", str(complaint.pk), "--json", "--now", now, stdout=out)
    return json.loads(out.getvalue())


def test_complaints_show_gives_each_clock_the_status_names_of_request_clocks(app_complaint):
    def status_at(now):
        (clock,) = show(app_complaint, now)["clocks"]
        return clock["status"]

    assert status_at("2026-12-21T09:00") == ClockStatus.RUNNING
    assert status_at("2026-12-24T09:00") == ClockStatus.DUE_SOON  # within the 2 working days of Reminder settings
    assert status_at("2026-12-25T23:59") == ClockStatus.DUE_SOON  # the last day runs to 24:00 (art. 203)
    # The promise is the statutory 15 working days: past it, the clock is past the statutory limit.
    assert status_at("2026-12-26T00:00") == ClockStatus.STATUTORY_BREACH
    record_complaint_event(complaint=app_complaint, event="answer", note="已回复", at=shanghai(2026, 12, 23, 15), now=shanghai(2026, 12, 23, 16))
    (clock,) = show(app_complaint, "2027-01-10T09:00")["clocks"]
    assert (clock["status"], clock["kept"], clock["overdue"]) == (ClockStatus.KEPT, True, False)


def test_a_regulator_complaint_withdrawn_after_its_admission_day_says_missed(catalog):
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10), now=shanghai(2026, 9, 28, 11), requester_contact="13812345678")
    request.app.addresses = ["北京市东城区测试路1号（测试地址）"]
    request.app.save(update_fields=["addresses"])
    from complaints.services import update_requester_details

    update_requester_details(request=request, changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"})
    lodged = shanghai(2026, 10, 14, 10)
    complaint = lodge_complaint(request=request, channel=Channel.objects.get(code="12315"), at=lodged, now=lodged)
    withdrawn = shanghai(2026, 10, 26, 10)  # admission was due by 10-23 (7 working days)
    record_complaint_event(complaint=complaint, event="withdraw", note="撤回", at=withdrawn, now=withdrawn)
    (clock,) = show(complaint, "2026-11-30T09:00")["clocks"]
    assert (clock["action"], clock["status"]) == ("admission", ClockStatus.MISSED)
    assert complaint.clocks.get().stop_reason == "withdrawn"


def test_the_deadline_layer_imports_nothing_of_the_product():
    """deadlines <- policies <- rights <- complaints: the lowest layer knows only the standard library, Django and
    holidays."""
    allowed = set(sys.stdlib_module_names) | {"django", "holidays"}
    for path in (Path(__file__).resolve().parents[2] / "deadlines").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            assert all(name.split(".")[0] in allowed for name in names), (path.name, names)
