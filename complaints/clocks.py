"""Complaint clocks: the channel's time limits (admission, answer), replayed from the complaint's log exactly as a
request's clocks are replayed from its history (rights.clocks), on the same clock (deadlines.models.ClockBase)
and the same counting (deadlines.replay: Civil Code arts. 201-203, moments at 24:00 Asia/Shanghai).

The limits are snapshotted when the complaint is lodged (`snapshot_limits`, stored in Complaint.promises): for
the app itself the answer limit is the policy's complaint promise in force on the day the complaint is lodged
(verbatim quote and version), capped by the channel's statutory limit (认定方法 六、5: at most 15 working days,
15 working days when nothing is promised); for a regulator it is the channel's own figure and citation.
`replay` is pure; `project_complaint` writes its result for one locked complaint; `clocks rebuild --check`
verifies that the stored rows equal a replay from scratch. Complaints have no "extend" event: a channel's
limits are not extended (the generic clock would count one with a legal basis as a request's does).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from deadlines.counting import local_day
from deadlines.models import StopReason
from deadlines.querysets import moved_by_day_q
from deadlines.replay import (
    ClockState,
    EventRecord,
    count_last_days,
    projected_fields,
    rebuild_owners,
    row_differences,
    sync_rows,
)
from deadlines.workdays import WorkCalendar
from policies.models import Procedure, Right, nominal_days, work_calendar

from .models import Addressee, ClockAction, ClockStartsAt, Complaint, ComplaintClock

# ---------------------------------------------------------------------------------------------- the snapshot


def complaint_procedure(complaint: Complaint, on) -> Procedure | None:
    """The app's own complaint procedure in force on `on` (the first with a promise)."""
    procedures = list(Procedure.objects.in_force(complaint.request.app, on).filter(right=Right.COMPLAINT))
    procedures.sort(key=lambda p: (not p.has_promise, p.pk))
    return procedures[0] if procedures else None


def _limit(action: str, clock_start: str, amount: int, unit: str, **values) -> dict:
    limit = {
        "key": action, "action": action, "clock_start": clock_start, "amount_min": amount, "amount_max": amount,
        "unit": unit, "is_statutory": True, "exceeds_cap": False, "quote": "", "citation": "",
        "statutory_amount": None, "statutory_unit": "", "policy_version": None,
    }  # fmt: skip
    limit.update(values)
    return limit


def _answer_limit(complaint: Complaint, on: date) -> dict | None:
    channel = complaint.channel
    if channel.kind != Addressee.APP:
        if not channel.answer_amount:
            return None  # e.g. 12377: PIPL art. 65 says 依法及时, no day count
        return _limit(ClockAction.ANSWER, channel.answer_starts, channel.answer_amount, channel.answer_unit,
                      citation=channel.answer_citation)  # fmt: skip
    procedure = complaint_procedure(complaint, on)
    cap = (channel.answer_amount, channel.answer_unit) if channel.answer_amount else None
    statutory = {"statutory_amount": cap[0], "statutory_unit": cap[1]} if cap else {}
    if procedure is not None and procedure.has_promise:
        promised = {"quote": procedure.quote, "policy_version": procedure.policy_version_id, "citation": channel.answer_citation}
        if cap and nominal_days(procedure.deadline_max, procedure.deadline_unit) > nominal_days(*cap):
            # 认定方法 六、5: a promise longer than the cap is flagged, and the cap applies.
            return _limit(ClockAction.ANSWER, channel.answer_starts, cap[0], cap[1], exceeds_cap=True, **promised, **statutory)
        return _limit(
            ClockAction.ANSWER, channel.answer_starts, procedure.deadline_min, procedure.deadline_unit,
            amount_max=procedure.deadline_max, is_statutory=False, **promised, **statutory,
        )  # fmt: skip
    if cap:
        return _limit(ClockAction.ANSWER, channel.answer_starts, cap[0], cap[1], citation=channel.answer_citation, **statutory)
    return None


def snapshot_limits(complaint: Complaint, on: date) -> list[dict]:
    """The time limits a complaint lodged on `on` is held to, frozen as plain data: later catalog edits (the
    channel's figures, the app's policy) never change a complaint's clocks."""
    channel = complaint.channel
    limits = []
    if channel.admission_amount:
        limits.append(
            _limit(ClockAction.ADMISSION, ClockStartsAt.LODGED, channel.admission_amount, channel.admission_unit,
                   citation=channel.admission_citation)
        )  # fmt: skip
    answer = _answer_limit(complaint, on)
    if answer is not None:
        limits.append(answer)
    return limits


# ---------------------------------------------------------------------------------------------- the replay


