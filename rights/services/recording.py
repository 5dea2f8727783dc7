"""Recording an event on a request: the one write path (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from deadlines.counting import local_day as local_date
from deadlines.workdays import WorkCalendar
from policies.models import work_calendar
from records.chain import file_digest

from ..clocks import project, snapshot_promises
from ..events import EVENT_ORDER, EVENTS, CaseEvent, event_label
from ..models import CLOSED_STATES, Evidence, ReminderSnooze, RightsRequest, TransitionLog
from .boundary import TransitionConflict, TransitionRefused, check_evidence, event_time, may_record, previous_moment
from .inputs import apply_inputs, clean_inputs


def _condition(request: RightsRequest, event: CaseEvent) -> str | None:
    """Why the event cannot be recorded in this request's situation beyond its state (None: it can)."""
    if event.name == "pause" and request.paused_since is not None:
        return _("The request is already paused (since %(day)s).") % {
            "day": local_date(request.paused_since).isoformat()
        }
    if event.name == "resume" and request.paused_since is None:
        return _("The request is not paused.")
    return None


def allowed_events(request: RightsRequest, user=None) -> list[str]:
    """The events this user may record on the request now, in the admin's button order."""
    return [
        name
        for name in EVENT_ORDER
        if request.state in EVENTS[name].sources
        and may_record(name, user)
        and _condition(request, EVENTS[name]) is None
    ]


def refusal_message(request: RightsRequest, name: str) -> str:
    allowed = ", ".join(event_label(name) for name in allowed_events(request)) or _("none")
    return _("Cannot “%(transition)s” request #%(id)s while it is “%(state)s”. Allowed now: %(allowed)s.") % {
        "transition": event_label(name),
        "id": request.pk,
        "state": request.get_state_display(),
        "allowed": allowed,
    }


def _checked(event: str, acting_user, at, now, note: str, inputs: dict, evidence: Iterable[Any]):
    """What every event passes before any lock: a known event, the person's permission, its time, its inputs and
    its evidence files."""
    spec = EVENTS.get(event)
    if spec is None or event == "file":
        raise TransitionRefused(
            _("Unknown event “%(name)s”; expected one of %(names)s.") % {"name": event, "names": ", ".join(EVENT_ORDER)}
        )
    if not may_record(spec, acting_user):
        raise TransitionRefused(_("You may not “%(transition)s” requests.") % {"transition": spec.label})
    now = now or timezone.now()
    calendar = work_calendar()
    at = event_time(at, now, calendar=calendar)
    values = clean_inputs(spec, inputs, note, now=now, calendar=calendar)
    return spec, at, now, values, check_evidence(evidence), calendar


def record_event_within(
    locked: RightsRequest, event: str, *, acting_user=None, at=None, now=None, note: str = "", evidence=(), **inputs
) -> TransitionLog:
    """The same event as record_event, with the same checks, on a request the caller has locked inside its own
    transaction (lodging a complaint with a regulator escalates the request in the lodging's transaction, so
    neither is recorded without the other). It runs in a savepoint: a refusal leaves the caller's work as it was."""
    spec, at, now, values, evidence, calendar = _checked(event, acting_user, at, now, note, inputs, evidence)
    with transaction.atomic():
        return apply_event(
            locked, spec, at=at, now=now, acting_user=acting_user, expected_state=None, values=values, evidence=evidence,
            calendar=calendar,
        )  # fmt: skip


def record_event(
    *,
    request: RightsRequest,
    event: str,
    acting_user=None,
    at: datetime | date | None = None,
    now: datetime | None = None,
    expected_state: str | None = None,
    note: str = "",
    evidence: Iterable[Any] = (),
    **inputs,
) -> RightsRequest:
    """Record one event on a request: the single write path (see the package's docstring)."""
    spec, at, now, values, evidence, calendar = _checked(event, acting_user, at, now, note, inputs, evidence)
    try:
        with transaction.atomic(durable=True):
            locked = RightsRequest.objects.locked_for_write().get(pk=request.pk)
            apply_event(
                locked, spec, at=at, now=now, acting_user=acting_user, expected_state=expected_state or request.state,
                values=values, evidence=evidence, calendar=calendar,
            )  # fmt: skip
    except ConcurrentTransition as error:
        raise TransitionConflict(
            _("Request #%(id)s was changed by someone else while you worked on it. Reload and try again.")
            % {"id": request.pk}
        ) from error
    return locked


def apply_event(
    locked: RightsRequest,
    spec: CaseEvent,
    *,
    at: datetime,
    now: datetime,
    acting_user,
    expected_state: str | None,
    values: dict,
    evidence: Iterable[Any] = (),
    calendar: WorkCalendar,
) -> TransitionLog:
    """The event on a request its caller has locked, inside the caller's transaction (for services that record
    a request event as part of a larger operation, such as lodging a complaint)."""
    if expected_state and locked.state != expected_state:
        raise TransitionConflict(
            _("Request #%(id)s was changed by someone else: it is now “%(state)s”. Reload and try again.")
            % {"id": locked.pk, "state": locked.get_state_display()}
        )
    if locked.state not in spec.sources:
        raise TransitionRefused(refusal_message(locked, spec.name))
    condition = _condition(locked, spec)
    if condition:
        raise TransitionRefused(condition)
    previous = previous_moment(locked.log)
    event_time(
        at, now, calendar=calendar, previous=previous, event=spec.label, case=_("request"), error=TransitionRefused
    )
    source = locked.state
    details = apply_inputs(locked, spec, values, at=at)
    if spec.changes_state:
        try:
            getattr(locked, spec.name)()
        except TransitionNotAllowed as error:
            raise TransitionRefused(refusal_message(locked, spec.name)) from error
        if spec.name == "submit":
            locked.submitted_at = at
            if not locked.promises:
                locked.promises = snapshot_promises(locked.app, locked.right, local_date(at))
        locked.closed_at = at if locked.state in CLOSED_STATES else None
    locked.save()
    note = values["note"] or (values.get("reason", "") if spec.name == "refuse" else "")
    files = [(item, file_digest(item)) for item in evidence]
    entry = TransitionLog(
        request=locked, transition=spec.name, source=source, target=locked.state, at=at, by=acting_user,
        note=note, details=details,
    )  # fmt: skip
    # The hash chain (README "Evidence and integrity"): under the request's row lock, so the previous row is final.
    entry.seal(files=[digest for _, digest in files])
    entry.save()
    for item, digest in files:
        Evidence.objects.create(
            request=locked, log_entry=entry, file=item, sha256=digest, uploaded_by=acting_user,
            description=getattr(item, "name", ""),
        )  # fmt: skip
    if spec.name == "snooze":
        ReminderSnooze.objects.create(
            request=locked, until=values["until"], reason=note[:300], created_by=acting_user, created_at=now
        )
    project(locked, calendar=calendar)
    return entry


def snooze_request(*, request, until: date, **kwargs):
    """No overdue reminders for the request up to and including `until` (the reminders' snooze link)."""
    return record_event(request=request, event="snooze", until=until, **kwargs)
