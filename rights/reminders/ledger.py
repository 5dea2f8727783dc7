"""The ledger (`Reminder`): each due reminder recorded once. A sweep in the send window writes it once, already
sent, with its digest (`record_due_reminders(write=False)`, `claiming_as_sent`); a sweep that holds it writes it
pending, and the sweep that sends claims and marks it.

Recording is one statement per rule: INSERT INTO the ledger SELECT the due rows (rights.reminders.rules), ON
CONFLICT DO NOTHING (SQLite: INSERT OR IGNORE). The ledger's unique keys are the reminder itself (request, clock,
kind, last day, repeat; for another source's clock: request, source, clock id, kind, last day, repeat), so a second
sweep, a second beat or two workers at once can only find the row that is already there.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.constants import OnConflict

from deadlines.workdays import WorkCalendar

from ..models import (
    RETRYABLE_REMINDER_STATES,
    Reminder,
    ReminderSettings,
    ReminderStatus,
    RightsRequest,
)
from .rules import due_queries
from .sources import REQUEST

if TYPE_CHECKING:
    from .digest import Digest

# Rows per statement: below SQLite's 999 parameters for the lookups, and small enough for PostgreSQL's planner.
BATCH = 900


@dataclass
class Recorded:
    """The rows a sweep has just recorded, as (reminder id, request id, kind, last day, repeat, assignee id, source):
    the rules found them due a moment ago, so the plan takes them as they are, without asking again whether they are
    still due (which reads their clocks: a join with a million clocks and requests, 0.6 s at 50,000 due)."""

    rows: list[tuple] = field(default_factory=list)
    # Found due but not written yet (`record_due_reminders(write=False)`): reminder id (taken from the ledger's
    # sequence) -> (request id, clock column, clock id, kind, last day, repeat, source). The delivery inserts
    # them as sent, or failed, in the transaction that sends their digest (`claiming_as_sent`).
    unwritten: dict[int, tuple] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.rows)


def record_due_reminders(
    *, now: datetime, config: ReminderSettings, calendar: WorkCalendar, snoozes, skipped: list, write: bool = True
) -> Recorded:
    """Find and record in one statement per rule: INSERT INTO the ledger SELECT the due rows, dropping those it
    holds already (ON CONFLICT DO NOTHING on PostgreSQL, INSERT OR IGNORE on SQLite: the unique keys decide), and
    RETURNING the rows that are new, with their request's assignee. Nothing else is read into Python, so the hourly
    repeat of a sweep costs what the database takes to find nothing new. Rows go in in the ledger's key order, so
    two sweeps at once wait for each other, never deadlock.

    `write=False` (PostgreSQL, a sweep about to send): the due rows are found the same way but not written; each
    gets its id from the ledger's sequence now, and the delivery writes it once, already sent (or failed), in the
    transaction that sends its digest. Written pending first and marked sent later, each of 80,000 rows cost a
    second write of the row and its indexes (status is indexed, so the update is never HOT): 1.3-1.7 s of a first
    sweep at a million requests. A sweep killed before a batch commits leaves that batch's reminders unwritten,
    and the next sweep finds them due again."""
    if not write and connection.vendor != "postgresql":
        write = True  # (SQLite: the rows are written first, as ever)
    ops = connection.ops
    fields = [f for f in Reminder._meta.concrete_fields if not f.primary_key]
    recorded = Recorded()
    for query in due_queries(now=now, config=config, calendar=calendar, snoozes=snoozes, skipped=skipped):
        source = query.source.name
        # The request's own clocks by the ledger's foreign key; any other source's by (source, clock id).
        clock_column = "clock_id" if source == REQUEST else "source_clock_id"
        key = {"request_id": "r_request", clock_column: "r_clock", "kind": "r_kind", "due": "r_due", "repeat": "r_repeat"}
        columns = {
            f.column: F(key[f.column]) if f.column in key
            else Value(now if f.name == "created_at" else source if f.name == "source" else f.get_default(), output_field=f)
            for f in fields
        }  # fmt: skip
        names = [f"c_{n}" for n in range(len(columns))]
        # Rows the ledger holds already are left out before the INSERT (an anti-join on its unique key) rather
        # than each tried and dropped by ON CONFLICT, which takes a speculative insertion and a look at the
        # conflicting row's heap tuple per row: a repeat sweep at a million requests, overdue rule, 0.25-0.50 s ->
        # 0.08-0.12 s. ON CONFLICT stays: it is what makes two sweeps at once record a reminder once.
        held = Reminder.objects.filter(
            request_id=OuterRef("r_request"), **{clock_column: OuterRef("r_clock")}, kind=OuterRef("r_kind"),
            due=OuterRef("r_due"), repeat=OuterRef("r_repeat"), **({} if source == REQUEST else {"source": source}),
        )  # fmt: skip
        due = query.queryset if query.counted_repeat else query.queryset.filter(~Exists(held))
        select = (
            due.annotate(**dict(zip(names, columns.values(), strict=True)))
            .values_list(*names)
            .order_by("r_request", "r_clock", "r_kind", "r_due", "r_repeat")
        )
        sql, params = select.query.sql_with_params()
        if not write:
            found = _due_with_assignees(sql, params)
            ids = _reserve_ids(len(found))
            for id_, (request_id, clock_id, kind, due, repeat, assignee_id) in zip(ids, found, strict=True):
                recorded.rows.append((id_, request_id, kind, due, repeat, assignee_id, source))
                recorded.unwritten[id_] = (request_id, clock_column, clock_id, kind, due, repeat, source)
            continue
        insert = (
            f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {ops.quote_name(Reminder._meta.db_table)} "
            f"({', '.join(ops.quote_name(c) for c in columns)}) {sql} "
            f"{ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None) or ''} "
            f"RETURNING {', '.join(ops.quote_name(c) for c in ('id', 'request_id', 'kind', 'due', 'repeat'))}"
        )
        recorded.rows += [(*row, source) for row in _inserted_with_assignees(insert, params)]
    if write:
        refresh_ledger_statistics(recorded.count)
    return recorded


def _due_with_assignees(select_sql: str, params) -> list[tuple]:
    """The rows of a rule's SELECT (its columns in the ledger's field order) as (request id, clock id, kind, last
    day, repeat) with the request's assignee, in the ledger's key order."""
    requests = connection.ops.quote_name(RightsRequest._meta.db_table)
    key = {f.column: f"s.c_{n}" for n, f in enumerate(f for f in Reminder._meta.concrete_fields if not f.primary_key)}
    # Only what the plan needs comes back (the ledger's constant columns would be parsed 80,000 times for nothing).
    with connection.cursor() as cursor:
        cursor.execute(
            # MATERIALIZED: the rule's anti-joins first, then the assignees of what is left (flattened, the planner
            # joined every candidate clock's request before filtering: +0.1 s of a repeat sweep at a million).
            f"WITH s AS MATERIALIZED ({select_sql}) "
            f"SELECT {key['request_id']}, coalesce({key['clock_id']}::bigint, {key['source_clock_id']}::bigint), {key['kind']}, "
            f"{key['due']}, {key['repeat']}, "
            # Each row's assignee by a probe of the requests' primary key. As a join the planner merged the due
            # rows with the whole primary-key index (a million entries read for 20,000 rows: 0.2 s a rule), since
            # it prices an index probe as a random read from disk.
            f"(SELECT r.assignee_id FROM {requests} r WHERE r.id = {key['request_id']}) FROM s "
            # In the ledger's key order, so that ids taken in this order insert along its unique index.
            f"ORDER BY 1, 2, 3, 4, 5",
            params,
        )  # fmt: skip
        return cursor.fetchall()


def _reserve_ids(count: int) -> list[int]:
    """`count` ids from the ledger's own sequence, in one statement: a row keeps its id from the moment it is found
    due, so its digest's lines and headers name it before it is written."""
    if not count:
        return []
    with connection.cursor() as cursor:
        # The sequence looked up once (a CTE), not per row: 82,000 ids in 0.05 s instead of 0.38 s.
        cursor.execute(
            "WITH seq AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS s) "
            "SELECT nextval(seq.s) FROM seq CROSS JOIN generate_series(1, %s)",
            [Reminder._meta.db_table, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _inserted_with_assignees(insert: str, params) -> list[tuple]:
    """Run an INSERT ... RETURNING (id, request_id, kind, due, repeat) and add each row's request's assignee: in the
    same statement on PostgreSQL (a data-modifying WITH, one primary-key probe per new row), by a second query on
    SQLite (which has no INSERT inside WITH)."""
    requests = connection.ops.quote_name(RightsRequest._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH new AS ({insert}) SELECT new.id, new.request_id, new.kind, new.due, new.repeat, r.assignee_id "
                f"FROM new JOIN {requests} r ON r.id = new.request_id",
                params,
            )
            return cursor.fetchall()
        cursor.execute(insert, params)
        rows = cursor.fetchall()
    ids = sorted({row[1] for row in rows})
    assignees = {}
    for start in range(0, len(ids), BATCH):
        assignees.update(RightsRequest.objects.filter(pk__in=ids[start : start + BATCH]).values_list("pk", "assignee_id"))
    return [
        (id_, request_id, kind, due if isinstance(due, date) else date.fromisoformat(due), repeat, assignees.get(request_id))
        for id_, request_id, kind, due, repeat in rows
    ]


ANALYZE_AFTER_ROWS = 1000


def refresh_ledger_statistics(new_rows: int) -> None:
    """PostgreSQL: ANALYZE the ledger after a sweep grew it by a tenth or more (at least 1,000 rows), as autovacuum
    would within a minute or so. Until then the planner believes a ledger just filled is empty, and the next sweep's
    rules (each a NOT EXISTS on the ledger) and its plan of deliveries are planned as nested loops over what they
    think is a handful of rows: a repeat sweep at a million requests with 50,000 due took 10-35 s instead of
    0.2 s. ANALYZE samples at most 30,000 rows: ~0.1 s at 80,000 new rows. A ledger that keeps months of history
    grows by less than a tenth a day and is left to autovacuum."""
    if connection.vendor != "postgresql" or new_rows < ANALYZE_AFTER_ROWS or connection.in_atomic_block:
        return  # (a dry run's rows are rolled back, and its ANALYZE would hold the table's lock until then)
    table = connection.ops.quote_name(Reminder._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Reminder._meta.db_table])
        row = cursor.fetchone()
        known = max(row[0], 0) if row else 0  # -1: never analyzed
        if new_rows >= known / 10:
            cursor.execute(f"ANALYZE {table}")


def int_array(numbers) -> str:
    """A PostgreSQL array literal of integers, built in one str.join."""
    return "{" + ",".join(map(str, numbers)) + "}"


def int_or_null_array(numbers) -> str:
    """`int_array` where None is NULL."""
    return "{" + ",".join("NULL" if n is None else str(n) for n in numbers) + "}"


def _locking_sql() -> str:
    """PostgreSQL: the still-unsent rows among the ids (parameters: ids, retryable states), locked for this
    transaction, those another sweep holds skipped. One primary-key probe per id, in id order, whatever the
    planner believes about a ledger just filled (`id IN (...) AND status IN (...)` made it read every unsent row
    and compare each with the whole list: a second per digest at a million requests)."""
    table = connection.ops.quote_name(Reminder._meta.db_table)
    return (
        f"SELECT x.id FROM unnest(%s::bigint[]) AS u(id) CROSS JOIN LATERAL "
        f"(SELECT r.id FROM {table} r WHERE r.id = u.id AND r.status = ANY(%s) FOR UPDATE SKIP LOCKED) AS x"
    )


def _retryable_states() -> list[str]:
    return [str(state) for state in RETRYABLE_REMINDER_STATES]


def claim(ids: list[int]) -> list[int]:
    """Lock the still-unsent rows among `ids` for this transaction; rows another sweep holds are skipped."""
    if not ids:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_locking_sql(), [sorted(ids), _retryable_states()])
            return [row[0] for row in cursor.fetchall()]
    rows = Reminder.objects.filter(pk__in=ids, status__in=RETRYABLE_REMINDER_STATES)
    if connection.features.has_select_for_update_skip_locked:
        return list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True))
    # SQLite has no row locks: this first write of the transaction takes the database's write lock, so a second
    # sweep waits here and then finds the rows no longer pending.
    rows.update(attempts=F("attempts"))
    return list(rows.values_list("pk", flat=True))


