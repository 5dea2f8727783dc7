"""The rules: which reminders are due at a moment, as queries over each track's running clocks.

Four kinds: due soon (the one "due soon" setting, shared with the request list), overdue (again every K working
days, its repeat number counted in the ledger), past the statutory limit, escalation suggested. Each track states them with its own named filters in its
clock source (rights.reminders.sources); this module gives them what they are stated with (`Rules`) and collects
the queries. Nothing is read per request, and no due row comes back to Python.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import CharField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from deadlines.counting import SHANGHAI
from deadlines.status import due_soon_horizon
from deadlines.workdays import WorkCalendar

from ..models import RETRYABLE_REMINDER_STATES, Reminder, ReminderSettings, ReminderSnooze
from ..querysets import today_in_shanghai
from .sources import REQUEST, ClockSource, clock_sources

# A last day further back than this is bad data (a year typed wrong, a row from before the boundary checks), not
# a reminder: reported and left out, the others sent.
BELIEVABLE_DAYS_OVERDUE = 36525  # a century


@dataclass(frozen=True)
class NextRepeat:
    """The overdue rule's repeat number, counted in the ledger (`Rules.repeat`, resolved in `Rules.add`)."""

    last_day: str


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


def _oldest_believable_last_day(today: date) -> date:
    try:
        return today - timedelta(days=BELIEVABLE_DAYS_OVERDUE)
    except OverflowError:
        return date.min


@dataclass(frozen=True)
class DueQuery:
    """One rule of one source as a query: rows of (request id, clock id, kind, last day, repeat)."""

    source: ClockSource
    queryset: QuerySet
    # The repeat is the next number the ledger holds for the clock (`Rules.repeat`): no row can have it yet, so
    # the ledger's anti-join before the INSERT would only probe in vain (one probe per overdue clock).
    counted_repeat: bool = False


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

    @property
    def resend_after(self) -> datetime:
        """An overdue reminder sent from this moment on is too recent to repeat today: the repeat comes once K
        working days (ReminderSettings.repeat_every_days) have passed since the day it was sent, so two overdue
        mails about one clock never come on consecutive working days when K >= 2, whatever the weekends."""
        last_sent_day = latest_last_day_overdue_by(self.today, max(self.config.repeat_every_days, 1), self.calendar)
        return datetime.combine(last_sent_day + timedelta(days=1), time(0), tzinfo=SHANGHAI)

    def repeat(self, last_day_column: str) -> NextRepeat:
        """The overdue rule's repeat: how many reminders the ledger holds about the clock and its last day (0 for
        the first), resolved by `add` against the ledger rows of the rule's source."""
        return NextRepeat(last_day_column)

    def add(self, source: ClockSource, queryset, *, request: str, kind: str, last_day: str, repeat=None) -> None:
        """One rule: `queryset` of the source's clocks due for a reminder of `kind` about the column `last_day`;
        `request` is the path from a clock to its request's id. With `repeat=rules.repeat(...)` a clock is due
        again only when nothing about it is waiting to go out and the last mail went out K working days ago."""
        rows = queryset.order_by().annotate(
            r_request=F(request), r_clock=F("id"), r_kind=Value(str(kind), output_field=CharField()), r_due=F(last_day),
        )  # fmt: skip
        if isinstance(repeat, NextRepeat):
            # The ledger's rows about this clock, kind and last day: a probe of its unique key (request, clock,
            # kind, due, repeat), the request's own clocks by `clock`, another track's by (source, clock id).
            about = {"clock_id": OuterRef("r_clock")} if source.name == REQUEST else {
                "source": source.name, "source_clock_id": OuterRef("r_clock")}  # fmt: skip
            ledger = Reminder.objects.order_by().filter(
                request_id=OuterRef("r_request"), kind=str(kind), due=OuterRef("r_due"), **about
            )
            # Waiting to go out (held, or failed and retried as it is) or sent less than K working days ago. A
            # cancelled row (snoozed, no longer due) reached nobody and holds nothing back. A sweep after days of
            # downtime thus records one reminder per clock, the next in the count, not one per missed interval.
            waiting = ledger.filter(Q(status__in=RETRYABLE_REMINDER_STATES) | Q(sent_at__gte=self.resend_after))
            latest = ledger.order_by("-repeat").values("repeat")[:1]
            rows = rows.filter(~Exists(waiting)).annotate(
                r_repeat=Coalesce(Subquery(latest, output_field=IntegerField()) + Value(1), Value(0))
            )
        else:
            rows = rows.annotate(r_repeat=repeat if repeat is not None else Value(0, output_field=IntegerField()))
        self.queries.append(DueQuery(
            source, rows.values_list("r_request", "r_clock", "r_kind", "r_due", "r_repeat"),
            counted_repeat=isinstance(repeat, NextRepeat),
        ))  # fmt: skip

    def repeatable(self, queryset, *, request: str, last_day: str):
        """The overdue clocks that may be reminded again: a snooze of their request stops the repeats (when it
        ends, the current repeat, not the missed ones, goes out), and a last day decades back is bad data, not a
        reminder: reported in `skipped`, left out, the others sent."""
        if self.snoozed_requests:
            queryset = queryset.exclude(**{f"{request}__in": self.snoozed_requests})
        oldest = _oldest_believable_last_day(self.today)
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
