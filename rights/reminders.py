"""The reminder sweep: what is due, recorded once in the ledger, mailed as one digest per recipient.

One call of `sweep_reminders` (the Celery task, `manage.py send_reminders` and `manage.py reminder_loop` all
call it) does three things:

1. **find and record** — one statement per rule, `INSERT INTO` the ledger (`Reminder`) `SELECT` the reminders due
   today from the running clocks, with the same named filters as the admin (`Clock.objects.due_by / overdue /
   statutory_breach`, and the same for complaint clocks): due soon, overdue (with its repeat number), past the
   statutory limit, escalation suggested. `ON CONFLICT DO NOTHING` (SQLite: `INSERT OR IGNORE`): the ledger's
   unique key (request, clock or complaint clock, kind, deadline, repeat) is the reminder itself, so a second
   sweep, a second beat or two workers at once can only find the row that is already there. Nothing is read per
   request, and no due row comes back to Python.
2. **plan** — every pending or failed row is streamed once; rows that are no longer due (the clock was kept or
   stopped, the deadline was recomputed, a later repeat replaced it, the request was snoozed) are cancelled; the
   rest are grouped by recipient in the same pass.
3. **deliver** — on working days from the send time on (quiet hours), for each recipient, in one short
   transaction: claim the rows and mark them sent (one UPDATE ... FOR UPDATE SKIP LOCKED on PostgreSQL; on SQLite
   the first write takes the database's write lock), send the digest (its 50 most urgent requests rendered, the
   rest counted), commit — or mark them failed, which the next sweep retries.

At least once (and, in practice, once). A row is marked sent in the transaction that holds its lock while the mail
server accepts the message (the mark is visible to others only at the commit, after the server accepted): a concurrent sweep skips the locked rows and, after the commit, sees them sent; a crash or an SMTP
error before the server accepted rolls back or records "failed", and a later sweep delivers. The one remaining
window — the server accepted, then the process died before COMMIT — would repeat the digest rather than lose it
(for a deadline, a duplicate is the lesser harm), and the repeat carries the same Message-ID (derived from its
ledger rows), which mail systems use to show it once. Committing a "sending" mark before the send would turn that
window into a silently lost reminder instead.

Repeats. An overdue clock's repeat number is (days overdue - 1) // K: the first reminder the day after the last
day, then one every K days. It is computed from the last day and today, not counted from earlier mails, so a
sweep after an outage records only the current repeat (no burst of old ones) and an unsent older repeat is
cancelled as superseded.
"""
from __future__ import annotations

import hashlib
import unicodedata
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import CharField, DateField, Exists, F, Func, IntegerField, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from deadlines.counting import SHANGHAI
from policies.models import Action, Right, work_calendar
from deadlines.workdays import WorkCalendar

from .models import (
    ACTIVE_STATES,
    RETRYABLE_REMINDER_STATES,
    Clock,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderSettings,
    ReminderSnooze,
    ReminderStatus,
    RightsRequest,
    State,
)
from .email.digest import entries_html, entries_text
from .presenters import PageCalendar
from .querysets import today_in_shanghai

logger = logging.getLogger(__name__)

# Most urgent first, in every digest.
URGENCY = {
    ReminderKind.STATUTORY_BREACH: 0,
    ReminderKind.ESCALATE: 1,
    ReminderKind.OVERDUE: 2,
    ReminderKind.DUE_SOON: 3,
}
# Rows per statement: below SQLite's 999 parameters for the lookups, and small enough for PostgreSQL's planner.
BATCH = 900


# ------------------------------------------------------------------------------------------------- find


@dataclass(frozen=True)
class DueReminder:
    """One reminder the rules say is due today (the ledger's unique key): about one of the request's clocks
    (`clock_id`) or one of its complaints' clocks (`complaint_clock_id`), never both."""

    request_id: int
    clock_id: int | None
    kind: str
    due: date
    repeat: int = 0
    complaint_clock_id: int | None = None


def overdue_repeat(*, last_day: date, today: date, every: int) -> int:
    """0 the day after the last day, then one more every `every` days (days overdue - 1) // K."""
    return max((today - last_day).days - 1, 0) // max(every, 1)


# "Due soon" is one rule, shared with the list (deadlines.status).
from deadlines.status import due_soon_horizon  # noqa: E402


def latest_last_day_overdue_by(today: date, working_days: int, calendar: WorkCalendar) -> date:
    """The latest last day that lies at least `working_days` working days behind today."""
    day, counted = today, 0
    while counted < working_days:
        counted += calendar.is_working_day(day)
        day -= timedelta(days=1)
    return day


def active_snoozes(today: date) -> tuple[set[int], set[int]]:
    """(snoozed requests, snoozed clocks) whose snooze still runs today (the `until` day included)."""
    requests, clocks = set(), set()
    for request_id, clock_id in ReminderSnooze.objects.filter(until__gte=today).values_list("request_id", "clock_id"):
        (clocks.add(clock_id) if clock_id else requests.add(request_id))
    return requests, clocks


# The ledger's repeat counter is a small integer; a repeat beyond it can only come from a broken date.
MAX_REPEAT = 32767


class _DaysSince(Func):
    """Whole days from a date column to `today` (today - column), in SQL: what `(today - last_day).days` is in
    Python, for `overdue_repeat`'s formula stated once more for the database (`_repeat_sql`, next to it)."""

    output_field = IntegerField()

    def __init__(self, column: str, today: date):
        super().__init__(Value(today, output_field=DateField()), F(column))

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL: date - date is a number of days
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)", arg_joiner=") - julianday(",
            **extra,
        )  # fmt: skip