def _by_written(digests: list[Digest], unwritten: dict[int, tuple]) -> tuple[list[int], list[int], list[int], list[int]]:
    """The batch's reminder ids with their digest's number: (in the ledger already, their numbers, not yet written,
    their numbers)."""
    ids, numbers, new_ids, new_numbers = [], [], [], []
    for number, digest in enumerate(digests, 1):
        for item in digest.items:
            if item.reminder_id in unwritten:
                new_ids.append(item.reminder_id)
                new_numbers.append(number)
            else:
                ids.append(item.reminder_id)
                numbers.append(number)
    return ids, numbers, new_ids, new_numbers


@dataclass
class Claim:
    """The rows a batch's claim holds (written or marked sent by this sweep), known once its block has run."""

    ids: set[int] = field(default_factory=set)


@contextmanager
def claiming_as_sent(digests: list[Digest], *, now: datetime, unwritten: dict[int, tuple] | None = None) -> Iterator[Claim]:
    """Claim a batch of digests' rows, marked sent with their own digest's recipient and Message-ID (the delivery
    commits a batch at a time, rights.reminders.deliver), with the caller's block run while PostgreSQL writes them.
    Each row carries its digest's number; the addresses and Message-IDs go once per digest. The INSERT of the rows
    not yet in the ledger (`Recorded.unwritten`, written once, already sent) goes out in pipeline mode before the
    block, and its outcome is read after it, into the yielded `Claim` (incomplete inside the block). The delivery
    builds the batch's messages meanwhile: the database writes on one core while Python renders on the other.
    The guarantee is unchanged: the rows commit with the batch's transaction, after the server accepted its
    digests; a row the ledger holds already (a sweep that got past the one-at-a-time lock) is left to whoever
    wrote it, and only the rows written here are claimed."""
    claim = Claim()
    if connection.vendor != "postgresql":
        claim.ids = {pk for digest in digests for pk in claim_as_sent(digest, now=now)}
        yield claim
        return
    import psycopg  # (PostgreSQL only)

    unwritten = unwritten or {}
    ids, numbers, new_ids, new_numbers = _by_written(digests, unwritten)
    claim.ids = _mark_as_sent(digests, ids, numbers, now=now)
    if not new_ids:
        yield claim
        return
    insert, params = _insert_as_sent(digests, new_ids, new_numbers, unwritten, now=now)
    conflict = False
    connection.ensure_connection()
    with connection.cursor() as cursor:
        with connection.connection.pipeline() as pipeline:
            # A plain INSERT, in a savepoint: every row is new unless a second sweep got past the lock, and ON
            # CONFLICT's speculative insertion and RETURNING's 80,000 ids cost 0.4 s of a sweep at a million
            # requests. A row written meanwhile fails the statement on the ledger's unique key (after waiting for
            # that sweep's commit), the server skips the RELEASE, and the rows are tried again below.
            cursor.execute("SAVEPOINT reminders_written")
            cursor.execute(insert, params)
            cursor.execute("RELEASE SAVEPOINT reminders_written")  # (each statement is sent as it is executed)
            try:
                yield claim
            finally:
                try:
                    pipeline.sync()
                except psycopg.errors.UniqueViolation:
                    conflict = True
        if not conflict:
            claim.ids |= set(new_ids)
            return
        cursor.execute("ROLLBACK TO SAVEPOINT reminders_written")
        cursor.execute("RELEASE SAVEPOINT reminders_written")
        cursor.execute(f"{insert} ON CONFLICT DO NOTHING RETURNING id", params)
        claim.ids |= {row[0] for row in cursor.fetchall()}


