"""Complaint clocks: the channel's time limits (admission, answer) on the request's deadline engine.

For the app itself the answer clock is the policy's complaint promise in force on the day the complaint is
lodged (verbatim quote and version), capped by the channel's statutory limit (认定方法 六、5: at most 15 working
days, 15 working days when nothing is promised). For a regulator it is the channel's own figure and citation.
"""
from __future__ import annotations

from datetime import datetime

from policies.deadlines import SHANGHAI, compute_deadline
from policies.models import Procedure, Right, nominal_days
from policies.workdays import WorkCalendar

from .models import ChannelKind, ClockAction, ClockStartsAt, Complaint, ComplaintClock


def complaint_procedure(complaint: Complaint, on) -> Procedure | None:
    """The app's own complaint procedure in force on `on` (the first with a promise)."""
    procedures = list(Procedure.objects.in_force(complaint.request.app, on).filter(right=Right.COMPLAINT))
    procedures.sort(key=lambda p: (not p.has_promise, p.pk))
    return procedures[0] if procedures else None


def _dates(clock: ComplaintClock, calendar: WorkCalendar) -> None:
    expected = compute_deadline(clock.started_at, clock.amount_min, clock.unit, calendar)
    final = compute_deadline(clock.started_at, clock.amount_max, clock.unit, calendar)
    clock.due, clock.final_due = expected.last_day, final.last_day
    provisional = expected.provisional or final.provisional
    if clock.statutory_amount:
        statutory = compute_deadline(clock.started_at, clock.statutory_amount, clock.statutory_unit, calendar)
        clock.statutory_due = statutory.last_day
        provisional |= statutory.provisional
    clock.provisional = provisional


def answer_clock(complaint: Complaint, at: datetime, calendar: WorkCalendar) -> ComplaintClock | None:
    channel = complaint.channel
    clock = ComplaintClock(complaint=complaint, action=ClockAction.ANSWER, clock_start=channel.answer_starts, started_at=at)
    if channel.kind == ChannelKind.APP:
        procedure = complaint_procedure(complaint, at.astimezone(SHANGHAI).date())
        cap = (channel.answer_amount, channel.answer_unit) if channel.answer_amount else None
        if cap:
            clock.statutory_amount, clock.statutory_unit = cap
        clock.citation = channel.answer_citation
        if procedure is not None and procedure.has_promise:
            clock.quote, clock.policy_version = procedure.quote, procedure.policy_version
            if cap and nominal_days(procedure.deadline_max, procedure.deadline_unit) > nominal_days(*cap):
                clock.amount_min = clock.amount_max = cap[0]
                clock.unit, clock.exceeds_cap, clock.is_statutory = cap[1], True, True
            else:
                clock.amount_min, clock.amount_max, clock.unit = procedure.deadline_min, procedure.deadline_max, procedure.deadline_unit
        elif cap:
            clock.amount_min = clock.amount_max = cap[0]
            clock.unit, clock.is_statutory = cap[1], True
        else:
            return None
    else:
        if not channel.answer_amount:
            return None  # e.g. 12377: PIPL art. 65 says 依法及时, no day count
        clock.amount_min = clock.amount_max = channel.answer_amount
        clock.unit, clock.citation, clock.is_statutory = channel.answer_unit, channel.answer_citation, True
    _dates(clock, calendar)
    return clock


def admission_clock(complaint: Complaint, at: datetime, calendar: WorkCalendar) -> ComplaintClock | None:
    channel = complaint.channel
    if not channel.admission_amount:
        return None
    clock = ComplaintClock(
        complaint=complaint, action=ClockAction.ADMISSION, clock_start=ClockStartsAt.LODGED, started_at=at,
        amount_min=channel.admission_amount, amount_max=channel.admission_amount, unit=channel.admission_unit,
        citation=channel.admission_citation, is_statutory=True,
    )
    _dates(clock, calendar)
    return clock


def apply_clock_effects(complaint: Complaint, event: str, at: datetime, calendar: WorkCalendar) -> None:
    """What each event does to the complaint's clocks (README, "Complaints and case files")."""
    running = complaint.clocks.filter(met_at__isnull=True, stopped_at__isnull=True)
    if event == "lodge":
        for clock in (admission_clock(complaint, at, calendar),):
            if clock:
                clock.save()
        if complaint.channel.answer_starts == ClockStartsAt.LODGED:
            clock = answer_clock(complaint, at, calendar)
            if clock:
                clock.save()
    elif event == "admit":
        running.filter(action=ClockAction.ADMISSION).update(met_at=at)
        if complaint.channel.answer_starts == ClockStartsAt.ADMITTED:
            clock = answer_clock(complaint, at, calendar)
            if clock:
                clock.save()
    elif event == "not_admit":
        # A decision not to admit is the admission decision; nothing else will come.
        running.filter(action=ClockAction.ADMISSION).update(met_at=at)
        running.update(stopped_at=at)
    elif event == "answer":
        # An answer is also the admission (a channel that answers has taken the complaint up).
        running.update(met_at=at)
    elif event in ("close", "withdraw"):
        running.update(stopped_at=at)


def recompute_provisional_complaint_clocks(*, calendar: WorkCalendar) -> int:
    """Like rights' recompute: clocks that relied on an unpublished year, once it is entered."""
    changed = 0
    for clock in ComplaintClock.objects.select_for_update().filter(provisional=True):
        _dates(clock, calendar)
        clock.save(update_fields=["due", "final_due", "statutory_due", "provisional"])
        changed += 1
    return changed