def _repeat_sql(column: str, today: date, every: int):
    """`overdue_repeat` in SQL: (days overdue - 1) // K, from 0."""
    return Greatest(_DaysSince(column, today) - Value(1), Value(0)) / Value(max(every, 1))


def _oldest_repeatable_last_day(today: date, every: int) -> date:
    """Last days up to this one would make a repeat above MAX_REPEAT (bad data): reported and left out."""
    try:
        return today - timedelta(days=(MAX_REPEAT + 1) * max(every, 1) + 1)
    except OverflowError:
        return date.min


@dataclass(frozen=True)
class DueQuery:
    """One rule as a query: rows of (request id, clock id, kind, last day, repeat), about `target` (the ledger's
    `clock` or `complaint_clock`)."""

    target: str
    queryset: object


def due_queries(*, now: datetime, config: ReminderSettings, calendar: WorkCalendar, snoozes, skipped: list) -> list[DueQuery]:
    """The reminders the rules make due at `now`, as queries over running clocks with the named filters
    (`Clock.objects.due_by / overdue / statutory_breach`, the same for complaint clocks). Nothing is read per
    request. Rows that cannot be turned into a reminder are appended to `skipped` as (request id, why)."""
    from complaints.models import ComplaintClock

    today = today_in_shanghai(now)
    snoozed_requests, snoozed_clocks = snoozes
    horizon = due_soon_horizon(today, config.due_soon_working_days, calendar)
    oldest = _oldest_repeatable_last_day(today, config.repeat_every_days)
    queries = []

    def rule(target, queryset, request_column, kind, last_day_column, repeat=None):
        queryset = queryset.order_by().annotate(
            r_request=F(request_column), r_clock=F("id"), r_kind=Value(str(kind), output_field=CharField()),
            r_due=F(last_day_column), r_repeat=repeat if repeat is not None else Value(0, output_field=IntegerField()),
        ).values_list("r_request", "r_clock", "r_kind", "r_due", "r_repeat")  # fmt: skip
        queries.append(DueQuery(target, queryset))

    def repeatable(queryset, request_column, last_day_column):
        # A snooze stops the repeats; when it ends, the current repeat (not the missed ones) goes out.
        if snoozed_requests:
            queryset = queryset.exclude(**{f"{request_column}__in": snoozed_requests})
        # A last day decades back is bad data, not a reminder: report it, skip it, send the others.
        bad = queryset.filter(**{f"{last_day_column}__lte": oldest}).values_list(request_column, last_day_column)
        for request_id, last_day in bad:
            skipped.append((request_id, f"last day {last_day.isoformat()} is {(today - last_day).days} days ago"))
        return queryset.filter(**{f"{last_day_column}__gt": oldest})

    # The request's own clocks. A request with a regulator is the regulator's to chase: its app clocks keep their
    # status but remind no one. (As `request_id NOT IN (escalated requests)`, read from the state index: joining the
    # requests made PostgreSQL scan all of them, 0.5 s per rule at a million.)
    escalated = RightsRequest.objects.filter(state=State.ESCALATED).values("pk")
    clocks = Clock.objects.exclude(request_id__in=escalated)
    rule("clock", clocks.due_by(horizon, now), "request_id", ReminderKind.DUE_SOON, "deadline")
    late = repeatable(clocks.overdue(now).exclude(id__in=snoozed_clocks), "request_id", "deadline")
    rule("clock", late, "request_id", ReminderKind.OVERDUE, "deadline", _repeat_sql("deadline", today, config.repeat_every_days))
    # Running past the statutory last day (a clock kept late is no longer anyone's to-do): once per clock.
    rule("clock", clocks.statutory_breach(now).running(), "request_id", ReminderKind.STATUTORY_BREACH, "statutory_due")
    if config.suggest_escalation:
        # Once per request, about its longest-overdue clock (the earliest last day, then the lowest id).
        cutoff = latest_last_day_overdue_by(today, config.escalate_after_working_days, calendar)
        stale = clocks.overdue(now).filter(deadline__lte=cutoff)
        earlier = stale.filter(request_id=OuterRef("request_id")).filter(
            Q(deadline__lt=OuterRef("deadline")) | Q(deadline=OuterRef("deadline"), id__lt=OuterRef("id"))
        )
        rule("clock", stale.filter(~Exists(earlier)), "request_id", ReminderKind.ESCALATE, "deadline")

    # The same rules for the clocks of complaints (issue 9: a regulator overdue is reminded like an app overdue),
    # with the complaints' named filters. They run whatever the request's state: lodging with a regulator escalates
    # the request, and the regulator's clocks are exactly what is then to be chased. A snooze of the request
    # silences their overdue repeats as well. No escalation suggestion: the complaint is one.
    complaint_clocks = ComplaintClock.objects.all()
    request = "complaint__request_id"
    rule("complaint_clock", complaint_clocks.due_by(horizon, now), request, ReminderKind.DUE_SOON, "final_due")
    late = repeatable(complaint_clocks.overdue(now), request, "final_due")
    rule("complaint_clock", late, request, ReminderKind.OVERDUE, "final_due", _repeat_sql("final_due", today, config.repeat_every_days))
    breaches = complaint_clocks.statutory_breach(now).running()
    rule("complaint_clock", breaches, request, ReminderKind.STATUTORY_BREACH, "statutory_due")
    return queries