@dataclass(kw_only=True)
class ComplaintClockState(ClockState):
    """A complaint clock as the replay leaves it: the generic clock and the policy version its quote is from."""

    policy_version_id: int | None

    @classmethod
    def from_limit(cls, limit: dict, at: datetime) -> ComplaintClockState:
        return cls.started(limit, at, policy_version_id=limit["policy_version"])


PROJECTED_FIELDS = projected_fields(ComplaintClockState)

# Which event starts the clocks of each clock start, and which stops the running ones (and why).
STARTS = {"lodge": ClockStartsAt.LODGED, "admit": ClockStartsAt.ADMITTED}
STOPS = {"close": StopReason.CLOSED, "withdraw": StopReason.WITHDRAWN, "not_admit": StopReason.CLOSED}


def replay(*, promises: Sequence[dict], events: Iterable[EventRecord], calendar: WorkCalendar) -> list[ComplaintClockState]:
    """Fold the complaint's events over its limits (README, "Complaints and case files"): lodging starts the
    admission clock and the answer clock that runs from lodging; admitting decides the admission and starts an
    answer clock that runs from admission; a decision not to admit decides the admission and stops the rest; an
    answer is also the admission (a channel that answers has taken the complaint up); closing and withdrawing
    stop what runs. Then count their last days on the calendar."""
    clocks: dict[str, ComplaintClockState] = {}
    for event in events:
        at = event.at
        start = STARTS.get(event.name)
        for limit in promises:
            if limit["clock_start"] == start and limit["key"] not in clocks:
                clocks[limit["key"]] = ComplaintClockState.from_limit(limit, at)
        running = [clock for clock in clocks.values() if not clock.finished]
        for clock in running:
            if event.name == "answer" or (event.name in ("admit", "not_admit") and clock.action == ClockAction.ADMISSION):
                clock.meet(at, calendar)
            elif event.name in STOPS:
                clock.stop(at, STOPS[event.name], calendar)
    states = sorted(clocks.values(), key=lambda c: c.action)
    for clock in states:
        count_last_days(clock, calendar)
    return states


# ---------------------------------------------------------------------------------------------- projection


def events_of(complaint: Complaint) -> list[EventRecord]:
    return [
        EventRecord(name, at, details or {})
        for name, at, details in complaint.log.order_by("at", "id").values_list("event", "at", "details")
    ]


def replay_complaint(complaint: Complaint, calendar: WorkCalendar) -> list[ComplaintClockState]:
    return replay(promises=complaint.promises, events=events_of(complaint), calendar=calendar)


def after_event(complaint: Complaint, event: str, at: datetime) -> None:
    """What an event just recorded does to the clocks (inside its transaction, the complaint locked): lodging
    snapshots the channel's limits; then the clocks are projected from the log."""
    if event == "lodge":
        complaint.promises = snapshot_limits(complaint, local_day(at))
        Complaint.objects.filter(pk=complaint.pk).update(promises=complaint.promises)
    project_complaint(complaint)


def project_complaint(complaint: Complaint, *, calendar: WorkCalendar | None = None) -> bool:
    """Write the replay of one complaint (locked by the caller) onto its clock rows; returns whether anything
    changed."""
    states = replay_complaint(complaint, calendar or work_calendar())
    return sync_rows(
        {clock.action: clock for clock in complaint.clocks.all()},
        {state.action: state for state in states},
        PROJECTED_FIELDS,
        create=lambda values: ComplaintClock.objects.create(complaint=complaint, **values),
        delete=lambda clock: clock.delete(),
    )


def differences(complaint: Complaint, calendar: WorkCalendar) -> list[str]:
    """How the stored clocks differ from a replay from scratch (empty when they agree)."""
    states = {state.action: state for state in replay_complaint(complaint, calendar)}
    return row_differences({clock.action: clock for clock in complaint.clocks.all()}, states, PROJECTED_FIELDS)


def rebuild(complaints, *, check: bool = False, calendar: WorkCalendar | None = None) -> list[tuple[int, list[str]]]:
    """Replay `complaints` (a queryset): deadlines.replay.rebuild_owners with this track's replay and projection."""
    return rebuild_owners(
        complaints, differences=differences, project=project_complaint, calendar=calendar or work_calendar(), check=check
    )


def affected_by_calendar_day(day: date):
    """The complaints whose clocks a change of `day` in the calendar could move (deadlines.querysets)."""
    return Complaint.objects.filter(moved_by_day_q(day, "clocks__")).distinct()


def provisional():
    """The complaints with a clock that relies on a year whose schedule is not published."""
    return Complaint.objects.filter(clocks__provisional=True).distinct()
