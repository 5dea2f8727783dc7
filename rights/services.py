"""Business operations on rights requests: the one write path.

Every change to a request is an event of the table in rights/events.py, recorded by `record_event`: permission
first (an auditor can record nothing), then one durable transaction that locks the row, checks the state the
person saw and the event's time, writes one history row with its evidence and details, and replays the clocks
(rights/clocks.py). Nothing is half-written on a refusal. The admin, the commands, the desk and the tasks all call
`record_event` with the event's name and inputs; filing (`file_request`) is one transaction too.

`at` is when the event really happened (backdated entries); `now` is when it is being recorded. `acting_user`
None is the system (commands without --by, tasks), which may record every event.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from config.text import control_character_error, length_error
from policies.deadlines import SHANGHAI
from policies.models import Action, App, Procedure, Right, work_calendar
from policies.workdays import WorkCalendar, supported_years

from .clocks import local_day, project, rebuild, snapshot_promises
from .events import AMENDABLE_FIELDS, EVENT_ORDER, EVENTS, CaseEvent, event_label
from .models import CLOSED_STATES, Evidence, ReminderSnooze, RightsRequest, State, TransitionLog, local_minute


class RequestError(Exception):
    """A request operation that cannot be done; the message (one line) is for the person who asked."""


class TransitionRefused(RequestError):
    pass


class TransitionConflict(RequestError):
    """Someone else moved the request first."""


# --------------------------------------------------------------------------------------------- boundaries

# Line breaks and tabs are text; every other control character (NUL included) is a paste accident or an attack.
_ALLOWED_CONTROLS = {"\n", "\t"}


def clean_text(value: Any, *, label: str, max_length: int | None = None, multiline: bool = False) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").strip()
    problem = control_character_error(text, label, _ALLOWED_CONTROLS if multiline else ()) or length_error(
        text, label, max_length
    )
    if problem:
        raise RequestError(problem)
    return text


def check_in_calendar(day: date, *, calendar: WorkCalendar, now: datetime) -> None:
    years = supported_years(this_year=local_day(now).year, entered_years=calendar.entered_years)
    if day.year not in years:
        raise RequestError(
            _("%(day)s is outside the working-day calendar: dates from %(first)d to %(last)d are supported.")
            % {"day": day.isoformat(), "first": years.start, "last": years.stop - 1}
        )


def event_time(at: datetime | date | None, now: datetime, *, calendar: WorkCalendar) -> datetime:
    """When the event happened: now, or a backdated moment (Asia/Shanghai when naive), never in the future and
    never outside the years the calendar can count."""
    if at is None:
        return now
    if not isinstance(at, datetime):
        at = datetime.combine(at, datetime.min.time())
    check_in_calendar(at.date(), calendar=calendar, now=now)
    if timezone.is_naive(at):
        at = at.replace(tzinfo=SHANGHAI)
    if at > now:
        raise RequestError(
            _("An event cannot be dated in the future (%(at)s).") % {"at": local_minute(at)}
        )
    return at


def _parse_day(value: Any, *, label: str) -> date:
    if isinstance(value, datetime):
        return local_day(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value, label=label)
    try:
        if not text.isascii():
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise RequestError(_("%(field)s must be a date such as 2026-10-30, not %(value)r.") % {"field": label, "value": text}) from None


# ------------------------------------------------------------------------------------------- permissions


def may_record(event: CaseEvent | str, user) -> bool:
    """Whether `user` may record the event at all (None: the system, which may)."""
    event = EVENTS[event] if isinstance(event, str) else event
    return user is None or (user.is_active and user.has_perm(event.permission))


def _condition(request: RightsRequest, event: CaseEvent) -> str | None:
    """Why the event cannot be recorded in this request's situation beyond its state (None: it can)."""
    if event.name == "pause" and request.paused_since is not None:
        return _("The request is already paused (since %(day)s).") % {"day": f"{request.paused_since.astimezone(SHANGHAI):%Y-%m-%d}"}
    if event.name == "resume" and request.paused_since is None:
        return _("The request is not paused.")
    return None