def find_due_reminders(
    *,
    now: datetime,
    config: ReminderSettings,
    calendar: WorkCalendar,
    snoozes: tuple[set[int], set[int]],
    skipped: list | None = None,
) -> list[DueReminder]:
    """The reminders due at `now`, as a list (`record_due_reminders` inserts the same rows without reading them)."""
    skipped = [] if skipped is None else skipped
    due = []
    for query in due_queries(now=now, config=config, calendar=calendar, snoozes=snoozes, skipped=skipped):
        for request_id, clock_id, kind, last_day, repeat in query.queryset:
            if query.target == "clock":
                due.append(DueReminder(request_id, clock_id, kind, last_day, repeat))
            else:
                due.append(DueReminder(request_id, None, kind, last_day, repeat, complaint_clock_id=clock_id))
    return due


# ----------------------------------------------------------------------------------------------- record


@dataclass
class Recorded:
    """The rows a sweep has just recorded, as (reminder id, request id, kind, last day, repeat, assignee id): the
    rules found them due a moment ago, so the plan takes them as they are, without asking again whether they are
    still due (which reads their clocks: a join with a million clocks and requests, 0.6 s at 50,000 due)."""

    rows: list[tuple] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)


def record_due_reminders(
    *, now: datetime, config: ReminderSettings, calendar: WorkCalendar, snoozes, skipped: list
) -> Recorded:
    """Find and record in one statement per rule: INSERT INTO the ledger SELECT the due rows, dropping those it
    holds already (ON CONFLICT DO NOTHING on PostgreSQL, INSERT OR IGNORE on SQLite: the unique keys decide), and
    RETURNING the rows that are new, with their request's assignee. Nothing else is read into Python, so the hourly
    repeat of a sweep costs what the database takes to find nothing new. Rows go in in the ledger's key order, so
    two sweeps at once wait for each other, never deadlock."""
    from django.db.models.constants import OnConflict

    ops = connection.ops
    fields = [f for f in Reminder._meta.concrete_fields if not f.primary_key]
    recorded = Recorded()
    for query in due_queries(now=now, config=config, calendar=calendar, snoozes=snoozes, skipped=skipped):
        key = {"request_id": "r_request", f"{query.target}_id": "r_clock", "kind": "r_kind", "due": "r_due", "repeat": "r_repeat"}
        columns = {
            f.column: F(key[f.column]) if f.column in key
            else Value(now if f.name == "created_at" else f.get_default(), output_field=f)
            for f in fields
        }  # fmt: skip
        names = [f"c_{n}" for n in range(len(columns))]
        # Rows the ledger holds already are left out before the INSERT (an anti-join on its unique key) rather
        # than each tried and dropped by ON CONFLICT, which takes a speculative insertion and a look at the
        # conflicting row's heap tuple per row: a repeat sweep at a million requests, overdue rule, 0.25-0.50 s ->
        # 0.08-0.12 s. ON CONFLICT stays: it is what makes two sweeps at once record a reminder once.
        held = Reminder.objects.filter(
            request_id=OuterRef("r_request"), **{f"{query.target}_id": OuterRef("r_clock")}, kind=OuterRef("r_kind"),
            due=OuterRef("r_due"), repeat=OuterRef("r_repeat"),
        )  # fmt: skip
        select = (
            query.queryset.filter(~Exists(held)).annotate(**dict(zip(names, columns.values())))
            .values_list(*names)
            .order_by("r_request", "r_clock", "r_kind", "r_due", "r_repeat")
        )
        sql, params = select.query.sql_with_params()
        insert = (
            f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {ops.quote_name(Reminder._meta.db_table)} "
            f"({', '.join(ops.quote_name(c) for c in columns)}) {sql} "
            f"{ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None) or ''} "
            f"RETURNING {', '.join(ops.quote_name(c) for c in ('id', 'request_id', 'kind', 'due', 'repeat'))}"
        )
        recorded.rows += _inserted_with_assignees(insert, params)
    refresh_ledger_statistics(recorded.count)
    return recorded


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


# ------------------------------------------------------------------------------------------------- plan


@dataclass(slots=True)
class DigestItem:
    """One line of a digest (codes, not labels: the labels depend on the recipient's language).

    The plan fills the ledger key only; what a line shows (names, labels, working days) is loaded by
    `fill_details` for the lines a digest actually shows (its DIGEST_ENTRIES most urgent requests)."""

    reminder_id: int
    request_id: int
    kind: str
    due: date
    repeat: int
    app: str = ""
    right: str = ""
    action: str = ""
    requester: str = ""
    state: str = ""
    provisional: bool = False
    url: str = ""
    days_overdue: int = 0
    working_days_left: int | None = None
    channel: str = ""  # a complaint's clock: the channel's code ("12300") and kind; `action` is then its action
    channel_kind: str = ""

    @property
    def urgency(self):
        return (URGENCY[self.kind], self.due, self.request_id, self.reminder_id)


@dataclass(frozen=True)
class DigestLine:
    """A digest line as the templates show it: plain strings in the recipient's language."""

    request_id: int
    kind: str
    kind_label: str
    status_text: str
    due: str
    days_overdue: int
    app: str
    right: str
    action: str
    requester: str
    state: str
    provisional: bool
    url: str
    # Numbers as text: the templates print them as they are (a number would go through Django's localisation, the
    # larger part of rendering a long digest).
    days_overdue_text: str = ""


def status_text(item: DigestItem) -> str:
    """How the deadline stands, in the active language, in working days as on the request list."""
    if item.kind == ReminderKind.DUE_SOON:
        left = item.working_days_left or 0
        if left <= 0:
            return _("due today")
        return ngettext("%(n)d working day left", "%(n)d working days left", left) % {"n": left}
    days = item.days_overdue
    if item.kind == ReminderKind.STATUTORY_BREACH:
        return ngettext(
            "%(n)d working day past the statutory last day", "%(n)d working days past the statutory last day", days
        ) % {"n": days}
    if item.kind == ReminderKind.ESCALATE:
        return ngettext(
            "overdue by %(n)d working day and not escalated: consider a complaint to a regulator",
            "overdue by %(n)d working days and not escalated: consider a complaint to a regulator",
            days,
        ) % {"n": days}
    if days <= 0:
        return _("overdue")  # past its last day, no working day since (a weekend): as the list says
    return ngettext("overdue by %(n)d working day", "overdue by %(n)d working days", days) % {"n": days}


