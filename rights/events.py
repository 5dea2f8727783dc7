"""The case events: one declarative table that every part of RightsDesk derives from.

A request's record is the list of its events (TransitionLog rows). Each event here says which states it may be
recorded in, the state it leads to (None: the state stays), what the person must give, what it does to the
clocks, who may record it, its label, and whether it is grave (the admin asks for confirmation). The FSM
transitions on RightsRequest, the admin's buttons and forms, `requests move` and the history labels all read
this table; adding an event is one row here (and its clock effect in rights/clocks.py, if it has one) plus its
tests.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise as LazyText
from django.utils.translation import gettext_lazy as _

from policies.models import Action, ClockStart

from .states import ACTIVE_STATES, CLOSED_STATES, OPEN_STATES, State

# Who may record events: case workers hold the change permission; auditors only view (and so record nothing).
WORK = "rights.change_rightsrequest"
FILE = "rights.add_rightsrequest"

# Details of a request that the *amend* event may change (requester's side, not what the clocks started from).
AMENDABLE_FIELDS = {
    "requester_name": _("requester"),
    "requester_contact": _("requester contact"),
    "channel_used": _("channel used"),
    "app_ticket_number": _("app's ticket number"),
    "notes": _("notes"),
}

# Where the app still owes something: its replies and completions may be recorded. An escalated request is
# with a regulator, but the app's side goes on (the escalation is its own track).
APP_OWES = (*ACTIVE_STATES, State.ESCALATED)


@dataclass(frozen=True)
class CaseEvent:
    name: str
    label: LazyText
    sources: tuple[str, ...]  # states the event may be recorded in
    target: str | None = None  # the state it leads to; None: the state does not change
    inputs: tuple[str, ...] = ()  # what the person must give
    optional: tuple[str, ...] = ()  # what the person may give
    starts: tuple[str, ...] = ()  # clock starts (ClockStart) this event is
    meets: tuple[str, ...] = ()  # promised actions (Action) this event keeps
    permission: str = WORK
    grave: bool = False
    help: LazyText | str = ""
    # What the button that records it says: an imperative ("Amend"), where `label` names the event in the
    # history ("Amended"). Empty: the label already reads as an action ("Withdraw").
    button: LazyText | str = ""

    @property
    def button_label(self) -> LazyText | str:
        return self.button or self.label

    @property
    def changes_state(self) -> bool:
        return self.target is not None

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.inputs, *self.optional)


EVENTS: dict[str, CaseEvent] = {
    event.name: event
    for event in (
        CaseEvent(
            "file", _("Filed"), sources=(), target=State.DRAFT, permission=FILE,
            help=_("The request was recorded."),
        ),
        CaseEvent(
            "submit", _("Submit to the app"), sources=(State.DRAFT,), target=State.SUBMITTED,
            # "在您主动注销账户之后": sending the cancellation is the user's act of cancelling the account.
            starts=(ClockStart.RECEIPT, ClockStart.APPLICATION, ClockStart.ACCOUNT_CANCELLED),
        ),
        CaseEvent(
            "acknowledge", _("App acknowledged"), button=_("Record the acknowledgement"),
            sources=(State.SUBMITTED,), target=State.IN_PROGRESS,
            # Accepted without asking for proof: the identity is taken as verified.
            starts=(ClockStart.IDENTITY_VERIFIED,), meets=(Action.REPLY,),
        ),
        CaseEvent(
            "request_identity", _("App asked for identity proof"), button=_("Record the request for identity proof"),
            sources=(State.SUBMITTED,),
            target=State.AWAITING_IDENTITY,
        ),
        CaseEvent(
            "verify_identity", _("Identity verified"), button=_("Mark the identity verified"),
            sources=(State.AWAITING_IDENTITY,), target=State.IN_PROGRESS,
            starts=(ClockStart.IDENTITY_VERIFIED,),
        ),
        CaseEvent("reply", _("App replied"), button=_("Record the reply"), sources=APP_OWES, meets=(Action.REPLY,)),
        CaseEvent(
            "complete", _("App completed"), button=_("Record the completion"),
            sources=APP_OWES, target=State.COMPLETED,
            meets=(Action.REPLY, Action.COMPLETION),
        ),
        CaseEvent(
            "confirm", _("Requester confirmed"), button=_("Record the requester's confirmation"),
            sources=(State.COMPLETED,), target=State.CONFIRMED,
            meets=(Action.REPLY, Action.COMPLETION),
        ),
        CaseEvent(
            "reopen", _("Reopen"), sources=(State.COMPLETED, *CLOSED_STATES), target=State.IN_PROGRESS,
            inputs=("note",), help=_("It did not really happen: back to work, the original deadlines stand."),
        ),
        CaseEvent(
            "refuse", _("App refused"), button=_("Record the refusal"),
            sources=APP_OWES, target=State.REFUSED, inputs=("reason",), grave=True,
            help=_("PIPL art. 50: a refusal must state its reasons."),
        ),
        CaseEvent(
            "withdraw", _("Withdraw"), sources=(State.DRAFT, *ACTIVE_STATES, State.COMPLETED, State.ESCALATED),
            target=State.WITHDRAWN, inputs=("note",), grave=True,
        ),
        CaseEvent(
            "escalate", _("Escalate to a regulator"), sources=(*ACTIVE_STATES, State.COMPLETED, State.REFUSED),
            target=State.ESCALATED, inputs=("regulator",), optional=("reference",), grave=True,
        ),
        CaseEvent("resolve", _("Regulator resolved"), button=_("Record the regulator's decision"),
            sources=(State.ESCALATED,), target=State.RESOLVED),
        CaseEvent("assign", _("Assigned"), button=_("Assign"), sources=OPEN_STATES, optional=("assignee",)),
        CaseEvent(
            "amend", _("Amended"), button=_("Amend"), sources=OPEN_STATES, inputs=("field", "value"),
            help=_("Correct the requester's details; the history keeps the old and the new value."),
        ),
        CaseEvent(
            "extend", _("App extended the deadline"), button=_("Record the extension"),
            sources=APP_OWES, inputs=("until", "basis"), optional=("action",),
            help=_(
                "The app announced a later last day. Chinese law gives no general right to extend: without a legal "
                "basis the original last days still decide whether the promise was kept."
            ),
        ),
        CaseEvent(
            "pause", _("Paused: waiting for the requester"), button=_("Pause: wait for the requester"),
            sources=ACTIVE_STATES,
            help=_("The app asked the requester for something; the working days until the answer do not count."),
        ),
        CaseEvent("resume", _("Resumed: the requester answered"), button=_("Resume: the requester answered"),
            sources=ACTIVE_STATES),
        CaseEvent(
            "snooze", _("Reminders snoozed"), button=_("Snooze the reminders"),
            sources=OPEN_STATES, inputs=("until",),
            help=_("No overdue reminders up to and including this day."),
        ),
    )
}  # fmt: skip

# The order of the admin's buttons: the usual next steps first, the grave ones last.
EVENT_ORDER = (
    "submit", "acknowledge", "request_identity", "verify_identity", "reply", "complete", "confirm", "pause", "resume",
    "extend", "amend", "assign", "snooze", "reopen", "escalate", "resolve", "refuse", "withdraw",
)  # fmt: skip
STATE_EVENTS = tuple(name for name, event in EVENTS.items() if event.changes_state and name != "file")
GRAVE_EVENTS = frozenset(name for name, event in EVENTS.items() if event.grave)
EVENT_LABELS = {name: event.label for name, event in EVENTS.items()}
BUTTON_LABELS = {name: event.button_label for name, event in EVENTS.items()}


def event_label(name: str) -> str:
    event = EVENTS.get(name)
    return str(event.label) if event else name
