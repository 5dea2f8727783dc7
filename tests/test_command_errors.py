"""The command line's one error contract (config/commands.py): a bad argument or value is ONE line on stderr and
exit status 2, never a traceback and never argparse's usage block; every project command follows it.

Most cases run the command line in-process (ManagementUtility, what manage.py calls, so argparse behaves as on a
terminal); a few run manage.py in a subprocess with a timeout to prove it end to end.
"""
import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import connections

from rights.models import Reminder

pytestmark = pytest.mark.django_db


def command_line(capsys, monkeypatch, *argv) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `manage.py *argv`, run in this process."""
    # manage.py closes every connection on its way out; here the test's open transaction is the database.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    capsys.readouterr()
    try:
        ManagementUtility(["manage.py", *argv]).execute()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_usage_error(code, out, err, *says):
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and "usage:" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].strip(), f"the user sees {len(lines)} lines:\n{err}"
    for fragment in says:
        assert fragment in err, err


BAD_ARGUMENTS = [
    # argparse's errors: once a usage block of 5-7 lines
    (["catalog", "--bogus"], ["unrecognized arguments: --bogus"]),
    (["catalog", "extra"], ["unrecognized arguments: extra"]),
    (["deadline", "2026-09-28", "7"], ["the following arguments are required: unit"]),
    (["deadline", "2026-09-28", "7", "fortnight"], ["invalid choice"]),
    (["deadline", "2026-09-28", "²", "working_day"], ["'²'"]),
    # int("٣") is 3: another script's digit is a typo on this command line, not the number three
    (["deadline", "2026-09-28", "٣", "working_day"], ["'٣'"]),
    (["import_policy"], ["the following arguments are required: file"]),
    (["import_policy", "policy.txt", "--bogus"], ["unrecognized arguments: --bogus"]),
    (["send_reminders", "--bogus"], ["unrecognized arguments: --bogus"]),
    (["send_reminders", "--now"], ["expected one argument"]),
    (["reminder_loop", "--iterations", "1", "--interval", "nan"], ["'nan'"]),
    (["reminder_loop", "--iterations", "1", "--interval", "-5"], ["'-5'"]),
    (["reminder_loop", "--iterations", "1", "--interval", "inf"], ["'inf'"]),
    (["reminder_loop", "--iterations", "²"], ["'²'"]),
    (["reminder_loop", "--iterations", "-1"], ["'-1'"]),
    (["demo_setup", "--bogus"], ["unrecognized arguments: --bogus"]),
]


@pytest.mark.parametrize("argv, says", BAD_ARGUMENTS, ids=[" ".join(a) for a, _ in BAD_ARGUMENTS])
def test_a_bad_argument_is_one_line_on_stderr_and_exit_2(capsys, monkeypatch, argv, says):
    code, out, err = command_line(capsys, monkeypatch, *argv)
    assert_one_line_usage_error(code, out, err, f"manage.py {argv[0]}: error:", *says)
    assert out == ""


BAD_NOW = [
    ("", "empty"),  # once: swept silently at the current time
    ("   ", "empty"),
    ("garbage", "not an ISO date"),  # once: exit 1
    ("2026-13-01", "not an ISO date"),
    ("²⁰²⁶-10-14", "not an ISO date"),
    ("0001-01-01", "outside the working-day calendar"),  # once: a traceback
    ("9999-12-31", "outside the working-day calendar"),  # once: a traceback
    ("9999-12-31T23:59-12:00", "outside the working-day calendar"),  # once: OverflowError converting to UTC
    ("0001-01-01T00:00+14:00", "outside the working-day calendar"),
    ("2000-12-31", "from 2001"),  # the first year the calendar supports is named
]


@pytest.mark.parametrize("value, says", BAD_NOW, ids=[repr(v) for v, _ in BAD_NOW])
def test_send_reminders_refuses_a_now_that_is_empty_unparsable_or_outside_the_calendar(capsys, monkeypatch, value, says):
    code, out, err = command_line(capsys, monkeypatch, "send_reminders", "--now", value)
    assert_one_line_usage_error(code, out, err, "manage.py send_reminders: error: --now", says)
    assert not Reminder.objects.exists()


def test_send_reminders_accepts_a_now_inside_the_calendar(capsys, monkeypatch):
    code, out, err = command_line(capsys, monkeypatch, "send_reminders", "--now", "2026-10-14T09:30", "--dry-run")
    assert (code, err) == (0, "")
    assert "dry run: would record 0" in out


def test_in_process_callers_get_a_command_error_with_status_2():
    # call_command's contract is an exception, not an exit; the status travels with it.
    with pytest.raises(CommandError, match="--now: empty") as refused:
        call_command("send_reminders", now="")
    assert refused.value.returncode == 2
    with pytest.raises(CommandError, match="unrecognized arguments") as refused:
        call_command("catalog", "extra")
    assert refused.value.returncode == 2


def test_traceback_flag_still_shows_the_traceback_for_whoever_debugs(capsys):
    with pytest.raises(CommandError):
        ManagementUtility(["manage.py", "send_reminders", "--now", "garbage", "--traceback"]).execute()


@pytest.mark.parametrize(
    "argv, says",
    [
        (["send_reminders", "--now", "0001-01-01"], "outside the working-day calendar"),
        (["catalog", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_on_a_real_command_line_too(manage, argv, says):
    result = manage(*argv)  # a subprocess on the test database, with a timeout (tests/conftest.py)
    assert_one_line_usage_error(result.returncode, result.stdout, result.stderr, says)


# --- Every command, every bad file argument (issue 23, item 8): a missing directory, a directory where a file is
# expected, an unreadable file, a year outside the calendar, an unknown id. Exit 2, one line on stderr, no traceback,
# and no row changed anywhere.


def row_counts() -> dict[str, int]:
    from django.apps import apps

    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def bad_file_arguments(tmp):
    folder = tmp / "folder"
    folder.mkdir(exist_ok=True)
    binary = tmp / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    missing = "/nonexistent/dir/x"
    return [
        # a missing directory
        (["import_policy", f"{missing}.txt"], "no such file"),
        (["complaints", "draft", "1", "--channel", "12315", "--out", f"{missing}.pdf"], "no such directory"),
        (["complaints", "draft", "1", "--channel", "12315", "--format", "zip", "--out", f"{missing}.zip"], "no such directory"),
        (["backup", f"{missing}.backup"], "no such directory"),
        (["restore", f"{missing}.backup"], "no such backup file"),
        # a directory where a file is expected
        (["import_policy", str(folder)], "is a directory"),
        (["complaints", "draft", "1", "--channel", "12315", "--out", str(folder)], "is a directory"),
        (["backup", str(folder)], "is a directory"),
        (["restore", str(folder)], "is a directory"),
        # a file that cannot be read as what the command expects
        (["import_policy", str(binary)], str(binary.name)),
        (["restore", str(binary)], "not a RightsDesk backup"),
        # a year outside the calendar
        (["deadline", "0001-01-01", "7", "month"], "outside the working-day calendar"),
        (["deadline", "9999-12-01T10:00", "1", "calendar_day"], "outside the working-day calendar"),
        (["send_reminders", "--now", "0001-01-01"], "outside the working-day calendar"),
        (["queue", "--now", "0001-01-01"], "outside the working-day calendar"),
        (["calendar", "override", "0001-01-01", "off"], "0001"),
        # an unknown id
        (["requests", "show", "999999"], "999999"),
        (["requests", "move", "999999", "acknowledge"], "999999"),
        (["complaints", "show", "999999"], "999999"),
        (["complaints", "draft", "999999", "--channel", "12315"], "999999"),
        (["complaints", "move", "999999", "answer"], "999999"),
    ]


def _ids():
    from pathlib import Path

    return [" ".join(argv) for argv, _ in bad_file_arguments(Path("/tmp"))]


@pytest.mark.parametrize("number", range(21), ids=lambda n: str(n))
def test_every_command_refuses_a_bad_file_year_or_id_in_one_line_and_changes_nothing(
    capsys, monkeypatch, tmp_path, catalog, number
):
    argv, says = bad_file_arguments(tmp_path)[number]
    before = row_counts()
    code, out, err = command_line(capsys, monkeypatch, *argv)
    assert_one_line_usage_error(code, out, err, f"manage.py {argv[0]}", says)
    assert row_counts() == before


def test_the_table_covers_every_row(tmp_path):
    assert len(bad_file_arguments(tmp_path)) == 21


@pytest.mark.skipif(__import__("os").geteuid() == 0, reason="root reads a file whatever its mode")
@pytest.mark.parametrize("command", [["import_policy"], ["restore"]])
def test_an_unreadable_file_is_refused_in_one_line(capsys, monkeypatch, tmp_path, command):
    secret = tmp_path / "secret"
    secret.write_text("x")
    secret.chmod(0)
    code, out, err = command_line(capsys, monkeypatch, *command, str(secret))
    assert_one_line_usage_error(code, out, err, "permission denied")


def test_complaints_draft_out_to_a_missing_directory_on_a_real_command_line(manage):
    result = manage("complaints", "draft", "1", "--channel", "12315", "--out", "/nonexistent/x.pdf")
    assert_one_line_usage_error(result.returncode, result.stdout, result.stderr)