def _mark_as_sent(digests: list[Digest], ids: list[int], numbers: list[int], *, now: datetime) -> set[int]:
    """PostgreSQL: mark the still-unsent rows among `ids` (held or failed before) sent with their digest's recipient
    and Message-ID, locked in id order, those another sweep holds skipped."""
    if not ids:
        return set()
    table, fields = connection.ops.quote_name(Reminder._meta.db_table), Reminder._meta
    column = lambda name: connection.ops.quote_name(fields.get_field(name).column)  # noqa: E731
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {column('status')} = %s, {column('sent_at')} = %s, attempts = t.attempts + 1, "
            f"last_error = '', {column('recipient')} = (%s::text[])[v.n], {column('message_id')} = (%s::text[])[v.n] "
            f"FROM (SELECT x.id, u.n FROM (SELECT * FROM unnest(%s::bigint[], %s::int[]) AS w(id, n) ORDER BY id) AS u "
            f"CROSS JOIN LATERAL (SELECT r.id FROM {table} r WHERE r.id = u.id AND r.status = ANY(%s) "
            f"FOR UPDATE SKIP LOCKED) AS x) AS v WHERE t.id = v.id RETURNING t.id",
            [ReminderStatus.SENT.value, fields.get_field("sent_at").get_db_prep_save(now, connection),
             [digest.address for digest in digests], [digest.message_id() for digest in digests], int_array(ids),
             int_array(numbers), _retryable_states()],
        )  # fmt: skip
        return {row[0] for row in cursor.fetchall()}