# Line breaks, other control characters and the Unicode line and paragraph separators in a name or note would
# start a new line in the text mail (a forged "Overdue: ..." line); in a digest every value is one line.
_LINE_BREAKERS = {"Cc", "Zl", "Zp"}


def one_line(value: str) -> str:
    return "".join(" " if unicodedata.category(char) in _LINE_BREAKERS else char for char in value or "")


def complaint_clock_label(channel: str, channel_kind: str, action_label: str) -> str:
    """How a complaint's clock is named in a digest: the channel as on the command line ("12300", "isc"; the app's
    own complaint procedure by its kind's label), then what is due — "12300 受理决定", "12300 Admission decision"."""
    from complaints.models import ChannelKind

    name = str(ChannelKind.APP.label) if channel_kind == ChannelKind.APP else channel
    return f"{name} {action_label}"


def digest_lines(items: list[DigestItem]) -> list[DigestLine]:
    """The items with their labels resolved once per digest, in the active language (the templates then only
    print strings: rendering 80,000 lines stays cheap)."""
    from complaints.models import ClockAction

    complaint_actions = {value: str(label) for value, label in ClockAction.choices}
    labels = {
        "right": {value: str(label) for value, label in Right.choices},
        "action": {value: str(label) for value, label in Action.choices},
        "state": {value: str(label) for value, label in State.choices},
        "kind": {value: str(label) for value, label in ReminderKind.choices},
    }
    repeat_label = _("(reminder %(n)d)")
    lines = []
    for item in items:
        kind_label = labels["kind"][item.kind]
        if item.repeat:
            kind_label += " " + repeat_label % {"n": item.repeat + 1}
        if item.channel:
            action = complaint_clock_label(
                one_line(item.channel), item.channel_kind, complaint_actions.get(item.action, item.action)
            )
            kind_label = f"{action} {kind_label}"  # "12300 受理决定 已逾期": which clock, on the reminder's own line
        else:
            action = labels["action"].get(item.action, item.action)
        lines.append(
            DigestLine(
                request_id=item.request_id,
                kind=item.kind,
                kind_label=kind_label,
                status_text=status_text(item),
                due=f"{item.due:%Y-%m-%d}",
                days_overdue=item.days_overdue,
                app=one_line(item.app),
                right=labels["right"].get(item.right, item.right),
                action=action,
                requester=one_line(item.requester),
                state=labels["state"].get(item.state, item.state),
                provisional=item.provisional,
                url=item.url,
                days_overdue_text=str(item.days_overdue) if item.days_overdue else "",
            )
        )
    return lines


# A digest shows at most this many requests, most urgent first; the rest are counted and linked to the list.
DIGEST_ENTRIES = 50


@dataclass(frozen=True)
class DigestEntry:
    """One request in a digest, with the lines of its clocks inside (most urgent first)."""

    request_id: int
    app: str
    right: str
    requester: str
    state: str
    url: str
    lines: list[DigestLine]
    number: str = ""  # the request's id and its number of lines, as text (see DigestLine.days_overdue_text)
    rows: str = ""


def digest_entries(lines: list[DigestLine]) -> list[DigestEntry]:
    """One entry per request, in the order of its most urgent line (the lines come sorted by urgency)."""
    grouped: dict[int, list[DigestLine]] = {}
    for line in lines:
        grouped.setdefault(line.request_id, []).append(line)
    return [
        DigestEntry(
            first.request_id, first.app, first.right, first.requester, first.state, first.url, group,
            str(first.request_id), str(len(group)),
        )
        for group in grouped.values()
        for first in group[:1]
    ]


@dataclass
class Digest:
    """Everything one recipient gets from one sweep."""

    address: str
    language: str
    items: list[DigestItem] = field(default_factory=list)

    @property
    def reminder_ids(self) -> list[int]:
        return sorted(item.reminder_id for item in self.items)

    def message_id(self) -> str:
        """Stable for the same set of ledger rows, so a digest sent twice is recognisable as one."""
        digest = hashlib.sha256(",".join(map(str, self.reminder_ids)).encode()).hexdigest()[:24]
        domain = urlsplit(django_settings.SITE_URL).hostname or "rightsdesk.invalid"
        return f"<reminders.{digest}@{domain}>"


@dataclass
class Plan:
    digests: list[Digest]
    cancelled: int


# What deciding "still due?" and "to whom?" takes, per unsent row; the names and labels a line shows are loaded
# later, for the lines a digest shows (fill_details). Whether the clock still runs is computed in SQL from the
# one definition of each rule (deadlines.status.running_q, for both kinds of clock).
_PLAN_FIELDS = (
    "id", "request_id", "clock_id", "kind", "due", "repeat", "is_running", "last_day", "statutory_last_day",
    "request__assignee_id", "request__assignee__email", "request__assignee__is_active",
)  # fmt: skip


