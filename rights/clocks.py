"""The clock projection: a request's clocks replayed from its events, its promise snapshot and the calendar.

One function (`replay`) serves filing, backdated entries, calendar corrections (any year, published or not),
extensions and pauses: the stored Clock rows are always what a replay from scratch gives, which
`clocks rebuild --check` verifies. `replay` is pure; `project` writes its result for one locked request.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from django.db import transaction

from policies.deadlines import SHANGHAI, compute_deadline, end_of_day
from policies.models import App, promises_for, work_calendar
from policies.workdays import WorkCalendar

from .events import EVENTS
from .status import breach_moment, settled_verdict

# What a person writes when the app gave no legal basis for an extension.
NO_BASIS = {"", "none", "no", "无", "没有", "无依据", "无法律依据"}


def has_legal_basis(basis: str) -> bool:
    return (basis or "").strip().lower() not in NO_BASIS


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


# ------------------------------------------------------------------------------------------- the snapshot


def snapshot_promises(app: App, right: str, on: date) -> list[dict]:
    """What a request of `right` is held to under the policy in force on `on`, frozen as plain data: later
    catalog edits never change a request's promises."""
    snapshot = []
    for index, promise in enumerate(promises_for(app, right, on)):
        procedure, cap, deadline = promise.procedure, promise.cap, promise.deadline
        snapshot.append(
            {
                "key": f"p{index}",
                "procedure": procedure.pk if procedure else None,
                "policy_version": procedure.policy_version_id if procedure else None,
                "statutory_default": cap.pk if cap else None,
                "action": promise.action,
                "clock_start": promise.clock_start,
                "amount_min": deadline.min,
                "amount_max": deadline.max,
                "unit": deadline.unit,
                "hedge": procedure.hedge if procedure else "",
                "is_statutory": deadline.statutory is not None,
                "exceeds_cap": deadline.exceeds_cap,
                "quote": procedure.quote if procedure else cap.clause,
                "citation": cap.citation if cap else "",
                "statutory_amount": cap.amount if cap else None,
                "statutory_unit": cap.unit if cap else "",
            }
        )
    return snapshot


# ---------------------------------------------------------------------------------------------- the replay


@dataclass(frozen=True)
class EventRecord:
    """What the replay needs of one history row."""

    name: str
    at: datetime
    details: dict = field(default_factory=dict)


@dataclass
class ClockState:
    """A clock as the replay leaves it: the values of the Clock row's projected fields."""

    promise_key: str
    procedure_id: int | None
    policy_version_id: int | None
    statutory_default_id: int | None
    action: str
    clock_start: str
    started_at: datetime
    amount_min: int
    amount_max: int
    unit: str
    hedge: str
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
    def started(cls, promise: dict, at: datetime) -> ClockState:
        return cls(
            promise_key=promise["key"],
            procedure_id=promise["procedure"],
            policy_version_id=promise["policy_version"],
            statutory_default_id=promise["statutory_default"],
            action=promise["action"],
            clock_start=promise["clock_start"],
            started_at=at,
            amount_min=promise["amount_min"],
            amount_max=promise["amount_max"],
            unit=promise["unit"],
            hedge=promise["hedge"],
            is_statutory=promise["is_statutory"],
            exceeds_cap=promise["exceeds_cap"],
            quote=promise["quote"],
            citation=promise["citation"],
            statutory_amount=promise["statutory_amount"],
            statutory_unit=promise["statutory_unit"],
        )

    @property
    def running(self) -> bool:
        return self.met_at is None and self.stopped_at is None

    def end_pause(self, at: datetime, calendar: WorkCalendar) -> None:
        """The pause ends at `at`: the working days d with pause date <= d < resume date do not count."""
        if self.paused_since is None:
            return
        first, end = local_day(self.paused_since), local_day(at)
        if end > first:
            self.paused_working_days += calendar.working_days_between(first - timedelta(days=1), end - timedelta(days=1))
        self.paused_since = None


PROJECTED_FIELDS = tuple(f.name for f in fields(ClockState))


def replay(*, promises: Sequence[dict], events: Iterable[EventRecord], calendar: WorkCalendar) -> list[ClockState]:
    """Fold the events over the promises: which clocks started when, were kept, stopped, paused or extended;
    then count their last days on the calendar."""
    clocks: dict[str, ClockState] = {}
    for event in events:
        spec = EVENTS.get(event.name)
        if spec is None:
            continue
        at = event.at
        for promise in promises:
            if promise["clock_start"] in spec.starts and promise["key"] not in clocks:
                clocks[promise["key"]] = ClockState.started(promise, at)
        running = [clock for clock in clocks.values() if clock.running]
        match event.name:
            case "pause":
                for clock in running:
                    if clock.paused_since is None:
                        clock.paused_since = at
            case "resume":
                for clock in running:
                    clock.end_pause(at, calendar)
            case "extend":
                until = date.fromisoformat(event.details["until"])
                action = event.details.get("action") or ""
                for clock in running:
                    if not action or clock.action == action:
                        clock.extended_to, clock.extension_basis = until, event.details.get("basis", "")
            case "refuse" | "withdraw" | "resolve":
                reason = {"refuse": "refused", "withdraw": "withdrawn", "resolve": "closed"}[event.name]
                for clock in running:
                    clock.end_pause(at, calendar)
                    clock.stopped_at, clock.stop_reason = at, reason
            case "reopen":
                # It did not really happen: completions were not kept after all, and what a refusal or a
                # withdrawal stopped runs again, on its original deadlines.
                for clock in clocks.values():
                    if clock.stopped_at is not None:
                        clock.stopped_at, clock.stop_reason = None, ""
                    if clock.met_at is not None and clock.action == "completion":
                        clock.met_at = None
        for clock in running:
            if clock.action in spec.meets and clock.running:
                clock.end_pause(at, calendar)
                clock.met_at = at
    states = sorted(clocks.values(), key=lambda c: c.promise_key)
    for clock in states:
        count_last_days(clock, calendar)
    return states


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


