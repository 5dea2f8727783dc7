"""The clock projection: a request's clocks replayed from its events, its promise snapshot and the calendar.

One function (`replay`) serves filing, backdated entries, calendar corrections (any year, published or not),
extensions and pauses: the stored Clock rows are always what a replay from scratch gives, which
`clocks rebuild --check` verifies. `replay` is pure; `project` writes its result for one locked request.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from deadlines.querysets import moved_by_day_q
from deadlines.replay import (
    ClockState,
    EventRecord,
    count_last_days,
    projected_fields,
    rebuild_owners,
    row_differences,
    row_values,
    sync_rows,
)
from deadlines.workdays import WorkCalendar
from policies.models import App, promises_for, work_calendar

from .events import EVENTS
from .models import Clock, Reminder, RightsRequest
from .status import breach_moment, settled_verdict

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


@dataclass(kw_only=True)
class RequestClockState(ClockState):
    """A request's clock as the replay leaves it: the generic clock (deadlines.replay) and the Clock row's own
    fields (which promise of the snapshot, from which procedure, policy version and statutory default)."""

    promise_key: str
    procedure_id: int | None
    policy_version_id: int | None
    statutory_default_id: int | None
    hedge: str

    @classmethod
    def from_promise(cls, promise: dict, at: datetime) -> RequestClockState:
        return cls.started(
            promise, at, promise_key=promise["key"], procedure_id=promise["procedure"],
            policy_version_id=promise["policy_version"], statutory_default_id=promise["statutory_default"],
            hedge=promise["hedge"],
        )  # fmt: skip


PROJECTED_FIELDS = projected_fields(RequestClockState)


def replay(*, promises: Sequence[dict], events: Iterable[EventRecord], calendar: WorkCalendar) -> list[RequestClockState]:
    """Fold the events over the promises: which clocks started when, were kept, stopped, paused or extended;
    then count their last days on the calendar."""
    clocks: dict[str, RequestClockState] = {}
    for event in events:
        spec = EVENTS.get(event.name)
        if spec is None:
            continue
        at = event.at
        for promise in promises:
            if promise["clock_start"] in spec.starts and promise["key"] not in clocks:
                clocks[promise["key"]] = RequestClockState.from_promise(promise, at)
        running = [clock for clock in clocks.values() if not clock.finished]
        match event.name:
            case "pause":
                for clock in running:
                    clock.pause(at)
            case "resume":
                for clock in running:
                    clock.end_pause(at, calendar)
            case "extend":
                until = date.fromisoformat(event.details["until"])
                action = event.details.get("action") or ""
                for clock in running:
                    if not action or clock.action == action:
                        clock.extend(until, event.details.get("basis", ""))
            case "refuse" | "withdraw" | "resolve":
                reason = {"refuse": "refused", "withdraw": "withdrawn", "resolve": "closed"}[event.name]
                for clock in running:
                    clock.stop(at, reason, calendar)
            case "reopen":
                # It did not really happen: completions were not kept after all, and what a refusal or a
                # withdrawal stopped runs again, on its original deadlines.
                for clock in clocks.values():
                    if clock.stopped_at is not None:
                        clock.stopped_at, clock.stop_reason = None, ""
                    if clock.met_at is not None and clock.action == "completion":
                        clock.met_at = None
        for clock in running:
            if clock.action in spec.meets and not clock.finished:
                clock.meet(at, calendar)
    states = sorted(clocks.values(), key=lambda c: c.promise_key)
    for clock in states:
        count_last_days(clock, calendar)
    return states


# ---------------------------------------------------------------------------------------------- projection


def events_of(request) -> list[EventRecord]:
    return [
        EventRecord(name, at, details or {})
        for name, at, details in request.log.order_by("at", "id").values_list("transition", "at", "details")
    ]


def replay_request(request, calendar: WorkCalendar) -> list[RequestClockState]:
    return replay(promises=request.promises, events=events_of(request), calendar=calendar)


def _row_values(clock) -> dict:
    return row_values(clock, PROJECTED_FIELDS)


def project(request, *, calendar: WorkCalendar | None = None) -> bool:
    """Write the replay of one request (locked by the caller) onto its Clock rows and its own projected fields;
    returns whether anything changed."""

    calendar = calendar or work_calendar()
    states = replay_request(request, calendar)
    changed = sync_rows(
        {clock.promise_key: clock for clock in request.clocks.all()},
        {state.promise_key: state for state in states},
        PROJECTED_FIELDS,
        create=lambda values: Clock.objects.create(request=request, **values),
        delete=delete_clock,
    )
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

    Reminder.objects.filter(request_id=clock.request_id, clock=clock).delete()
    clock.delete()


def request_projection(states: list[RequestClockState]) -> dict:
    """The request's own projected columns: the nearest last day of a running, unpaused clock and the moment it
    passes; the first moment a clock is past the statutory limit; since when it is paused; the verdict its
    finished clocks already decide."""
    running = [s for s in states if not s.finished]
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
    problems = row_differences(
        {c.promise_key: c for c in request.clocks.all()}, {s.promise_key: s for s in replayed}, PROJECTED_FIELDS
    )
    problems.extend(
        f"request {name}: stored {getattr(request, name)!r}, replay {value!r}"
        for name, value in request_projection(replayed).items()
        if getattr(request, name) != value
    )
    return problems


def rebuild(requests, *, check: bool = False, calendar: WorkCalendar | None = None) -> list[tuple[int, list[str]]]:
    """Replay `requests` (a queryset): deadlines.replay.rebuild_owners with this track's replay and projection."""
    return rebuild_owners(
        requests, differences=differences, project=project, calendar=calendar or work_calendar(), check=check
    )


def affected_by_calendar_day(day: date):
    """The requests whose clocks a change of `day` in the calendar could move (deadlines.querysets)."""

    return RightsRequest.objects.filter(moved_by_day_q(day, "clocks__")).distinct()


def provisional():
    """The requests with a clock that relies on a year whose schedule is not published."""

    return RightsRequest.objects.filter(clocks__provisional=True).distinct()