def _unsent_rows():
    from django.db.models import BooleanField, ExpressionWrapper, Q
    from django.db.models.functions import Coalesce

    from deadlines.status import running_q

    # A request with a regulator is the regulator's to chase: its own clocks remind no one (its complaints' do).
    clock_runs = Q(clock__isnull=False) & running_q("clock__") & ~Q(request__state=State.ESCALATED)
    complaint_clock_runs = Q(complaint_clock__isnull=False) & running_q("complaint_clock__")
    return (
        Reminder.objects.filter(status__in=RETRYABLE_REMINDER_STATES)
        .order_by()
        .annotate(
            is_running=ExpressionWrapper(clock_runs | complaint_clock_runs, output_field=BooleanField()),
            last_day=Coalesce("clock__deadline", "complaint_clock__final_due"),
            statutory_last_day=Coalesce("clock__statutory_due", "complaint_clock__statutory_due"),
        )
        .values_list(*_PLAN_FIELDS)
    )


def _still_due(
    *, kind: str, due: date, repeat: int, running: bool, last_day: date | None, statutory_last_day: date | None,
    request_id: int, clock_id: int | None, today: date, config: ReminderSettings, snoozes: tuple[set[int], set[int]],
) -> bool:
    """Whether a recorded, unsent reminder is still worth sending today (its clock, the request's own or one of
    its complaints', still runs and still has the deadline the reminder is about)."""
    if not running:
        return False
    if kind == ReminderKind.DUE_SOON:
        return last_day == due and today <= due
    if kind == ReminderKind.OVERDUE:
        snoozed_requests, snoozed_clocks = snoozes
        current = overdue_repeat(last_day=due, today=today, every=config.repeat_every_days)
        return (
            last_day == due
            and repeat == current
            and request_id not in snoozed_requests
            and clock_id not in snoozed_clocks
        )
    if kind == ReminderKind.STATUTORY_BREACH:
        return statutory_last_day == due
    if kind == ReminderKind.ESCALATE:
        return last_day == due
    return False


class _Recipients:
    """Who gets a request's reminders: its assignee (or the address they chose), else the team address."""

    def __init__(self, today: date):
        self.today = today
        self.preferences = {p.user_id: p for p in ReminderPreference.objects.all()}
        self.language = django_settings.LANGUAGE_CODE  # read once: settings are a lazy object, asked per row
        self.team = (django_settings.TEAM_EMAIL, self.language)
        self.known: dict[tuple, tuple[str, str]] = {}  # a few dozen assignees for tens of thousands of rows

    def __call__(self, user_id: int | None, email: str | None, is_active: bool | None) -> tuple[str, str]:
        key = (user_id, email, is_active)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = self._decide(user_id, email, is_active)
        return found

    def _decide(self, user_id: int | None, email: str | None, is_active: bool | None) -> tuple[str, str]:
        if user_id is None or not is_active:
            return self.team
        preference = self.preferences.get(user_id)
        if preference and preference.away_until and self.today <= preference.away_until:
            return self.team  # away: the team covers, nothing waits for their return
        address = (preference.email if preference else "") or email
        if not address:
            return self.team
        return address, preference.language if preference else self.language

    @staticmethod
    def accounts(user_ids) -> dict[int, tuple[str, bool]]:
        """(e-mail, active) of these users."""
        from django.contrib.auth import get_user_model

        ids = sorted({pk for pk in user_ids if pk is not None})
        found = {}
        for start in range(0, len(ids), BATCH):
            rows = get_user_model().objects.filter(pk__in=ids[start : start + BATCH]).values_list("pk", "email", "is_active")
            found.update((pk, (email, active)) for pk, email, active in rows)
        return found


def _admin_link_pattern() -> str:
    try:
        path = reverse("admin:rights_rightsrequest_change", args=[987654321])
    except NoReverseMatch:  # the request admin is not registered (e.g. a trimmed URLconf): Django's usual path
        path = "/admin/rights/rightsrequest/987654321/change/"
    return django_settings.SITE_URL.rstrip("/") + path.replace("987654321", "{id}")


# One str object per kind, shared by every item (a sweep may hold tens of thousands).
_KINDS = {kind.value: kind.value for kind in ReminderKind}


def plan_deliveries(
    *, now: datetime, config: ReminderSettings, calendar: WorkCalendar, snoozes: tuple[set[int], set[int]],
    recorded: Recorded | None = None,
) -> Plan:
    """Group every unsent row by recipient: the rows this sweep has just `recorded` as they are, every other one
    (held, failed, or recorded by a sweep running at the same time) read once, streamed, and cancelled when it is
    no longer due."""
    today = today_in_shanghai(now)
    recipient_for = _Recipients(today)
    stale: list[int] = []
    digests: dict[str, Digest] = {}

    def add(address: str, language: str, item: DigestItem) -> None:
        digest = digests.get(address)
        if digest is None:
            digest = digests[address] = Digest(address=address, language=language)
        digest.items.append(item)

    own = recorded.rows if recorded else []
    accounts = recipient_for.accounts(row[5] for row in own)
    for reminder_id, request_id, kind, due, repeat, assignee_id in own:
        email, active = accounts.get(assignee_id, ("", False))
        add(*recipient_for(assignee_id, email, active), DigestItem(reminder_id, request_id, _KINDS.get(kind, kind), due, repeat))

    others = Reminder.objects.filter(status__in=RETRYABLE_REMINDER_STATES)
    rows = _unsent_rows()
    own_ids = {row[0] for row in own}
    if own_ids and connection.vendor == "postgresql":
        # Left out in the database, as one array (a list of 80,000 parameters would cost more than the join).
        mine = RawSQL("SELECT unnest(%s::bigint[])", [sorted(own_ids)])
        others, rows = others.exclude(pk__in=mine), rows.exclude(pk__in=mine)
    # Nothing else unsent (every later sweep of the day, and most first ones): one probe of the ledger's partial
    # index instead of the join, which PostgreSQL plans from the statistics of a ledger just filled (hashing a
    # million requests and clocks to join no row: 0.2-0.8 s of a repeat sweep at a million requests).
    for row in rows.iterator(chunk_size=5000) if others.exists() else ():
        (reminder_id, request_id, clock_id, kind, due, repeat, running, last_day, statutory_last_day,
         assignee_id, email, assignee_active) = row  # fmt: skip
        if reminder_id in own_ids:
            continue  # (SQLite: left out here)
        if not _still_due(
            kind=kind, due=due, repeat=repeat, running=running, last_day=last_day,
            statutory_last_day=statutory_last_day, request_id=request_id, clock_id=clock_id, today=today,
            config=config, snoozes=snoozes,
        ):  # fmt: skip
            stale.append(reminder_id)
            continue
        add(*recipient_for(assignee_id, email, assignee_active), DigestItem(reminder_id, request_id, _KINDS.get(kind, kind), due, repeat))
    cancelled = 0
    stale.sort()
    for start in range(0, len(stale), BATCH):
        with transaction.atomic():
            ids = _claim(stale[start : start + BATCH])
            cancelled += Reminder.objects.filter(pk__in=ids).update(status=ReminderStatus.CANCELLED)
    for digest in digests.values():
        digest.items.sort(key=lambda item: item.urgency)
    return Plan(digests=sorted(digests.values(), key=lambda d: d.address), cancelled=cancelled)


