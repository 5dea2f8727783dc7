"""The rules: which reminders are due at a moment, as queries over each track's running clocks.

Four kinds: due soon (the one "due soon" setting, shared with the request list), overdue (with its repeat
number), past the statutory limit, escalation suggested. Each track states them with its own named filters in its
clock source (rights.reminders.sources); this module gives them what they are stated with (`Rules`) and collects
the queries. Nothing is read per request, and no due row comes back to Python.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import (
    CharField,
    DateField,
    F,
    Func,
    IntegerField,
    QuerySet,
    Value,
)
from django.db.models.functions import Greatest

from policies.workdays import WorkCalendar

from ..models import ReminderSettings, ReminderSnooze
from ..querysets import today_in_shanghai
from ..status import due_soon_horizon
from .sources import ClockSource, clock_sources

# The ledger's repeat counter is a small integer; a repeat beyond it can only come from a broken date.
MAX_REPEAT = 32767


def overdue_repeat(*, last_day: date, today: date, every: int) -> int:
    """0 the day after the last day, then one more every `every` days (days overdue - 1) // K."""
    return max((today - last_day).days - 1, 0) // max(every, 1)


class _DaysSince(Func):
    """Whole days from a date column to `today` (today - column), in SQL: what `(today - last_day).days` is in
    Python, for `overdue_repeat`'s formula stated once more for the database (`Rules.repeat`)."""

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


def latest_last_day_overdue_by(today: date, working_days: int, calendar: WorkCalendar) -> date:
    """The latest last day that lies at least `working_days` working days behind today."""
    day, counted = today, 0
    while counted < working_days:
        counted += calendar.is_working_day(day)
        day -= timedelta(days=1)
    return day


def active_snoozes(today: date) -> tuple[set[int], set[int]]:
    """(snoozed requests, snoozed request clocks) whose snooze still runs today (the `until` day included)."""
    requests, clocks = set(), set()
    for request_id, clock_id in ReminderSnooze.objects.filter(until__gte=today).values_list("request_id", "clock_id"):
        (clocks.add(clock_id) if clock_id else requests.add(request_id))
    return requests, clocks


def _oldest_repeatable_last_day(today: date, every: int) -> date:
    """Last days up to this one would make a repeat above MAX_REPEAT (bad data): reported and left out."""
    try:
        return today - timedelta(days=(MAX_REPEAT + 1) * max(every, 1) + 1)
    except OverflowError:
        return date.min


@dataclass(frozen=True)
class DueQuery:
    """One rule of one source as a query: rows of (request id, clock id, kind, last day, repeat)."""

    source: ClockSource
    queryset: QuerySet


@dataclass
class Rules:
    """What a track states its rules with, at one moment; `add` collects them."""

    now: datetime
    config: ReminderSettings
    calendar: WorkCalendar
    snoozed_requests: set[int]
    snoozed_clocks: set[int]
    skipped: list  # (request id, why): rows that cannot be turned into a reminder, reported
    queries: list[DueQuery] = field(default_factory=list)

    @property
    def today(self) -> date:
        return today_in_shanghai(self.now)

    @property
    def horizon(self) -> date:
        """The last day still "due soon" (the one setting, rights.status)."""
        return due_soon_horizon(self.today, self.config.due_soon_working_days, self.calendar)

    @property
    def escalation_cutoff(self) -> date:
        """Clocks with a last day up to this one are overdue long enough to suggest a complaint."""
        return latest_last_day_overdue_by(self.today, self.config.escalate_after_working_days, self.calendar)

    def repeat(self, last_day_column: str):
        """`overdue_repeat` in SQL: (days overdue - 1) // K, from 0."""
        every = max(self.config.repeat_every_days, 1)
        return Greatest(_DaysSince(last_day_column, self.today) - Value(1), Value(0)) / Value(every)

    def add(self, source: ClockSource, queryset, *, request: str, kind: str, last_day: str, repeat=None) -> None:
        """One rule: `queryset` of the source's clocks due for a reminder of `kind` about the column `last_day`;
        `request` is the path from a clock to its request's id."""
        rows = queryset.order_by().annotate(
            r_request=F(request), r_clock=F("id"), r_kind=Value(str(kind), output_field=CharField()),
            r_due=F(last_day), r_repeat=repeat if repeat is not None else Value(0, output_field=IntegerField()),
        ).values_list("r_request", "r_clock", "r_kind", "r_due", "r_repeat")  # fmt: skip
        self.queries.append(DueQuery(source, rows))

    def repeatable(self, queryset, *, request: str, last_day: str):
        """The overdue clocks that may be reminded again: a snooze of their request stops the repeats (when it
        ends, the current repeat, not the missed ones, goes out), and a last day decades back is bad data, not a
        reminder: reported in `skipped`, left out, the others sent."""
        if self.snoozed_requests:
            queryset = queryset.exclude(**{f"{request}__in": self.snoozed_requests})
        oldest = _oldest_repeatable_last_day(self.today, self.config.repeat_every_days)
        for request_id, day in queryset.filter(**{f"{last_day}__lte": oldest}).values_list(request, last_day):
            self.skipped.append((request_id, f"last day {day.isoformat()} is {(self.today - day).days} days ago"))
        return queryset.filter(**{f"{last_day}__gt": oldest})


def due_queries(*, now: datetime, config: ReminderSettings, calendar: WorkCalendar, snoozes, skipped: list) -> list[DueQuery]:
    """The reminders the rules make due at `now`, every registered source's, in registration order."""
    snoozed_requests, snoozed_clocks = snoozes
    rules = Rules(now, config, calendar, snoozed_requests, snoozed_clocks, skipped)
    for source in clock_sources():
        source.add_rules(rules)
    return rules.queries