def allowed_events(request: RightsRequest, user=None) -> list[str]:
    """The events this user may record on the request now, in the admin's button order."""
    return [
        name
        for name in EVENT_ORDER
        if request.state in EVENTS[name].sources and may_record(name, user) and _condition(request, EVENTS[name]) is None
    ]


def refusal_message(request: RightsRequest, name: str) -> str:
    allowed = ", ".join(allowed_events(request)) or _("none")
    return _("Cannot “%(transition)s” request #%(id)s while it is “%(state)s”. Allowed now: %(allowed)s.") % {
        "transition": event_label(name),
        "id": request.pk,
        "state": request.get_state_display(),
        "allowed": allowed,
    }


# ------------------------------------------------------------------------------------------------- inputs


def _clean_inputs(event: CaseEvent, inputs: dict, note: str, *, now: datetime, calendar: WorkCalendar) -> dict:
    """The event's inputs, checked and normalised; a missing or malformed one is refused in one line."""
    values: dict[str, Any] = {"note": clean_text(note, label=_("Note"), max_length=10_000, multiline=True)}
    required = set(event.inputs)
    for name in event.fields:
        raw = inputs.get(name)
        if name == "note":
            continue
        if name == "reason":
            values[name] = clean_text(raw, label=_("The app's reason"), max_length=10_000, multiline=True)
        elif name in ("regulator", "reference", "basis"):
            labels = {"regulator": _("Regulator"), "reference": _("Regulator's reference"), "basis": _("Legal basis")}
            limit = {"regulator": 200, "reference": 100, "basis": 300}[name]
            values[name] = clean_text(raw, label=labels[name], max_length=limit)
        elif name == "until":
            values[name] = None if raw in (None, "") else _parse_day(raw, label=_("Until"))
            if values[name] is not None:
                check_in_calendar(values[name], calendar=calendar, now=now)
        elif name == "field":
            values[name] = clean_text(raw, label=_("Field"))
            if values[name] and values[name] not in AMENDABLE_FIELDS:
                raise TransitionRefused(
                    _("Only these details can be amended: %(fields)s.") % {"fields": ", ".join(AMENDABLE_FIELDS)}
                )
        elif name == "value":
            values[name] = raw if raw is None else str(raw)
        elif name == "action":
            values[name] = clean_text(raw, label=_("Promised action"))
            if values[name] and values[name] not in Action.values:
                raise TransitionRefused(_("Unknown promised action %(action)r.") % {"action": values[name]})
        elif name == "assignee":
            values[name] = raw
    missing = [name for name in required if name == "note" and not values["note"] or name != "note" and values.get(name) in (None, "")]
    if missing:
        raise TransitionRefused(_missing_message(event, missing[0]))
    return values


def _missing_message(event: CaseEvent, name: str) -> str:
    messages = {
        "reason": _("A refusal needs the app's reason (PIPL art. 50 requires one)."),
        "regulator": _("An escalation needs the regulator it was lodged with."),
        "note": _("“%(transition)s” needs a note saying why.") % {"transition": event.label},
        "until": _("“%(transition)s” needs a day (until when).") % {"transition": event.label},
        "basis": _("An extension needs its legal basis, or “none” when the app gave none."),
        "field": _("Say which detail to amend."),
        "value": _("Give the new value."),
    }
    return messages.get(name, _("“%(transition)s” needs %(input)s.") % {"transition": event.label, "input": name})


# -------------------------------------------------------------------------------------------- the service


def _checked(event: str, acting_user, at, now, note: str, inputs: dict):
    """What every event passes before any lock: a known event, the person's permission, its time, its inputs."""
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
    return spec, at, now, _clean_inputs(spec, inputs, note, now=now, calendar=calendar), calendar