_DETAIL_FIELDS = (
    "id", "request__app__name", "request__right", "request__requester_name", "request__state",
    "clock__action", "clock__provisional", "complaint_clock__action", "complaint_clock__provisional",
    "complaint_clock__complaint__channel__code", "complaint_clock__complaint__channel__kind",
)  # fmt: skip


def shown_items(items: list[DigestItem]) -> tuple[list[DigestItem], int]:
    """The items of the DIGEST_ENTRIES most urgent requests (items come sorted by urgency), and how many
    requests are left out."""
    chosen: set[int] = set()
    requests: set[int] = set()
    for item in items:
        requests.add(item.request_id)
        if len(chosen) < DIGEST_ENTRIES:
            chosen.add(item.request_id)
    return [item for item in items if item.request_id in chosen], len(requests) - len(chosen)


def fill_details(items: list[DigestItem], *, today: date, calendar: WorkCalendar) -> None:
    """Load what the lines show (one query for all of them) and count their working days, as the list does."""
    link = _admin_link_pattern()
    details = {}
    ids = [item.reminder_id for item in items]
    for start in range(0, len(ids), BATCH):
        for row in Reminder.objects.filter(pk__in=ids[start : start + BATCH]).values_list(*_DETAIL_FIELDS):
            details[row[0]] = row
    for item in items:
        row = details.get(item.reminder_id)
        if row is not None:
            (_id, item.app, item.right, item.requester, item.state, clock_action, clock_provisional,
             complaint_action, complaint_provisional, channel, channel_kind) = row  # fmt: skip
            item.action = clock_action or complaint_action or ""
            item.provisional = bool(clock_provisional or complaint_provisional)
            item.channel, item.channel_kind = channel or "", channel_kind or ""
        item.url = link.format(id=item.request_id)
        # Working days, as the request list counts them ("overdue by 6 working days" in both places); the sweep's
        # calendar counts each last day once for all its digests (rights.presenters.PageCalendar).
        days = calendar.working_days_between(today, item.due)
        if item.due < today:
            item.days_overdue = -days
        else:
            item.working_days_left = days


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


def _claim(ids: list[int]) -> list[int]:
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


def _claim_as_sent(digest: Digest, *, now: datetime) -> list[int]:
    """Claim the digest's still-unsent rows and mark them sent (attempt counted, recipient, Message-ID), in the
    caller's transaction: its commit after the server accepted the digest is what makes them sent; until then
    they are locked, so a concurrent sweep skips them. One write per row on PostgreSQL (UPDATE ... WHERE id IN
    (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING id) rather than a lock and then an update."""
    ids = digest.reminder_ids
    if not ids:
        return []
    sent = {"status": ReminderStatus.SENT.value, "sent_at": now, "recipient": digest.address, "message_id": digest.message_id()}
    if connection.vendor != "postgresql":
        claimed = _claim(ids)
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


# ---------------------------------------------------------------------------------------------- deliver


def in_send_window(now: datetime, config: ReminderSettings, calendar: WorkCalendar) -> bool:
    """Quiet hours: mail goes out on working days, from the send time (Asia/Shanghai) on."""
    local = now.astimezone(SHANGHAI)
    return calendar.is_working_day(local.date()) and local.time() >= config.send_time


def next_send_time(now: datetime, config: ReminderSettings, calendar: WorkCalendar) -> datetime:
    if in_send_window(now, config, calendar):
        return now
    local = now.astimezone(SHANGHAI)
    day = local.date()
    if not calendar.is_working_day(day) or local.time() >= config.send_time:
        day = calendar.next_working_day_from(day + timedelta(days=1))[0]
    return datetime.combine(day, config.send_time, tzinfo=SHANGHAI)


def summary_of(items: list[DigestItem]) -> str:
    counts = defaultdict(int)
    for item in items:
        counts[item.kind] += 1
    parts = {
        ReminderKind.STATUTORY_BREACH: lambda n: ngettext(
            "%(n)d past the statutory limit", "%(n)d past the statutory limit", n
        ),
        ReminderKind.ESCALATE: lambda n: ngettext("%(n)d to escalate", "%(n)d to escalate", n),
        ReminderKind.OVERDUE: lambda n: ngettext("%(n)d overdue", "%(n)d overdue", n),
        ReminderKind.DUE_SOON: lambda n: ngettext("%(n)d due soon", "%(n)d due soon", n),
    }
    separator = pgettext("list separator", ", ")  # 、 in Chinese
    return separator.join(parts[kind](counts[kind]) % {"n": counts[kind]} for kind in URGENCY if counts[kind])


