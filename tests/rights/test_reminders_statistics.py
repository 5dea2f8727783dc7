"""A sweep on tables loaded a moment ago and never analyzed (a restore, a bulk import, a new install) plans its rules as
on analyzed tables, because it analyzes the stale ones first (rights/reminders/statistics.py): issue 24, where 5,330
overdue requests took 17-26 s to sweep before autovacuum had run.

The scenario: 卢米埃影城 cancellation filed Tuesday 2026-11-10 (last day 2026-11-19), copied 3,000 times with SQL as
a bulk import would; the sweep runs Friday 2026-11-20 09:30, when every copy is overdue.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.models import work_calendar
from rights.models import Clock, ReminderSettings, RightsRequest
from rights.presenters import PageCalendar
from rights.querysets import today_in_shanghai
from rights.reminders import sweep_reminders
from rights.reminders.rules import active_snoozes, due_queries
from rights.reminders.statistics import analyze_stale_tables, swept_tables
from tests.factories import UserFactory, file, shanghai

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = shanghai(2026, 11, 20, 9, 30)
COPIES = 3000
LOADED = ["rights_clock", "rights_rightsrequest"]


def bulk_copy(request: RightsRequest, copies: int) -> None:
    """COPIES requests like `request`, each with its clocks, in two statements (no events: a bulk load)."""
    ops = connection.ops
    request_columns = [f.column for f in RightsRequest._meta.concrete_fields if not f.primary_key]
    clock_columns = [f.column for f in Clock._meta.concrete_fields if not f.primary_key and f.column != "request_id"]
    quoted = lambda columns, prefix="": ", ".join(prefix + ops.quote_name(c) for c in columns)  # noqa: E731
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH new AS (INSERT INTO rights_rightsrequest ({quoted(request_columns)}) "
            f"SELECT {quoted(request_columns, 'r.')} FROM rights_rightsrequest r, generate_series(1, %s) "
            f"WHERE r.id = %s RETURNING id) "
            f"INSERT INTO rights_clock (request_id, {quoted(clock_columns)}) "
            f"SELECT new.id, {quoted(clock_columns, 'c.')} FROM new, rights_clock c WHERE c.request_id = %s",
            [copies, request.pk, request.pk],
        )


def forget_statistics(tables: list[str]) -> None:
    """What a restore or a new install leaves: no column statistics and no row estimate (the test database's
    tables were analyzed by earlier tests' sweeps, or by autovacuum)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM pg_statistic WHERE starelid = ANY(%s::regclass[])", [tables])
        cursor.execute("UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid = ANY(%s::regclass[])", [tables])


def analyze(*tables: str) -> None:
    """ANALYZE as analyze_stale_tables does: this session's held-back counts of rows it wrote are flushed first, or
    they would arrive after the ANALYZE and count as changes since it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def plan_shape(node: dict) -> tuple:
    """A plan as its node types and what they read, without costs or row estimates."""
    return (
        node["Node Type"], node.get("Relation Name", ""), node.get("Index Name", ""),
        tuple(plan_shape(child) for child in node.get("Plans", ())),
    )  # fmt: skip


def rule_plans() -> list[tuple]:
    """The plan of each rule's query, as the sweep would run it now."""
    config = ReminderSettings.load()
    calendar = PageCalendar(work_calendar())
    queries = due_queries(
        now=NOW, config=config, calendar=calendar, snoozes=active_snoozes(today_in_shanghai(NOW)), skipped=[]
    )
    return [plan_shape(json.loads(query.queryset.explain(format="json"))[0]["Plan"]) for query in queries]


@pytest.fixture
def bulk_loaded(catalog):
    clerk = UserFactory(username="wang", email="wang@example.com")
    filed = file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), assignee=clerk)
    bulk_copy(filed, COPIES)
    yield
    # The copies have no events: gone before the suite checks every stored clock against a replay of its events.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM rights_reminder")
        cursor.execute("DELETE FROM rights_clock WHERE request_id <> %s", [filed.pk])
        cursor.execute("DELETE FROM rights_rightsrequest WHERE id <> %s", [filed.pk])


def test_a_sweep_on_never_analyzed_tables_plans_its_rules_as_on_analyzed_ones(bulk_loaded):
    analyze(*LOADED)
    analyzed = rule_plans()

    forget_statistics(LOADED)
    assert set(LOADED) <= set(swept_tables())
    assert analyze_stale_tables(LOADED) == LOADED  # found stale, analyzed
    assert rule_plans() == analyzed
    assert analyze_stale_tables(LOADED) == []  # and then current: a steady-state sweep analyzes nothing


def test_rows_this_session_wrote_a_moment_ago_do_not_make_the_tables_stale_again_after_their_analyze(catalog):
    # PostgreSQL 15 holds a session's counts of rows it wrote for up to 10 s after its last flush (at most one a
    # second). Counts flushed after the ANALYZE would read as changes since it: the next sweep would analyze again
    # (the test above failed one CI run in three, when that flush fell after the ANALYZE).
    filed = file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")  # a flush as this ends: the next one waits a second
    bulk_copy(filed, COPIES)  # so the copies' counts are held back
    try:
        assert analyze_stale_tables(LOADED) == LOADED
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_force_next_flush()")  # anything still held back is counted now
            cursor.execute("SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = ANY(%s)", [LOADED])
            assert [changed for (changed,) in cursor.fetchall()] == [0, 0]
        assert analyze_stale_tables(LOADED) == []
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM rights_clock WHERE request_id <> %s", [filed.pk])
            cursor.execute("DELETE FROM rights_rightsrequest WHERE id <> %s", [filed.pk])


def test_a_sweep_on_never_analyzed_tables_keeps_its_statements_bounded(bulk_loaded):
    forget_statistics(LOADED)
    with CaptureQueriesContext(connection) as queries:
        result = sweep_reminders(now=NOW)
    assert result.recorded == result.sent >= COPIES + 1 and len(result.digests) == 1
    statements = [q["sql"] for q in queries.captured_queries]
    first_insert = next(n for n, sql in enumerate(statements) if sql.startswith(("INSERT", "WITH new AS (INSERT")))
    analyzed_first = {sql.split('"')[1] for sql in statements[:first_insert] if sql.startswith("ANALYZE")}
    assert set(LOADED) <= analyzed_first  # before any rule ran
    assert len(statements) < 50  # whatever the number of requests: no statement per request or per reminder


def test_tables_that_grew_by_a_bulk_load_since_their_last_analyze_are_stale(bulk_loaded):
    analyze("rights_clock")
    assert analyze_stale_tables(["rights_clock"]) == []
    bulk_copy(RightsRequest.objects.earliest("id"), COPIES)  # twice as many clocks, not counted by any ANALYZE yet
    assert analyze_stale_tables(["rights_clock"]) == ["rights_clock"]


def test_a_sweep_runs_its_statements_without_jit_and_gives_the_session_its_setting_back(bulk_loaded):
    # JIT compilation of each rule cost more than it saved (bench/README.md): off for the sweep, and only for it.
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")
    with CaptureQueriesContext(connection) as queries:
        sweep_reminders(now=NOW)
    statements = [q["sql"] for q in queries.captured_queries]
    first_rule = next(n for n, sql in enumerate(statements) if "rights_clock" in sql and "ANALYZE" not in sql)
    assert "SET jit = off" in statements[:first_rule]
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("SET jit = off")
        sweep_reminders(now=NOW)
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
