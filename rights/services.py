"""Business operations on rights requests: one function per operation, called by the admin, commands and tasks.

Each is keyword-only, takes `acting_user` (None: the system or the command line) and `now=None`, runs inside
`transaction.atomic()`, locks the request row and writes the audit log in the same transaction.
`at` is when the event really happened (backdated entries); `now` is when it is being recorded.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from policies.deadlines import SHANGHAI, compute_deadline
from policies.models import Action, App, ClockStart, Procedure, Right, promises_for, work_calendar
from policies.workdays import WorkCalendar

from .models import NOTE_REQUIRED, TRANSITIONS, Clock, Evidence, RightsRequest, State, TransitionLog


class RequestError(Exception):
    """A request operation that cannot be done; the message is for the person who asked."""


class TransitionRefused(RequestError):
    pass


class TransitionConflict(RequestError):
    """Someone else moved the request first."""


# ----------------------------------------------------------------------------------------------- clocks

# The events that start clocks, by transition.
STARTS = {
    # "在您主动注销账户之后": filing the cancellation is the user's act of cancelling the account.
    "submit": (ClockStart.RECEIPT, ClockStart.APPLICATION, ClockStart.ACCOUNT_CANCELLED),
    "acknowledge": (ClockStart.IDENTITY_VERIFIED,),  # accepted without asking for proof: identity taken as verified
    "verify_identity": (ClockStart.IDENTITY_VERIFIED,),
}


def start_clocks(*, request: RightsRequest, events: Iterable[str], at: datetime, calendar: WorkCalendar) -> list[Clock]:
    """Start the clocks of the promises (in force on the event's day) that these events start."""
    events = set(events)
    on = at.astimezone(SHANGHAI).date()
    started = {(c.procedure_id, c.action, c.clock_start) for c in request.clocks.all()}
    clocks = []
    for promise in promises_for(request.app, request.right, on):
        if promise.clock_start not in events:
            continue
        key = (promise.procedure.pk if promise.procedure else None, promise.action, promise.clock_start)
        if key in started:
            continue
        started.add(key)
        deadline = promise.deadline
        clock = Clock(
            request=request,
            procedure=promise.procedure,
            policy_version=promise.procedure.policy_version if promise.procedure else None,
            statutory_default=promise.cap,
            action=promise.action,
            clock_start=promise.clock_start,
            started_at=at,
            amount_min=deadline.min,
            amount_max=deadline.max,
            unit=deadline.unit,
            hedge=promise.procedure.hedge if promise.procedure else "",
            is_statutory=deadline.statutory is not None,
            exceeds_cap=deadline.exceeds_cap,
            quote=promise.procedure.quote if promise.procedure else promise.cap.clause,
            citation=promise.cap.citation if promise.cap else "",
            statutory_amount=promise.cap.amount if promise.cap else None,
            statutory_unit=promise.cap.unit if promise.cap else "",
        )
        compute_clock_dates(clock, calendar)
        clock.save()
        clocks.append(clock)
    return clocks


def compute_clock_dates(clock: Clock, calendar: WorkCalendar) -> None:
    """Civil Code arts. 201-203 on the clock's snapshot: expected, final and statutory last days."""
    expected = compute_deadline(clock.started_at, clock.amount_min, clock.unit, calendar)
    final = compute_deadline(clock.started_at, clock.amount_max, clock.unit, calendar)
    provisional = expected.provisional or final.provisional
    clock.due, clock.final_due = expected.last_day, final.last_day
    if clock.statutory_amount:
        statutory = compute_deadline(clock.started_at, clock.statutory_amount, clock.statutory_unit, calendar)
        clock.statutory_due = statutory.last_day
        provisional |= statutory.provisional
    clock.provisional = provisional


def recompute_provisional_clocks(*, calendar: WorkCalendar | None = None) -> int:
    """Recompute deadlines that relied on an unpublished year, once the year's schedule is entered."""
    calendar = calendar or work_calendar()
    changed = 0
    with transaction.atomic():
        for clock in Clock.objects.select_for_update().filter(provisional=True):
            compute_clock_dates(clock, calendar)
            clock.save(update_fields=["due", "final_due", "statutory_due", "provisional"])
            changed += 1
    return changed


def _meet(request: RightsRequest, at: datetime, *, actions: Iterable[str]) -> None:
    request.clocks.filter(met_at__isnull=True, stopped_at__isnull=True, action__in=list(actions)).update(met_at=at)


def _apply_clock_effects(request: RightsRequest, name: str, at: datetime, calendar: WorkCalendar) -> None:
    """What each transition does to the clocks (see README, "Clocks")."""
    if name in STARTS:
        start_clocks(request=request, events=STARTS[name], at=at, calendar=calendar)
    if name in ("acknowledge", "reply"):
        _meet(request, at, actions=[Action.REPLY])
    elif name in ("complete", "confirm"):
        _meet(request, at, actions=[Action.REPLY, Action.COMPLETION])
    elif name == "reopen":
        # It did not really happen: the completion promises were not kept after all.
        request.clocks.filter(action=Action.COMPLETION, stopped_at__isnull=True).update(met_at=None)
    elif name == "refuse":
        # A refusal with reasons is a reply (PIPL art. 50); nothing more will be completed.
        _meet(request, at, actions=[Action.REPLY])
        request.clocks.filter(met_at__isnull=True, stopped_at__isnull=True).update(stopped_at=at)
    elif name == "withdraw":
        request.clocks.filter(met_at__isnull=True, stopped_at__isnull=True).update(stopped_at=at)


# ---------------------------------------------------------------------------------------------- filing


def _event_time(at: datetime | date | None, now: datetime) -> datetime:
    if at is None:
        return now
    if not isinstance(at, datetime):
        at = datetime.combine(at, datetime.min.time())
    if timezone.is_naive(at):
        at = at.replace(tzinfo=SHANGHAI)
    if at > now:
        raise RequestError(_("An event cannot be dated in the future (%(at)s).") % {"at": at.isoformat()})
    return at


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
    """File a request; with `submit` (the default) it was sent to the app at `at` and its clocks start then."""
    now = now or timezone.now()
    at = _event_time(at, now)
    if right not in Right.values:
        raise RequestError(_("Unknown right %(right)r; expected one of %(rights)s.") % {"right": right, "rights": ", ".join(Right.values)})
    if not requester_name.strip():
        raise RequestError(_("The requester's name is required."))
    if procedure is None:
        procedure = default_procedure(app=app, right=right, on=at.astimezone(SHANGHAI).date())
    with transaction.atomic():
        request = RightsRequest(
            app=app,
            right=right,
            procedure=procedure,
            requester_name=requester_name.strip(),
            requester_contact=requester_contact.strip(),
            channel_used=channel_used,
            app_ticket_number=app_ticket_number,
            assignee=assignee,
            notes=notes,
            filed_at=at,
            created_by=acting_user,
        )
        try:
            request.full_clean(exclude=["state"])
        except ValidationError as error:
            raise RequestError("; ".join(error.messages)) from error
        request.save()
        TransitionLog.objects.create(
            request=request, transition="file", source=State.DRAFT, target=State.DRAFT, at=at, by=acting_user, note=notes
        )
    if submit:
        request = submit_request(request=request, acting_user=acting_user, at=at, now=now)
    return request


def default_procedure(*, app: App, right: str, on: date) -> Procedure | None:
    """The procedure a request of `right` follows by default: the right's own, else an "any request" one."""
    procedures = list(Procedure.objects.in_force(app, on).filter(right__in=[right, Right.ANY_REQUEST]))
    procedures.sort(key=lambda p: (p.right != right, p.action != Action.COMPLETION, p.deadline_min is None, p.pk))
    return procedures[0] if procedures else None


# ------------------------------------------------------------------------------------------ transitions


def _transitions_from_state(request: RightsRequest) -> set[str]:
    return {t.name for t in request.get_all_state_transitions() if t.source in (request.state, "*")}


def may_take(request: RightsRequest, name: str, user) -> bool:
    """The transition's permission alone (django-fsm's has_transition_perm also checks the conditions,
    which here are the inputs the person has yet to give)."""
    meta = getattr(request, name)._django_fsm
    return meta.has_transition_perm(request, request.state, user)


def allowed_transitions(request: RightsRequest, user=None) -> list[str]:
    """The transitions this user may take now, in the admin's button order."""
    # By source state only: the conditions (a refusal's reason, an escalation's regulator) are what the
    # person is asked for when they take the transition.
    available = _transitions_from_state(request)
    return [
        name
        for name in TRANSITIONS
        if name in available and (user is None or may_take(request, name, user))
    ]


def _move(
    request: RightsRequest,
    name: str,
    *,
    acting_user=None,
    note: str = "",
    at: datetime | date | None = None,
    now: datetime | None = None,
    expected_state: str | None = None,
    evidence: Iterable[Any] = (),
    prepare=None,
) -> RightsRequest:
    now = now or timezone.now()
    at = _event_time(at, now)
    note = (note or "").strip()
    if name in NOTE_REQUIRED and not note:
        raise TransitionRefused(_("“%(transition)s” needs a note saying why.") % {"transition": transition_label(name)})
    expected_state = expected_state or request.state
    try:
        with transaction.atomic():
            # Lock the row and re-read its state: two clerks cannot both win.
            locked = RightsRequest.objects.select_for_update().select_related("app").get(pk=request.pk)
            if locked.state != expected_state:
                raise TransitionConflict(
                    _("Request #%(id)s was changed by someone else: it is now “%(state)s”. Reload and try again.")
                    % {"id": locked.pk, "state": locked.get_state_display()}
                )
            source = locked.state
            method = getattr(locked, name, None)
            if name not in TRANSITIONS or method is None:
                raise TransitionRefused(_("Unknown transition “%(name)s”.") % {"name": name})
            # Permission first (an auditor is told so), but only for transitions this state has at all.
            possible = name in _transitions_from_state(locked)
            if acting_user is not None and possible and not may_take(locked, name, acting_user):
                raise TransitionRefused(_("You may not “%(transition)s” requests.") % {"transition": transition_label(name)})
            if prepare:
                prepare(locked)
            if name not in {t.name for t in locked.get_available_state_transitions()}:
                raise TransitionRefused(refusal_message(locked, name))
            method()
            if name == "submit":
                locked.submitted_at = at
            if locked.state in (State.CONFIRMED, State.REFUSED, State.WITHDRAWN, State.RESOLVED):
                locked.closed_at = at
            elif name in ("reopen", "escalate"):
                locked.closed_at = None
            locked.save()
            entry = TransitionLog.objects.create(
                request=locked, transition=name, source=source, target=locked.state, at=at, by=acting_user, note=note
            )
            _attach_evidence(locked, entry, evidence, acting_user)
            _apply_clock_effects(locked, name, at, work_calendar())
    except ConcurrentTransition as error:
        raise TransitionConflict(
            _("Request #%(id)s was changed by someone else while you worked on it. Reload and try again.") % {"id": request.pk}
        ) from error
    except TransitionNotAllowed as error:
        raise TransitionRefused(refusal_message(request, name)) from error
    return locked


def _attach_evidence(request, entry, files, acting_user) -> None:
    for item in files:
        Evidence.objects.create(
            request=request, log_entry=entry, file=item, uploaded_by=acting_user, description=getattr(item, "name", "")
        )


def transition_label(name: str) -> str:
    from .transitions import TRANSITION_LABELS

    return str(TRANSITION_LABELS.get(name, name))


def refusal_message(request: RightsRequest, name: str) -> str:
    if name == "refuse" and request.state in (State.SUBMITTED, State.AWAITING_IDENTITY, State.IN_PROGRESS):
        return _("A refusal needs the app's reason (PIPL art. 50 requires one).")
    if name == "escalate" and request.state in (
        State.SUBMITTED, State.AWAITING_IDENTITY, State.IN_PROGRESS, State.COMPLETED, State.REFUSED
    ):
        return _("An escalation needs the regulator it was lodged with.")
    allowed = ", ".join(allowed_transitions(request)) or _("none")
    return _("Cannot “%(transition)s” request #%(id)s while it is “%(state)s”. Allowed now: %(allowed)s.") % {
        "transition": transition_label(name),
        "id": request.pk,
        "state": request.get_state_display(),
        "allowed": allowed,
    }


def submit_request(*, request, acting_user=None, note="", at=None, now=None, expected_state=None, evidence=()):
    return _move(request, "submit", acting_user=acting_user, note=note, at=at, now=now, expected_state=expected_state, evidence=evidence)


def acknowledge_request(*, request, acting_user=None, note="", at=None, now=None, expected_state=None, evidence=()):
    return _move(request, "acknowledge", acting_user=acting_user, note=note, at=at, now=now, expected_state=expected_state, evidence=evidence)


def request_identity(*, request, acting_user=None, note="", at=None, now=None, expected_state=None, evidence=()):
    return _move(request, "request_identity", acting_user=acting_user, note=note, at=at, now=now, expected_state=expected_state, evidence=evidence)


def verify_identity(*, request, acting_user=None, note="", at=None, now=None, expected_state=None, evidence=()):
    return _move(request, "verify_identity", acting_user=acting_user, note=note, at=at, now=now, expected_state=expected_state, evidence=evidence)


def complete_request(*, request, acting_user=None, note="", at=None, now=None, expected_state=None, evidence=()):
    return _move(request, "complete", acting_user=acting_user, note=note, at=at, now=now, expected_state=expected_state, evidence=evidence)


def confirm_request(*, request, acting_user=None, note="", at=None, now=None, expected_state=None, evidence=()):
    return _move(request, "confirm", acting_user=acting_user, note=note, at=at, now=now, expected_state=expected_state, evidence=evidence)


def reopen_request(*, request, acting_user=None, note="", at=None, now=None, expected_state=None, evidence=()):
    return _move(request, "reopen", acting_user=acting_user, note=note, at=at, now=now, expected_state=expected_state, evidence=evidence)


def withdraw_request(*, request, acting_user=None, note="", at=None, now=None, expected_state=None, evidence=()):
    return _move(request, "withdraw", acting_user=acting_user, note=note, at=at, now=now, expected_state=expected_state, evidence=evidence)


def resolve_request(*, request, acting_user=None, note="", at=None, now=None, expected_state=None, evidence=()):
    return _move(request, "resolve", acting_user=acting_user, note=note, at=at, now=now, expected_state=expected_state, evidence=evidence)


def refuse_request(*, request, reason: str, acting_user=None, note="", at=None, now=None, expected_state=None, evidence=()):
    def prepare(locked):
        locked.refusal_reason = (reason or "").strip()

    return _move(request, "refuse", acting_user=acting_user, note=note or reason, at=at, now=now,
                 expected_state=expected_state, evidence=evidence, prepare=prepare)


def escalate_request(
    *, request, regulator: str, reference: str = "", acting_user=None, note="", at=None, now=None, expected_state=None, evidence=()
):
    def prepare(locked):
        locked.regulator = (regulator or "").strip()
        locked.regulator_reference = (reference or "").strip()

    return _move(request, "escalate", acting_user=acting_user, note=note, at=at, now=now,
                 expected_state=expected_state, evidence=evidence, prepare=prepare)


def record_reply(*, request, acting_user=None, note="", at=None, now=None, expected_state=None, evidence=()):
    """The app replied (without a change of state): the reply clocks are kept."""
    now = now or timezone.now()
    at = _event_time(at, now)
    with transaction.atomic():
        locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
        if expected_state and locked.state != expected_state:
            raise TransitionConflict(
                _("Request #%(id)s was changed by someone else: it is now “%(state)s”. Reload and try again.")
                % {"id": locked.pk, "state": locked.get_state_display()}
            )
        if locked.state not in (State.SUBMITTED, State.AWAITING_IDENTITY, State.IN_PROGRESS):
            raise TransitionRefused(
                _("A reply can only be recorded while the app owes one (the request is “%(state)s”).")
                % {"state": locked.get_state_display()}
            )
        entry = TransitionLog.objects.create(
            request=locked, transition="reply", source=locked.state, target=locked.state, at=at, by=acting_user, note=note
        )
        _attach_evidence(locked, entry, evidence, acting_user)
        _meet(locked, at, actions=[Action.REPLY])
    return locked


SERVICES = {
    "submit": submit_request,
    "acknowledge": acknowledge_request,
    "request_identity": request_identity,
    "verify_identity": verify_identity,
    "complete": complete_request,
    "confirm": confirm_request,
    "reopen": reopen_request,
    "refuse": refuse_request,
    "escalate": escalate_request,
    "resolve": resolve_request,
    "withdraw": withdraw_request,
}


def move_request(*, request, transition: str, acting_user=None, note: str = "", at=None, now=None,
                 expected_state=None, reason: str = "", regulator: str = "", reference: str = "", evidence=()):
    """Dispatch a transition by name (admin buttons, `requests move`)."""
    if transition == "reply":
        return record_reply(request=request, acting_user=acting_user, note=note, at=at, now=now,
                            expected_state=expected_state, evidence=evidence)
    service = SERVICES.get(transition)
    if service is None:
        raise TransitionRefused(
            _("Unknown transition “%(name)s”; expected one of %(names)s.") % {"name": transition, "names": ", ".join([*TRANSITIONS, "reply"])}
        )
    extra = {}
    if transition == "refuse":
        extra["reason"] = reason or note
    if transition == "escalate":
        extra.update(regulator=regulator, reference=reference)
    return service(request=request, acting_user=acting_user, note=note, at=at, now=now,
                   expected_state=expected_state, evidence=evidence, **extra)


def assign_request(*, request, assignee, acting_user=None, now=None) -> RightsRequest:
    with transaction.atomic():
        locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
        locked.assignee = assignee
        locked.save(update_fields=["assignee"])
        TransitionLog.objects.create(
            request=locked, transition="assign", source=locked.state, target=locked.state,
            at=now or timezone.now(), by=acting_user, note=str(assignee or "—"),
        )
    return locked