# ---------------------------------------------------------------------------------------------- projection


def events_of(request) -> list[EventRecord]:
    return [
        EventRecord(name, at, details or {})
        for name, at, details in request.log.order_by("at", "id").values_list("transition", "at", "details")
    ]


def replay_request(request, calendar: WorkCalendar) -> list[ClockState]:
    return replay(promises=request.promises, events=events_of(request), calendar=calendar)


def _row_values(clock) -> dict:
    return {name: getattr(clock, name) for name in PROJECTED_FIELDS}


def project(request, *, calendar: WorkCalendar | None = None) -> bool:
    """Write the replay of one request (locked by the caller) onto its Clock rows and its own projected fields;
    returns whether anything changed."""
    from .models import Clock

    calendar = calendar or work_calendar()
    states = replay_request(request, calendar)
    stored = {clock.promise_key: clock for clock in request.clocks.all()}
    changed = False
    for state in states:
        values = _row_values(state)
        clock = stored.pop(state.promise_key, None)
        if clock is None:
            Clock.objects.create(request=request, **values)
            changed = True
        elif _row_values(clock) != values:
            for name, value in values.items():
                setattr(clock, name, value)
            clock.save()
            changed = True
    for clock in stored.values():  # a clock no event starts any more
        delete_clock(clock)
        changed = True
    projected = request_projection(states)
    if any(getattr(request, name) != value for name, value in projected.items()):
        for name, value in projected.items():
            setattr(request, name, value)
        type(request).objects.filter(pk=request.pk).update(**projected)
        changed = True
    return changed


def delete_clock(clock) -> None:
    """Drop a clock and its reminder ledger rows (found by the ledger's unique key, which starts with the request and
    the clock: the ledger has no index on the clock alone, see rights.models.Reminder)."""
    from .models import Reminder

    Reminder.objects.filter(request_id=clock.request_id, clock=clock).delete()
    clock.delete()


def request_projection(states: list[ClockState]) -> dict:
    """The request's own projected columns: the nearest last day of a running, unpaused clock and the moment it
    passes; the first moment a clock is past the statutory limit; since when it is paused; the verdict its
    finished clocks already decide."""
    running = [s for s in states if s.running]
    ticking = [s for s in running if s.paused_since is None]
    return {
        "next_due": min((s.deadline for s in ticking), default=None),
        # The moment the nearest running deadline passes, and the first moment past the statutory limit: the
        # list's deadline filters are ranges on these (rights.status.request_overdue_q and the like).
        "next_due_at": min((s.deadline_at for s in ticking), default=None),
        "breach_at": breach_moment(states),
        "paused_since": min((s.paused_since for s in running if s.paused_since), default=None),
        "verdict": settled_verdict(states),
    }


def differences(request, calendar: WorkCalendar) -> list[str]:
    """How the stored clocks differ from a replay from scratch (empty when they agree)."""
    replayed = replay_request(request, calendar)
    states = {s.promise_key: _row_values(s) for s in replayed}
    stored = {c.promise_key: _row_values(c) for c in request.clocks.all()}
    problems = []
    for key in sorted(states.keys() | stored.keys()):
        if key not in stored:
            problems.append(f"clock {key} missing")
        elif key not in states:
            problems.append(f"clock {key} should not exist")
        else:
            problems.extend(
                f"clock {key} {name}: stored {stored[key][name]!r}, replay {states[key][name]!r}"
                for name in PROJECTED_FIELDS
                if stored[key][name] != states[key][name]
            )
    problems.extend(
        f"request {name}: stored {getattr(request, name)!r}, replay {value!r}"
        for name, value in request_projection(replayed).items()
        if getattr(request, name) != value
    )
    return problems


def rebuild(requests, *, check: bool = False, calendar: WorkCalendar | None = None) -> list[tuple[int, list[str]]]:
    """Replay `requests` (a queryset). With `check`, change nothing and return the requests whose stored clocks
    differ from the replay; otherwise rewrite them and return those that changed."""
    from .models import RightsRequest

    calendar = calendar or work_calendar()
    result = []
    ids = list(requests.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 200):
        chunk = ids[start : start + 200]
        if check:
            for request in RightsRequest.objects.filter(pk__in=chunk).prefetch_related("clocks").order_by("pk"):
                problems = differences(request, calendar)
                if problems:
                    result.append((request.pk, problems))
            continue
        with transaction.atomic():
            for request in RightsRequest.objects.select_for_update().filter(pk__in=chunk).order_by("pk"):
                problems = differences(request, calendar)
                if problems:
                    project(request, calendar=calendar)
                    result.append((request.pk, problems))
    return result


def affected_by_calendar_day(day: date):
    """The requests whose clocks a change of `day` in the calendar could move: started by then, with a last day
    (promised, expected, statutory or extended) on or after it, or paused."""
    from django.db.models import Q

    from .models import RightsRequest

    started = Q(clocks__started_at__lt=end_of_day(day))
    reaches = (
        Q(clocks__final_due__gte=day)
        | Q(clocks__statutory_due__gte=day)
        | Q(clocks__extended_to__gte=day)
        | Q(clocks__paused_since__isnull=False)
    )
    return RightsRequest.objects.filter(started & reaches).distinct()
