"""`manage.py deadline` and `manage.py catalog`: in-process through call_command, and as a user runs them
(a subprocess with the venv's python) for the exit status and what lands on stderr."""
import json
import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from policies.models import App, CalendarOverride, CalendarYear, PolicyVersion, Procedure
from policies.seed import DATA_DIR

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else sys.executable)
SEED = json.loads((DATA_DIR / "catalog.json").read_text(encoding="utf-8"))
PROCEDURE_KEYS = {"right", "action", "deadline", "clock_start", "channels", "quote", "effective_deadline", "statutory"}


def deadline(*args):
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def catalog(*args):
    out, err = StringIO(), StringIO()
    call_command("catalog", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def catalog_json():
    return json.loads(catalog("--json")[0])


# ----------------------------------------------------------------------------- deadline, in process


@pytest.mark.django_db
def test_deadline_prints_13_october_for_7_working_days_from_28_september_2026():
    assert deadline("2026-09-28", "7", "working_day") == "2026-10-13\n"


@pytest.mark.django_db
def test_deadline_prints_22_october_for_15_working_days_from_the_mid_autumn_holiday():
    assert deadline("2026-09-25", "15", "working_day") == "2026-10-22\n"


@pytest.mark.django_db
def test_deadline_json_has_last_day_ends_at_and_provisional():
    assert json.loads(deadline("2026-09-28", "7", "working_day", "--json")) == {
        "last_day": "2026-10-13",
        "ends_at": "2026-10-14T00:00:00+08:00",
        "provisional": False,
    }


@pytest.mark.django_db
def test_deadline_reads_a_datetime_start_with_or_without_a_zone():
    # 20:00 UTC on 9/27 is already 9/28 in Shanghai; a naive 20:00 is still Sunday 9/27
    assert deadline("2026-09-27T20:00+00:00", "7", "working_day") == "2026-10-13\n"
    assert deadline("2026-09-27T20:00", "7", "working_day") == "2026-10-12\n"
    assert json.loads(deadline("2026-09-28 20:00", "6", "hour", "--json"))["ends_at"] == "2026-09-29T02:00:00+08:00"


@pytest.mark.django_db
def test_deadline_into_2027_is_provisional_until_the_2027_schedule_is_entered():
    provisional = json.loads(deadline("2026-12-24", "7", "working_day", "--json"))
    assert (provisional["last_day"], provisional["provisional"]) == ("2027-01-05", True)
    assert "provisional" in deadline("2026-12-24", "7", "working_day")

    CalendarOverride.objects.create(day=date(2027, 1, 2), is_working_day=True, name="调休上班 (invented for the test)")
    CalendarYear.objects.create(year=2027)
    entered = json.loads(deadline("2026-12-24", "7", "working_day", "--json"))
    assert (entered["last_day"], entered["provisional"]) == ("2027-01-04", False)
    assert deadline("2026-12-24", "7", "working_day") == "2027-01-04\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, message",
    [
        (["2026-13-01", "7", "working_day"], "START must be an ISO date"),
        (["2026-09-28", "0", "working_day"], "AMOUNT must be between 1 and"),
        (["9999-12-31", "1", "calendar_day"], "outside the working-day calendar"),  # the start itself (issue 23)
        (["2026-09-28", "7", "fortnight"], "invalid choice"),
        (["2026-09-28", "seven", "working_day"], "not a whole number"),
    ],
)
def test_deadline_refuses_bad_input_with_a_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        deadline(*args)


# ----------------------------------------------------------------------------- catalog, in process


@pytest.mark.django_db
def test_catalog_json_lists_every_app_with_its_procedures_and_their_effective_deadlines():
    apps = {app["name"]: app for app in catalog_json()}
    assert set(apps) == {entry["name"] for entry in SEED}
    for entry in SEED:
        procedures = apps[entry["name"]]["procedures"]
        assert len(procedures) == len(entry["procedures"])
        for procedure in procedures:
            assert PROCEDURE_KEYS <= set(procedure)
            assert procedure["deadline"] is None or set(procedure["deadline"]) == {"min", "max", "unit"}
            assert isinstance(procedure["channels"], list)


@pytest.mark.django_db
def test_catalog_json_quotes_are_verbatim_passages_of_the_policy_texts():
    texts = {entry["name"]: (DATA_DIR / "policies" / entry["policy"]["source_file"]).read_text(encoding="utf-8") for entry in SEED}
    for app in catalog_json():
        for procedure in app["procedures"]:
            assert procedure["quote"] in texts[app["name"]]


