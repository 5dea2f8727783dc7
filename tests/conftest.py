"""Shared fixtures, and the rule for the real services: with CI=true, tests that need PostgreSQL, Redis or
Chromium fail when those are missing; elsewhere they are skipped, and `pytest -ra` lists what was skipped."""
import contextlib
import os
import shutil
import socket
from datetime import datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pgtrigger
import pytest
import time_machine
from django.apps import apps
from django.db import connection, connections
from django.test import TransactionTestCase

from tests.browser import CHROMIUM, browser  # noqa: F401 - the browser tests' shared fixture

IN_CI = os.environ.get("CI") == "true"


# The one way around the append-only triggers (records.models.append_only_triggers), for the test suite only:
# the flush between transactional tests empties every table, history included. PostgreSQL's flush is TRUNCATE,
# let through by pgtrigger.ignore on this connection for this block; SQLite's is DELETE FROM, so its DELETE
# triggers are dropped for the flush and created again before anything else runs.
def _append_only_models():
    from records.models import AppendOnly

    return [model for model in apps.get_models() if issubclass(model, AppendOnly)]


@contextlib.contextmanager
def _sqlite_delete_triggers_lifted(conn, tables):
    from records.sqlite import create_trigger, drop_trigger

    with conn.cursor() as cursor:
        for table in tables:
            cursor.execute(drop_trigger(table, "DELETE"))
    try:
        yield
    finally:
        with conn.cursor() as cursor:
            for table in tables:
                cursor.execute(create_trigger(table, "DELETE"))


_flush = TransactionTestCase._fixture_teardown


@contextlib.contextmanager
def append_only_lifted_for_a_flush(aliases=("default",)):
    """Let a flush (emptying every table) through the append-only triggers on these databases: the test suite's
    teardown, and a test that empties its database as a fresh install would be (the backup round trip)."""
    models = _append_only_models()
    with contextlib.ExitStack() as stack:
        for alias in aliases:
            conn = connections[alias]
            if conn.vendor == "postgresql":
                stack.enter_context(pgtrigger.ignore(*(f"{m._meta.label}:no_truncate" for m in models)))
            elif conn.vendor == "sqlite":
                stack.enter_context(_sqlite_delete_triggers_lifted(conn, [m._meta.db_table for m in models]))
        yield


def _flush_past_the_append_only_triggers(self):
    with append_only_lifted_for_a_flush(self._databases_names(include_mirrors=False)):
        _flush(self)


TransactionTestCase._fixture_teardown = _flush_past_the_append_only_triggers


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def _missing(marker: str) -> str | None:
    """Why a test marked `marker` cannot run here, or None."""
    if marker == "postgres" and connection.vendor != "postgresql":
        return "needs PostgreSQL: run with CI=true or DATABASE_URL=postgres://postgres@127.0.0.1:5432/rightsdesk"
    if marker == "redis":
        url = os.environ.get("REDIS_URL", "")
        if not url:
            return "needs Redis: run with CI=true or REDIS_URL=redis://127.0.0.1:6379/15"
        if not _reachable(url, 6379):
            return f"needs Redis, but {url} does not answer"
    if marker == "browser":
        if not os.path.exists(CHROMIUM):
            return f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
        if shutil.which("chromium") is None and not os.access(CHROMIUM, os.X_OK):
            return f"{CHROMIUM} is not executable"
    return None


@pytest.fixture(autouse=True)
def _real_services(request):
    for marker in ("postgres", "redis", "browser"):
        if request.node.get_closest_marker(marker):
            reason = _missing(marker)
            if reason and IN_CI:
                pytest.fail(f"CI=true but this test {reason}")
            if reason:
                pytest.skip(reason)


# Tests that read "today" run on two frozen days: a Monday (two filings on the weekend before share a last day)
# and a Friday (the next working day is three days on). The suite once failed only on Mondays.
FROZEN_DAYS = {
    "monday": datetime(2026, 12, 7, 11, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    "friday": datetime(2026, 12, 11, 11, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
}


@pytest.fixture(params=sorted(FROZEN_DAYS))
def on_a_monday_and_a_friday(request):
    """Travel to 11:00 Shanghai time on a Monday, then (a second run of the test) on a Friday; the clock stands
    still (tick=False), so "now" is the same everywhere in the test."""
    with time_machine.travel(FROZEN_DAYS[request.param], tick=False):
        yield FROZEN_DAYS[request.param]


@pytest.fixture
def catalog(db):
    """The seed catalog (the data migration loads it; transactional tests flush it, so load it again)."""
    from policies.models import App
    from policies.seed import load_seed_catalog

    load_seed_catalog()
    return {app.name: app for app in App.objects.all()}


@pytest.fixture
def manage(transactional_db):
    """Run `manage.py ...` in a subprocess against the test database (committed data only)."""
    import subprocess
    import sys
    from pathlib import Path

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings_dict['NAME']}"
    else:
        url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**{k: settings_dict[k] or "" for k in ("USER", "HOST", "PORT", "NAME")})
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": url}
    root = Path(__file__).resolve().parents[1]

    def run(*args):
        # A timeout: a command that hangs fails its test instead of the whole run.
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=root, capture_output=True, text=True, env=env, timeout=120
        )

    return run


@pytest.fixture
def english(client, admin_client):
    """Messages asserted in English, the source language; zh-hans (the default) is checked on its own."""
    from django.utils import translation

    for c in (client, admin_client):
        c.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def roles(db):
    from rights.roles import ensure_roles

    return ensure_roles()


@pytest.fixture(autouse=True)
def _clocks_agree_with_a_replay(request):
    """After every test that wrote requests or complaints, the stored clocks are what a replay of the events
    gives (`clocks rebuild --check` over the whole suite's scenarios)."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = "db" in request.fixturenames or (marker is not None and not marker.kwargs.get("transaction"))
    if not uses_db:
        yield
        return
    request.getfixturevalue("db")
    yield
    from django.db import Error as DatabaseError

    from deadlines.registry import rebuild_all
    from policies.models import work_calendar

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return  # the test closed the connection (a whole manage.py run in-process): nothing left to check

    # Every track (deadlines.registry): request clocks and complaint clocks.
    differing = [(r.track.name, d) for r in rebuild_all(check=True, calendar=work_calendar()) for d in r.differing]
    assert not differing, f"stored clocks differ from a replay of their events: {differing[:3]}"
