"""PostgreSQL: the tables a sweep reads are analyzed before it records, when their statistics no longer describe them.

A restore, a bulk import or a fresh install leaves tables full of rows that the planner knows nothing about until
autovacuum gets to them (a minute later, or never on a busy table). With no column statistics the planner guesses
the selectivity of every condition (a third for a range, a two-hundredth for an equality) and chose nested loops
over thousands of rows for the rules' `INSERT ... SELECT`: 5,330 overdue requests over 530 assignees took 17-26 s
instead of under 1 s (issue 24, bench/README.md "fresh-stats"). ANALYZE samples at most 30,000 rows per table
(0.1-0.5 s at a million rows); a table whose statistics are current is left alone, so a steady-state sweep pays
one catalog query.

A table is stale when
- it holds pages and was never analyzed (`pg_class.reltuples` is -1, or no ANALYZE is recorded for it), or
- it is more than a fifth (and 8 pages) larger than when its statistics were taken (`relpages` against the
  relation's size now: this sees rows loaded a moment ago, before the statistics collector has counted them), or
- more than a tenth of its rows (and 500) changed since the last ANALYZE (`n_mod_since_analyze`), the threshold
  autovacuum itself uses by default.
The ledger only when never analyzed (a restore): a sweep marks every row it sends (status, sent_at), a new version
of each row (its heap doubles), which changes nothing the rules' plans depend on (they probe its unique key);
analyzing it again after each sweep cost the next one 0.1-0.4 s at a million requests. It is analyzed when a sweep
grows it (rights.reminders.ledger.refresh_ledger_statistics).
"""
from __future__ import annotations

from contextlib import contextmanager, suppress

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection

from ..models import Reminder, ReminderPreference, ReminderSnooze, RightsRequest
from .sources import clock_sources

GROWTH = 1.2  # relpages times this (plus SLACK_PAGES) is still current
SLACK_PAGES = 8
CHANGED_SHARE = 0.1  # autovacuum_analyze_scale_factor's default
CHANGED_ROWS = 500

_STALE_SQL = """
SELECT c.relname
FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid,
     LATERAL (SELECT pg_relation_size(c.oid) / current_setting('block_size')::int AS pages) now
WHERE c.oid = ANY(%s::regclass[]) AND now.pages > 0 AND (
    c.reltuples < 0
    OR (s.last_analyze IS NULL AND s.last_autoanalyze IS NULL)
    OR (c.relname <> ALL(%s) AND (
        now.pages > c.relpages * %s + %s
        OR coalesce(s.n_mod_since_analyze, 0) > greatest(c.reltuples, 0) * %s + %s
    ))
)
ORDER BY c.relname
"""


def swept_tables() -> list[str]:
    """What a sweep reads: the ledger, requests, snoozes, preferences and accounts, and each clock source's clocks
    with the tables they point to (a complaint clock's complaint, whose request the rule reads)."""
    models = {Reminder, RightsRequest, ReminderSnooze, ReminderPreference, get_user_model()}
    for source in clock_sources():
        model = source.clocks().model
        models.add(model)
        models.update(f.related_model for f in model._meta.concrete_fields if f.is_relation and f.related_model)
    return sorted({m._meta.db_table for m in models if apps.is_installed(m._meta.app_label) and m._meta.managed})


def analyze_stale_tables(tables: list[str] | None = None) -> list[str]:
    """ANALYZE the stale ones among `tables` (default: the tables a sweep reads); returns their names. Not inside a
    transaction (a dry run, a test's): ANALYZE would hold its lock until the end, and a rollback undo it."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return []
    tables = swept_tables() if tables is None else tables
    with connection.cursor() as cursor:
        if connection.pg_version >= 150000:
            # This session's own counts of rows written a moment ago wait up to 10 s to reach the shared statistics;
            # arriving after the ANALYZE below, they would count as changes since it, and the next sweep would
            # analyze again. Forced out now: the flush runs as this statement ends, before the next one is read.
            cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(_STALE_SQL, [tables, [Reminder._meta.db_table], GROWTH, SLACK_PAGES, CHANGED_SHARE, CHANGED_ROWS])
        stale = [row[0] for row in cursor.fetchall()]
        for table in stale:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return stale


@contextmanager
def without_jit():
    """PostgreSQL: the sweep's statements run without JIT compilation. At a million clocks their estimated costs pass
    `jit_above_cost`, and compiling a statement (about 70 functions, 20-60 ms) costs more than it saves on queries
    that probe indexes and return a few thousand rows: a repeat sweep at a million requests took 0.22 s with JIT,
    0.15-0.17 s without (bench/README.md). The session's own setting is put back afterwards."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit')")
        before = cursor.fetchone()[0]
        cursor.execute("SET jit = off")
    try:
        yield
    except BaseException:
        # A failed transaction refuses every statement until its rollback, which undoes the SET anyway.
        with suppress(DatabaseError):
            _set_jit(before)
        raise
    _set_jit(before)


def _set_jit(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jit', %s, false)", [value])