def build_digest_message(
    digest: Digest, *, today: date, calendar: WorkCalendar | None = None
) -> EmailMultiAlternatives:
    """The digest as text and HTML, in the recipient's language (templates/rights/email/reminder_digest*).
    Only the DIGEST_ENTRIES most urgent requests are loaded, labelled and rendered; the rest are counted."""
    shown, more_entries = shown_items(digest.items)
    fill_details(shown, today=today, calendar=calendar or work_calendar())
    with translation.override(digest.language):
        # The entries are written in Python (rights/email/digest.py), the frame around them by the templates.
        entries = digest_entries(digest_lines(shown))
        site = django_settings.SITE_URL.rstrip("/")
        try:
            list_url = site + reverse("admin:rights_rightsrequest_changelist") + "?open=open"
        except NoReverseMatch:
            list_url = site
        context = {
            "digest": digest,
            "count": len(digest.items),
            "entries_text": entries_text(entries),
            "entries_html": entries_html(entries),
            "more_entries": more_entries,
            "list_url": list_url,
            "today": today,
            "summary": summary_of(digest.items),
            "complaint_clocks": any(item.channel for item in shown),
            "site_url": django_settings.SITE_URL.rstrip("/"),
            "settings_url": django_settings.SITE_URL.rstrip("/") + _preferences_path(),
        }
        subject = " ".join(render_to_string("rights/email/reminder_digest_subject.txt", context).split())
        text = render_to_string("rights/email/reminder_digest.txt", context)
        html = render_to_string("rights/email/reminder_digest.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[digest.address],
        headers={
            "Message-ID": digest.message_id(),
            "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation replies to the robot
            "Content-Language": digest.language,
            "X-RightsDesk-Reminders": ",".join(map(str, digest.reminder_ids)),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _preferences_path() -> str:
    try:
        return reverse("admin:rights_reminderpreference_changelist")
    except NoReverseMatch:
        return "/admin/rights/reminderpreference/"


class NoAddress(Exception):
    """Nobody to send to (no assignee address and an empty TEAM_EMAIL): recorded as a failure and retried."""


def _is_connection_failure(error: Exception) -> bool:
    """The server could not be reached at all (as opposed to refusing one recipient or one message)."""
    refused = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
    return isinstance(error, OSError) and not isinstance(error, refused)


def _close_quietly(mail_connection) -> None:
    try:
        mail_connection.close()
    except Exception:  # noqa: BLE001 - a broken connection is being thrown away anyway
        pass


@dataclass(slots=True)
class ReminderOutcome:
    request: int
    kind: str
    due: date
    repeat: int
    status: str
    recipient: str

    def as_dict(self) -> dict:
        return {
            "request": self.request,
            "kind": self.kind,
            "due": self.due.isoformat(),
            "repeat": self.repeat,
            "status": self.status,
            "recipient": self.recipient,
        }


@dataclass
class SweepResult:
    now: datetime
    dry_run: bool = False
    enabled: bool = True
    sending: bool = False  # inside the send window
    send_at: datetime | None = None  # when held reminders go out
    recorded: int = 0
    cancelled: int = 0
    held: int = 0
    reminders: list[ReminderOutcome] = field(default_factory=list)
    digests: list[dict] = field(default_factory=list)  # {"to", "subject", "count", "status"}
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (request id, why): bad rows, reported

    @property
    def sent(self) -> int:
        return sum(r.status == ReminderStatus.SENT for r in self.reminders)

    @property
    def failed(self) -> int:
        return sum(r.status == ReminderStatus.FAILED for r in self.reminders)

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "reminders": [r.as_dict() for r in self.reminders],
            "recorded": self.recorded,
            "cancelled": self.cancelled,
            "held": self.held,
            "send_at": self.send_at.astimezone(SHANGHAI).isoformat() if self.send_at else None,
            "digests": self.digests,
            "dry_run": self.dry_run,
            "enabled": self.enabled,
            "now": self.now.astimezone(SHANGHAI).isoformat(),
            "skipped": [{"request": request_id, "why": why} for request_id, why in self.skipped],
        }

    def summary_line(self) -> str:
        if not self.enabled:
            return "reminders are switched off (Reminder settings)"
        if self.dry_run:
            would = sum(r.status == "would_send" for r in self.reminders)
            line = f"dry run: would record {self.recorded}, send {would} in {len(self.digests)} digest(s), cancel {self.cancelled}"
        else:
            mails = sum(d["status"] == ReminderStatus.SENT for d in self.digests)
            line = (
                f"recorded {self.recorded}, sent {self.sent} in {mails} digest(s), failed {self.failed}, "
                f"cancelled {self.cancelled}"
            )
        if self.skipped:
            line += f", skipped {len(self.skipped)} unreadable (" + ", ".join(f"#{pk}" for pk, _why in self.skipped[:5]) + ")"
        if self.held:
            line += f", held {self.held} until {self.send_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
        return line


class _DryRun(Exception):
    pass


def sweep_reminders(
    *, now: datetime | None = None, dry_run: bool = False, settings: ReminderSettings | None = None
) -> SweepResult:
    """Find, record and (in the send window) mail every reminder that is due at `now`. Safe to run at any time,
    as often as you like, in as many processes as you like: the ledger lets each reminder out once."""
    now = now or timezone.now()
    config = settings or ReminderSettings.load()
    result = SweepResult(now=now, dry_run=dry_run, enabled=config.enabled)
    if not config.enabled:
        return result
    calendar = PageCalendar(work_calendar())  # one count of working days per last day, for every digest
    today = today_in_shanghai(now)
    result.sending = in_send_window(now, config, calendar)
    result.send_at = next_send_time(now, config, calendar)
    snoozes = active_snoozes(today)
    rules = {"now": now, "config": config, "calendar": calendar, "snoozes": snoozes, "skipped": result.skipped}
    if dry_run:
        # The same code on a transaction that is rolled back: what would be recorded, cancelled and sent.
        try:
            with transaction.atomic():
                recorded = record_due_reminders(**rules)
                result.recorded = recorded.count
                _log_skipped(result)
                plan = plan_deliveries(now=now, config=config, calendar=calendar, snoozes=snoozes, recorded=recorded)
                result.cancelled = plan.cancelled
                status = "would_send" if result.sending else "held"
                for digest in plan.digests:
                    message = build_digest_message(digest, today=today, calendar=calendar)
                    _note_digest(result, digest, message.subject, status)
                raise _DryRun
        except _DryRun:
            pass
        result.held = 0 if result.sending else sum(len(d.items) for d in plan.digests)
        return result

    recorded = record_due_reminders(**rules)
    result.recorded = recorded.count
    _log_skipped(result)
    plan = plan_deliveries(now=now, config=config, calendar=calendar, snoozes=snoozes, recorded=recorded)
    result.cancelled = plan.cancelled
    if not result.sending:
        result.held = sum(len(d.items) for d in plan.digests)
        return result
    deliver_digests(plan.digests, now=now, result=result, calendar=calendar)
    return result


def _log_skipped(result: SweepResult) -> None:
    for request_id, why in result.skipped:
        logger.error("reminder sweep skipped request #%s: %s", request_id, why)


def _note_digest(result: SweepResult, digest: Digest, subject: str, status: str, items=None) -> None:
    items = digest.items if items is None else items
    result.digests.append({"to": digest.address, "subject": subject, "count": len(items), "status": status})
    result.reminders.extend(
        ReminderOutcome(i.request_id, i.kind, i.due, i.repeat, status, digest.address) for i in items
    )


def deliver_digests(
    digests: list[Digest], *, now: datetime, result: SweepResult, calendar: WorkCalendar | None = None
) -> None:
    """One digest per recipient, each in its own short transaction (claim, send, mark)."""
    today = today_in_shanghai(now)
    calendar = calendar or work_calendar()
    mail_connection = get_connection(fail_silently=False)  # one per sweep
    unreachable: Exception | None = None
    for digest in digests:
        with transaction.atomic():
            # Marked sent in this transaction, which commits only once the server has accepted the digest (a
            # failure below marks them failed instead, in the same transaction).
            claimed = set(_claim_as_sent(digest, now=now))
            if not claimed:
                continue  # another sweep holds or already sent them
            rows = Reminder.objects.filter(pk__in=claimed)
            if len(claimed) < len(digest.items):
                # Only what this sweep claimed goes in the mail (a concurrent sweep may have sent the rest), under
                # the Message-ID of exactly those rows.
                digest = Digest(digest.address, digest.language, [i for i in digest.items if i.reminder_id in claimed])
                rows.update(message_id=digest.message_id())
            # Once the server proved unreachable, the remaining digests are recorded as failed with the same error
            # instead of each waiting for a connection timeout; the next sweep retries them all.
            subject, error = "", unreachable
            if error is None and not digest.address:
                error = NoAddress("no address to send to: set TEAM_EMAIL")  # a log entry, like the SMTP errors
            if error is None:
                try:
                    message = build_digest_message(digest, today=today, calendar=calendar)
                    subject = message.subject
                    if mail_connection.send_messages([message]) != 1:
                        raise smtplib.SMTPException(_("The mail backend did not accept the message."))
                except Exception as exc:  # noqa: BLE001 - recorded on the rows and retried by the next sweep
                    logger.warning("reminder digest to %s failed: %s", digest.address, exc, exc_info=True)
                    error = exc
                    _close_quietly(mail_connection)
                    if _is_connection_failure(exc):
                        unreachable = exc  # do not wait for a dead server once per recipient
            if error is None:
                _note_digest(result, digest, subject, ReminderStatus.SENT)
            else:
                rows.update(
                    status=ReminderStatus.FAILED, sent_at=None, message_id="",
                    last_error=f"{type(error).__name__}: {error}"[:2000],
                )  # fmt: skip
                _note_digest(result, digest, subject, ReminderStatus.FAILED)


# ---------------------------------------------------------------------------------------------- snooze


def snooze_reminders(
    *, request, until: date, reason: str = "", acting_user=None, now: datetime | None = None
) -> ReminderSnooze:
    """Stop the overdue repeats of a request up to and including `until`: the request's *snooze* event."""
    from .services import snooze_request

    snooze_request(request=request, until=until, note=reason, acting_user=acting_user, now=now)
    # Unsent repeats of what is snoozed are cancelled by the next sweep (plan_deliveries checks snoozes).
    return ReminderSnooze.objects.filter(request=request).latest("id")


def parse_moment(text: str) -> datetime:
    """`--now` and the task's `now`: ISO 8601, Asia/Shanghai when it has no offset; a bare date means that day
    at the send time (so `--now 2026-10-14` sends, like the first sweep after 09:00 would)."""
    text = text.strip()
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), ReminderSettings.load().send_time, tzinfo=SHANGHAI)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
