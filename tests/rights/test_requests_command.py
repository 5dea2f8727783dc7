"""`manage.py requests file|move|show --json`: what a script sees, and the one-line errors with status 2."""
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deadlines.status import ClockStatus
from rights.models import RightsRequest, TransitionLog
from tests.factories import file, shanghai

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


# ------------------------------------------------------------------- moves, refusals, bad arguments (case record)

FILED = shanghai(2026, 9, 28, 10)
NOW = shanghai(2026, 11, 30, 12)


@pytest.fixture
def epiao(catalog):
    return catalog["E票电影"]


@pytest.mark.usefixtures("english")
def test_requests_move_records_extend_pause_and_amend_and_show_lists_the_history(epiao, clerk):
    data = run("file", "--app", "E票电影", "--right", "account_cancellation", "--requester", "张三", "--at", "2026-09-30T10:00", "--json")
    pk = str(data["id"])
    run("move", pk, "pause", "--at", "2026-10-09T10:00", "--note", "补充材料", "--json")
    run("move", pk, "resume", "--at", "2026-10-12T09:00", "--by", "clerk", "--json")
    run("move", pk, "extend", "--until", "2026-11-20", "--basis", "none", "--at", "2026-10-13T09:00", "--json")
    shown = run("move", pk, "amend", "--field", "requester_name", "--value", "张三丰", "--json")
    assert [h["event"] for h in shown["history"]] == ["file", "submit", "pause", "resume", "extend", "amend"]
    assert shown["history"][3]["by"] == "clerk" and shown["history"][2]["note"] == "补充材料"
    clock = next(c for c in shown["clocks"] if c["clock_start"] == "account_cancelled")
    assert (clock["paused_working_days"], clock["final_due"], clock["extended_to"]) == (2, "2026-10-29", "2026-11-20")
    assert clock["status"] in ClockStatus.values


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    "args, says",
    [
        (["move", "{pk}", "complete", "--at", "2026-09-20"], "previous event"),
        (["move", "{pk}", "complete", "--at", "0026-11-02T10:00"], "outside the working-day calendar"),
        (["move", "{pk}", "complete", "--by", "auditor"], "may not"),
        (["move", "{pk}", "teleport"], "Unknown event"),
        (["move", "{pk}", "extend", "--until", "2026-13-01", "--basis", "none"], "must be a date"),
    ],
)
def test_requests_move_refusals_exit_2_with_one_line(lumiere, auditor, args, says):
    request = file(lumiere, at=FILED, now=NOW)
    with pytest.raises(CommandError) as refused:
        call_command("requests", *[a.format(pk=request.pk) for a in args])
    assert refused.value.returncode == 2 and says in str(refused.value) and "\n" not in str(refused.value)
    assert request.log.count() == 2


@pytest.mark.usefixtures("english")
def test_requests_with_a_bad_argument_print_one_line_and_exit_2():
    import os
    import subprocess
    import sys

    from tests.rights.test_reminders_loop import ROOT

    result = subprocess.run(
        [sys.executable, "manage.py", "requests", "move", "not-a-number", "complete"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )  # fmt: skip
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "not a whole number" in result.stderr