def record_event_within(
    locked: RightsRequest, event: str, *, acting_user=None, at=None, now=None, note: str = "", evidence=(), **inputs
) -> TransitionLog:
    """The same event as record_event, with the same checks, on a request the caller has locked inside its own
    transaction (lodging a complaint with a regulator escalates the request in the lodging's transaction, so
    neither is recorded without the other). It runs in a savepoint: a refusal leaves the caller's work as it was."""
    spec, at, now, values, calendar = _checked(event, acting_user, at, now, note, inputs)
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
    """Record one event on a request: the single write path (see the module's docstring)."""
    spec, at, now, values, calendar = _checked(event, acting_user, at, now, note, inputs)
    try:
        with transaction.atomic(durable=True):
            locked = RightsRequest.objects.select_for_update().select_related("app").get(pk=request.pk)
            apply_event(
                locked, spec, at=at, now=now, acting_user=acting_user, expected_state=expected_state or request.state,
                values=values, evidence=evidence, calendar=calendar,
            )  # fmt: skip
    except ConcurrentTransition as error:
        raise TransitionConflict(
            _("Request #%(id)s was changed by someone else while you worked on it. Reload and try again.") % {"id": request.pk}
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
    previous = locked.log.order_by("-at", "-id").values_list("at", flat=True).first()
    if previous is not None and at < previous:
        raise TransitionRefused(
            _("“%(transition)s” cannot be dated %(at)s: the request's previous event happened at %(previous)s.")
            % {
                "transition": spec.label,
                "at": local_minute(at),
                "previous": local_minute(previous),
            }
        )
    source = locked.state
    details = _apply_inputs(locked, spec, values, at=at)
    if spec.changes_state:
        try:
            getattr(locked, spec.name)()
        except TransitionNotAllowed as error:
            raise TransitionRefused(refusal_message(locked, spec.name)) from error
        if spec.name == "submit":
            locked.submitted_at = at
            if not locked.promises:
                locked.promises = snapshot_promises(locked.app, locked.right, local_day(at))
        locked.closed_at = at if locked.state in CLOSED_STATES else None
    locked.save()
    note = values["note"] or (values.get("reason", "") if spec.name == "refuse" else "")
    entry = TransitionLog.objects.create(
        request=locked, transition=spec.name, source=source, target=locked.state, at=at, by=acting_user,
        note=note, details=details,
    )  # fmt: skip
    for item in evidence:
        Evidence.objects.create(
            request=locked, log_entry=entry, file=item, uploaded_by=acting_user, description=getattr(item, "name", "")
        )
    if spec.name == "snooze":
        ReminderSnooze.objects.create(
            request=locked, until=values["until"], reason=note[:300], created_by=acting_user, created_at=now
        )
    project(locked, calendar=calendar)
    return entry


def _apply_inputs(locked: RightsRequest, spec: CaseEvent, values: dict, *, at: datetime) -> dict:
    """Write the event's inputs onto the request where they belong; return the history row's details."""
    match spec.name:
        case "refuse":
            locked.refusal_reason = values["reason"]
            return {"reason": values["reason"]}
        case "escalate":
            locked.regulator, locked.regulator_reference = values["regulator"], values.get("reference", "")
            return {"regulator": locked.regulator, "reference": locked.regulator_reference}
        case "reopen":
            locked.refusal_reason = ""
            return {}
        case "assign":
            assignee = values.get("assignee")
            if assignee is not None and not isinstance(assignee, get_user_model()):
                assignee = get_user_model().objects.filter(pk=assignee).first()
            if assignee is not None and not (assignee.is_active and assignee.is_staff):
                raise TransitionRefused(_("Requests can only be assigned to active staff members."))
            if assignee == locked.assignee:
                raise TransitionRefused(_("The assignee did not change."))
            old = locked.assignee
            locked.assignee = assignee
            return {
                "old": old.get_username() if old else None,
                "new": assignee.get_username() if assignee else None,
            }
        case "amend":
            name = values["field"]
            field = RightsRequest._meta.get_field(name)
            label = str(AMENDABLE_FIELDS[name])
            new = clean_text(values["value"], label=label, max_length=field.max_length, multiline=name == "notes")
            if name == "requester_name" and not new:
                raise TransitionRefused(_("The requester's name is required."))
            old = getattr(locked, name)
            if new == old:
                raise TransitionRefused(_("%(field)s is already “%(value)s”.") % {"field": label, "value": new})
            setattr(locked, name, new)
            return {"field": name, "old": old, "new": new}
        case "extend":
            until = values["until"]
            if until <= local_day(at):
                raise TransitionRefused(_("An extension must name a later last day than the day it was announced."))
            return {"until": until.isoformat(), "basis": values["basis"], "action": values.get("action", "")}
        case "snooze":
            if values["until"] < local_day(at):
                raise TransitionRefused(_("A snooze must last until today or later."))
            return {"until": values["until"].isoformat()}
    return {}


# ---------------------------------------------------------------------------------------------- filing


def file_request(
    *,
    app: App,
    right: str,
    requester_name: str,
    requester_contact: str = "",
    channel_used: str = "",
    app_ticket_number: str = "",
    procedure: Procedure | None = None,
    assignee=None,
    notes: str = "",
    submit: bool = True,
    at: datetime | date | None = None,
    acting_user=None,
    now: datetime | None = None,
) -> RightsRequest:
    """File a request; with `submit` (the default) it was sent to the app at `at` and its clocks start then.
    One transaction: a refused filing leaves nothing behind."""
    if not may_record("file", acting_user) or (submit and not may_record("submit", acting_user)):
        raise TransitionRefused(_("You may not file requests."))
    now = now or timezone.now()
    calendar = work_calendar()
    at = event_time(at, now, calendar=calendar)
    if right not in Right.values:
        raise RequestError(_("Unknown right %(right)r; expected one of %(rights)s.") % {"right": right, "rights": ", ".join(Right.values)})
    fields = {
        "requester_name": clean_text(requester_name, label=_("Requester"), max_length=200),
        "requester_contact": clean_text(requester_contact, label=_("Requester contact"), max_length=200),
        "channel_used": clean_text(channel_used, label=_("Channel used"), max_length=300),
        "app_ticket_number": clean_text(app_ticket_number, label=_("App's ticket number"), max_length=100),
        "notes": clean_text(notes, label=_("Notes"), max_length=10_000, multiline=True),
    }
    if not fields["requester_name"]:
        raise RequestError(_("The requester's name is required."))
    if procedure is None:
        procedure = default_procedure(app=app, right=right, on=local_day(at))
    elif procedure.policy_version.app_id != app.pk:
        raise RequestError(_("The procedure belongs to another app's policy."))
    with transaction.atomic(durable=True):
        request = RightsRequest.objects.create(
            app=app, right=right, procedure=procedure, assignee=assignee, filed_at=at, created_by=acting_user, **fields
        )
        TransitionLog.objects.create(
            request=request, transition="file", source=State.DRAFT, target=State.DRAFT, at=at, by=acting_user,
            note=fields["notes"],
        )  # fmt: skip
        if submit:
            apply_event(
                request, EVENTS["submit"], at=at, now=now, acting_user=acting_user, expected_state=State.DRAFT,
                values={"note": ""}, calendar=calendar,
            )  # fmt: skip
    return request


def default_procedure(*, app: App, right: str, on: date) -> Procedure | None:
    """The procedure a request of `right` follows by default: the right's own, else an "any request" one."""
    procedures = list(Procedure.objects.in_force(app, on).filter(right__in=[right, Right.ANY_REQUEST]))
    procedures.sort(key=lambda p: (p.right != right, p.action != Action.COMPLETION, p.deadline_min is None, p.pk))
    return procedures[0] if procedures else None


# ------------------------------------------------------------------------------------- named operations


def snooze_request(*, request, until: date, **kwargs):
    """No overdue reminders for the request up to and including `until` (the reminders' snooze link)."""
    return record_event(request=request, event="snooze", until=until, **kwargs)


# -------------------------------------------------------------------------------- calendar corrections


def recompute_after_calendar_change(days: Iterable[date]) -> int:
    """Replay the requests whose clocks a change of these calendar days could move; returns how many changed."""
    from .clocks import affected_by_calendar_day

    requests = RightsRequest.objects.none()
    for day in sorted(set(days)):
        requests = requests | affected_by_calendar_day(day)
    ids = RightsRequest.objects.filter(pk__in=requests.values("pk"))
    return len(rebuild(ids))


def recompute_provisional_clocks(*, calendar: WorkCalendar | None = None) -> int:
    """Replay the requests whose deadlines relied on an unpublished year."""
    return len(rebuild(RightsRequest.objects.filter(clocks__provisional=True).distinct(), calendar=calendar))