@pytest.mark.django_db
def test_catalog_json_gives_lumiere_its_promise_and_aimiliao_the_statutory_default():
    apps = {app["name"]: app for app in catalog_json()}
    (lumiere,) = [p for p in apps["卢米埃影城"]["procedures"] if p["right"] == "account_cancellation"]
    assert lumiere["deadline"] == {"min": 7, "max": 7, "unit": "working_day"}
    assert lumiere["effective_deadline"]["source"] == "promise"
    assert lumiere["statutory"] is None

    (aimiliao,) = apps["艾米聊"]["procedures"]
    assert aimiliao["deadline"] is None
    assert aimiliao["effective_deadline"] == {
        "min": 15,
        "max": 15,
        "unit": "working_day",
        "clock_start": "receipt",
        "source": "statutory",
        "exceeds_cap": False,
    }
    assert aimiliao["statutory"]["code"] == "app-rules-2019-6-3"
    assert "〔2019〕" in aimiliao["statutory"]["citation"]


@pytest.mark.django_db
def test_catalog_json_flags_a_promise_beyond_the_cap():
    app = App.objects.create(name="示例应用", slug="example-app")
    version = PolicyVersion.objects.create(
        app=app, title="示例", effective_on=date(2025, 1, 1), source_text="我们将在20个工作日内完成删除。"
    )
    Procedure.objects.create(
        policy_version=version, right="deletion", action="completion", deadline_min=20, deadline_max=20,
        deadline_unit="working_day", quote="我们将在20个工作日内完成删除。",
    )  # fmt: skip
    (procedure,) = {a["name"]: a for a in catalog_json()}["示例应用"]["procedures"]
    assert procedure["effective_deadline"]["exceeds_cap"] is True
    assert procedure["effective_deadline"]["max"] == 15
    assert procedure["statutory"]["code"] == "app-rules-2019-6-3"


@pytest.mark.django_db
def test_catalog_shows_the_version_in_force_today_not_a_future_or_undated_one():
    app = App.objects.create(name="示例应用", slug="example-app")
    for title, effective_on, amount in [("in force", date(2020, 1, 1), 10), ("undated", None, 5), ("future", date(2999, 1, 1), 3)]:
        version = PolicyVersion.objects.create(app=app, title=title, effective_on=effective_on, source_text=title)
        Procedure.objects.create(
            policy_version=version, right="deletion", action="completion", deadline_min=amount, deadline_max=amount,
            deadline_unit="working_day", quote=title,
        )  # fmt: skip
    entry = {a["name"]: a for a in catalog_json()}["示例应用"]
    assert entry["policy"]["title"] == "in force"
    assert [p["deadline"]["max"] for p in entry["procedures"]] == [10]


@pytest.mark.django_db
def test_catalog_load_is_idempotent():
    before = Procedure.objects.count()
    _, err = catalog("--load", "--json")
    assert "0 new procedures" in err
    assert Procedure.objects.count() == before


@pytest.mark.django_db
def test_catalog_text_lists_apps_with_promise_or_statutory_source():
    out, _ = catalog()
    assert "艾米聊" in out
    assert "account_cancellation" in out and "15-15 working_day (statutory)" in out
    assert "7-7 working_day (promise)" in out


# ----------------------------------------------------------------------------- as a user runs them


@pytest.fixture(scope="module")
def migrated_env(tmp_path_factory):
    """Environment for manage.py in a subprocess, on its own migrated SQLite file (the test DB is not shared)."""
    db = tmp_path_factory.mktemp("cli") / "cli.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": f"sqlite:///{db}"}
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def manage(env, *args):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_deadline_command_line_prints_the_last_day_and_exits_0(migrated_env):
    result = manage(migrated_env, "deadline", "2026-09-28", "7", "working_day")
    assert (result.returncode, result.stdout, result.stderr) == (0, "2026-10-13\n", "")
    result = manage(migrated_env, "deadline", "2026-09-25", "15", "working_day", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"last_day": "2026-10-22", "ends_at": "2026-10-23T00:00:00+08:00", "provisional": False}


@pytest.mark.parametrize(
    "args",
    [
        ["2026-13-01", "7", "working_day"],  # no such month
        ["28/09/2026", "7", "working_day"],  # not ISO
        ["2026-09-28", "seven", "working_day"],
        ["2026-09-28", "7", "fortnight"],
        ["2026-09-28", "0", "working_day"],
        ["2026-09-28", "-3", "working_day"],
        ["2026-09-28"],  # missing AMOUNT and UNIT
        ["9999-12-31", "1", "calendar_day"],  # past the end of the calendar
        ["2026-09-28", "1000000", "month"],
    ],
    ids=lambda args: " ".join(args),
)
def test_deadline_command_line_bad_input_exits_2_with_one_line_on_stderr(migrated_env, args):
    result = manage(migrated_env, "deadline", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), result.stderr


def test_catalog_command_line_prints_the_catalog_the_migration_loaded(migrated_env):
    result = manage(migrated_env, "catalog", "--json")
    assert result.returncode == 0, result.stderr
    apps = json.loads(result.stdout)
    assert {app["name"] for app in apps} == {entry["name"] for entry in SEED}
    assert all(PROCEDURE_KEYS <= set(p) for app in apps for p in app["procedures"])