def _insert_as_sent(digests: list[Digest], ids: list[int], numbers: list[int], unwritten: dict, *, now: datetime) -> tuple[str, list]:
    """The INSERT of the reminders found due but not yet in the ledger, each written once and already marked sent
    with its digest's recipient and Message-ID (no conflict clause), and its parameters."""
    table, fields = connection.ops.quote_name(Reminder._meta.db_table), Reminder._meta
    column = lambda name: connection.ops.quote_name(fields.get_field(name).column)  # noqa: E731
    # Each column as one array literal built by str.join: psycopg dumps a Python list element by element (1.2 s of
    # Python for the nine arrays of 80,000 rows). Kinds and sources go as their index in a short list, last days as
    # day numbers. The rows are turned into columns once and each column mapped in C (map, not a generator).
    (requests, clock_columns, clocks, row_kinds, dues, repeats, row_sources) = zip(
        *map(unwritten.__getitem__, ids), strict=True
    )
    kinds, sources = sorted(set(row_kinds)), sorted(set(row_sources))
    kind_index, source_index = {k: n for n, k in enumerate(kinds, 1)}, {k: n for n, k in enumerate(sources, 1)}
    on_request = "{" + ",".join(map({"clock_id": "t", "source_clock_id": "f"}.__getitem__, clock_columns)) + "}"
    moment = fields.get_field("sent_at").get_db_prep_save(now, connection)
    insert = (
        f"INSERT INTO {table} (id, {column('request')}, {column('clock')}, {column('source')}, "
        f"{column('source_clock_id')}, {column('kind')}, {column('due')}, {column('repeat')}, {column('recipient')}, "
        f"{column('status')}, {column('attempts')}, {column('last_error')}, {column('message_id')}, "
        f"{column('created_at')}, {column('sent_at')}) "
        f"SELECT u.id, u.request, CASE WHEN u.on_request THEN u.clock END, (%s::text[])[u.source], "
        f"CASE WHEN NOT u.on_request THEN u.clock END, (%s::text[])[u.kind], DATE '0001-01-01' + (u.due - 1), "
        f"u.repeat, (%s::text[])[u.n], %s, 1, '', (%s::text[])[u.n], %s, %s "
        f"FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::boolean[], %s::int[], %s::int[], %s::int[], "
        f"%s::int[], %s::int[]) AS u(id, request, clock, on_request, source, kind, due, repeat, n) ORDER BY u.id"
    )  # fmt: skip
    params = [
        sources, kinds, [digest.address for digest in digests], ReminderStatus.SENT.value,
        [digest.message_id() for digest in digests], moment, moment,
        int_array(ids), int_array(requests), int_array(clocks), on_request,
        int_array(map(source_index.__getitem__, row_sources)), int_array(map(kind_index.__getitem__, row_kinds)),
        int_array(map(date.toordinal, dues)), int_array(repeats), int_array(numbers),
    ]  # fmt: skip
    return insert, params


