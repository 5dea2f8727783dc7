"""The generic pieces of a clock replay, shared by every track (rights.clocks, complaints.clocks).

A track folds its own events over the promises it snapshotted (which event starts, keeps, stops, pauses or
extends which clock is the track's business); what a clock state is, what pausing, stopping and keeping do to
it, and how its last days are counted on the calendar (Civil Code arts. 201-203) is said once, here. Then the
track writes the states onto its rows (`sync_rows`) and checks stored rows against a replay (`row_differences`).

Pure but for `sync_rows`, which saves the rows it is given; no import of the product.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from django.db import transaction

from .counting import compute_deadline, end_of_day, local_day
from .status import is_finished
from .workdays import WorkCalendar

# What a person writes when the app gave no legal basis for an extension.
NO_BASIS = {"", "none", "no", "无", "没有", "无依据", "无法律依据"}


def has_legal_basis(basis: str) -> bool:
    return (basis or "").strip().lower() not in NO_BASIS


@dataclass(frozen=True)
class EventRecord:
    """What a replay needs of one history row (a request's or a complaint's)."""

    name: str
    at: datetime
    details: dict = field(default_factory=dict)


# The keys every track's promise snapshot carries (a track adds its own, e.g. the request's procedure).
PROMISE_KEYS = (
    "action", "clock_start", "amount_min", "amount_max", "unit", "is_statutory", "exceeds_cap", "quote", "citation",
    "statutory_amount", "statutory_unit",
)  # fmt: skip


@dataclass(kw_only=True)
class ClockState:
    """A clock as a replay leaves it: the values of a ClockBase row's projected fields (a track's subclass adds
    the fields of its own rows)."""

    action: str
    clock_start: str
    started_at: datetime
    amount_min: int
    amount_max: int
    unit: str
    is_statutory: bool
    exceeds_cap: bool
    quote: str
    citation: str
    statutory_amount: int | None
    statutory_unit: str
    due: date | None = None
    final_due: date | None = None
    statutory_due: date | None = None
    paused_working_days: int = 0
    paused_since: datetime | None = None
    extended_to: date | None = None
    extension_basis: str = ""
    deadline: date | None = None
    deadline_at: datetime | None = None
    statutory_deadline_at: datetime | None = None
    provisional: bool = False
    met_at: datetime | None = None
    stopped_at: datetime | None = None
    stop_reason: str = ""

    @classmethod
    def started(cls, promise: Mapping, at: datetime, **extra):
        return cls(started_at=at, **{key: promise[key] for key in PROMISE_KEYS}, **extra)

    @property
    def finished(self) -> bool:
        """Kept or stopped (deadlines.status.is_finished); a paused clock is not finished."""
        return is_finished(self)

    def pause(self, at: datetime) -> None:
        if self.paused_since is None:
            self.paused_since = at

    def end_pause(self, at: datetime, calendar: WorkCalendar) -> None:
        """The pause ends at `at`: the working days d with pause date <= d < resume date do not count."""
        if self.paused_since is None:
            return
        first, end = local_day(self.paused_since), local_day(at)
        if end > first:
            self.paused_working_days += calendar.working_days_between(first - timedelta(days=1), end - timedelta(days=1))
        self.paused_since = None

    def extend(self, until: date, basis: str) -> None:
        self.extended_to, self.extension_basis = until, basis

    def meet(self, at: datetime, calendar: WorkCalendar) -> None:
        self.end_pause(at, calendar)
        self.met_at = at

    def stop(self, at: datetime, reason: str, calendar: WorkCalendar) -> None:
        self.end_pause(at, calendar)
        self.stopped_at, self.stop_reason = at, reason


def projected_fields(state_class: type[ClockState]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(state_class))


def _shifted(deadline, paused: int, calendar: WorkCalendar) -> tuple[date, datetime, bool]:
    """A promised last day moved by the paused working days (and its end moment with it)."""
    if not paused:
        return deadline.last_day, deadline.ends_at, deadline.provisional
    day, provisional = calendar.nth_working_day_after(deadline.last_day, paused)
    return day, deadline.ends_at + (day - deadline.last_day), deadline.provisional or provisional


def count_last_days(clock: ClockState, calendar: WorkCalendar) -> None:
    """Civil Code arts. 201-203 on the clock's promise; pauses add to the promised days, the statutory last day
    never moves; an extension decides only when it has a legal basis."""
    expected = compute_deadline(clock.started_at, clock.amount_min, clock.unit, calendar)
    final = compute_deadline(clock.started_at, clock.amount_max, clock.unit, calendar)
    clock.due, _ends, provisional_due = _shifted(expected, clock.paused_working_days, calendar)
    clock.final_due, final_ends, provisional = _shifted(final, clock.paused_working_days, calendar)
    provisional |= provisional_due
    clock.deadline, clock.deadline_at = clock.final_due, final_ends
    clock.statutory_due = clock.statutory_deadline_at = None
    if clock.statutory_amount:
        statutory = compute_deadline(clock.started_at, clock.statutory_amount, clock.statutory_unit, calendar)
        clock.statutory_due, clock.statutory_deadline_at = statutory.last_day, statutory.ends_at
        provisional |= statutory.provisional
    if clock.extended_to and has_legal_basis(clock.extension_basis):
        extension_ends = end_of_day(clock.extended_to)
        if extension_ends > clock.deadline_at:
            clock.deadline, clock.deadline_at = clock.extended_to, extension_ends
        if clock.statutory_deadline_at and extension_ends > clock.statutory_deadline_at:
            clock.statutory_deadline_at = extension_ends
        provisional |= not calendar.is_published(clock.extended_to.year)
    clock.provisional = provisional


# ------------------------------------------------------------------------------------ rows and replays


def row_values(row, names: Iterable[str]) -> dict:
    return {name: getattr(row, name) for name in names}


def sync_rows(
    stored: Mapping[str, object],
    states: Mapping[str, ClockState],
    names: tuple[str, ...],
    *,
    create: Callable[[dict], object],
    delete: Callable[[object], None],
) -> bool:
    """Write `states` onto the `stored` rows with the same key (creating and deleting rows as the replay says);
    returns whether anything changed. Each row is saved only when one of its projected values differs."""
    changed = False
    stored = dict(stored)
    for key, state in states.items():
        values = row_values(state, names)
        row = stored.pop(key, None)
        if row is None:
            create(values)
            changed = True
        elif row_values(row, names) != values:
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            changed = True
    for row in stored.values():  # a clock no event starts any more
        delete(row)
        changed = True
    return changed


def row_differences(stored: Mapping[str, object], states: Mapping[str, ClockState], names: tuple[str, ...]) -> list[str]:
    """How the stored rows differ from a replay from scratch, one line each (empty when they agree)."""
    problems = []
    for key in sorted(states.keys() | stored.keys()):
        if key not in stored:
            problems.append(f"clock {key} missing")
        elif key not in states:
            problems.append(f"clock {key} should not exist")
        else:
            row, state = row_values(stored[key], names), row_values(states[key], names)
            problems.extend(
                f"clock {key} {name}: stored {row[name]!r}, replay {state[name]!r}" for name in names if row[name] != state[name]
            )
    return problems


def rebuild_owners(owners, *, differences, project, calendar: WorkCalendar, check: bool = False, chunk: int = 200):
    """Replay the clocks of `owners` (a queryset of requests or complaints: any track's owners), a chunk at a time.
    With `check`, change nothing and return the owners whose stored clocks differ from the replay; otherwise lock
    each chunk, rewrite what differs with `project` and return those that changed, as (pk, problems)."""
    result = []
    model = owners.model
    ids = list(owners.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        if check:
            for owner in model.objects.filter(pk__in=part).prefetch_related("clocks").order_by("pk"):
                problems = differences(owner, calendar)
                if problems:
                    result.append((owner.pk, problems))
            continue
        with transaction.atomic():
            for owner in model.objects.select_for_update().filter(pk__in=part).order_by("pk"):
                problems = differences(owner, calendar)
                if problems:
                    project(owner, calendar=calendar)
                    result.append((owner.pk, problems))
    return result
