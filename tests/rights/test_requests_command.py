"""`manage.py requests file|move|show --json`: what a script sees, and the one-line errors with status 2."""
import json
from io import StringIO

import pytest
from django.core.management import call_command

from rights.models import RightsRequest, TransitionLog

pytestmark = pytest.mark.django_db


def run(*args) -> dict:
    out = StringIO()
    call_command("requests", *args, stdout=out)
    return json.loads(out.getvalue())


def test_file_records_a_submitted_request_with_its_clock_started_at_the_given_time(catalog):
    data = run("file", "--app", "卢米埃影城", "--right", "account_cancellation", "--requester", "张三",
               "--contact", "13812345678", "--at", "2026-09-28T10:00", "--json")
    assert data["state"] == "submitted"
    assert data["transitions"][:4] == ["acknowledge", "request_identity", "reply", "complete"]
    assert data["history"][0]["event"] == "file" and data["history"][1]["event"] == "submit"
    (clock,) = data["clocks"]
    assert {k: clock[k] for k in ("action", "due", "final_due", "statutory_due", "provisional")} == {
        "action": "completion", "due": "2026-10-13", "final_due": "2026-10-13",
        "statutory_due": "2026-10-23", "provisional": False,
    }
    assert clock["overdue"] is True  # today is after 2026-10-13 and nothing was done
    assert RightsRequest.objects.get(pk=data["id"]).requester_contact == "13812345678"


def test_move_and_show_agree_and_log_the_note(catalog):
    created = run("file", "--app", "lumiere-cinema", "--right", "account_cancellation", "--requester", "李四",
                  "--at", "2026-09-28", "--json")
    moved = run("move", str(created["id"]), "complete", "--note", "客服确认已注销", "--at", "2026-10-09T15:00", "--json")
    assert moved["state"] == "completed" and moved["clocks"][0]["overdue"] is False
    assert moved["clocks"][0]["kept"] is True
    assert run("show", str(created["id"]), "--json") == moved
    assert TransitionLog.objects.filter(request_id=created["id"], transition="complete", note="客服确认已注销").exists()


@pytest.mark.django_db(transaction=True)
def test_an_unknown_app_exits_2_with_one_clear_line_and_no_traceback(catalog, manage):
    result = manage("requests", "file", "--app", "不存在", "--right", "deletion", "--requester", "x", "--json")
    assert result.returncode == 2
    assert "unknown app '不存在'" in result.stderr and "卢米埃影城" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_refused_transition_exits_2_and_changes_nothing(catalog, manage):
    filed = manage("requests", "file", "--app", "艾米聊", "--right", "account_cancellation", "--requester", "王五",
                    "--at", "2026-11-02T09:00", "--json")
    request_id = json.loads(filed.stdout)["id"]
    result = manage("requests", "move", str(request_id), "confirm", "--json")
    assert result.returncode == 2
    # In the default language (zh-hans): the request, its state and what is allowed now, on one line.
    # The allowed events by their labels, as the admin's bulk results say them (issue 19): "App 已受理", not "acknowledge".
    assert f"#{request_id}" in result.stderr and "App 已受理" in result.stderr and "已提交" in result.stderr
    assert "acknowledge" not in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert RightsRequest.objects.get(pk=request_id).state == "submitted"
    assert TransitionLog.objects.filter(request_id=request_id).count() == 2