def claim_as_sent(digest: Digest, *, now: datetime) -> list[int]:
    """Claim the digest's still-unsent rows and mark them sent (attempt counted, recipient, Message-ID), in the
    caller's transaction: its commit after the server accepted the digest is what makes them sent; until then
    they are locked, so a concurrent sweep skips them. One write per row on PostgreSQL (UPDATE ... WHERE id IN
    (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING id) rather than a lock and then an update."""
    ids = digest.reminder_ids
    if not ids:
        return []
    sent = {"status": ReminderStatus.SENT.value, "sent_at": now, "recipient": digest.address, "message_id": digest.message_id()}
    if connection.vendor != "postgresql":
        claimed = claim(ids)
        Reminder.objects.filter(pk__in=claimed).update(attempts=F("attempts") + 1, last_error="", **sent)
        return claimed
    table, fields = connection.ops.quote_name(Reminder._meta.db_table), Reminder._meta
    assignments = ", ".join(f"{connection.ops.quote_name(fields.get_field(name).column)} = %s" for name in sent)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments}, attempts = attempts + 1, last_error = '' "
            f"WHERE id IN ({_locking_sql()}) RETURNING id",
            [*(fields.get_field(name).get_db_prep_save(value, connection) for name, value in sent.items()),
             ids, _retryable_states()],
        )  # fmt: skip
        return [row[0] for row in cursor.fetchall()]
