"""The complaint's events, declared once: the state machine, the service, the admin's buttons and forms, the
command line and the labels are all derived from this table (adding an event is one row and its tests).

Same rules as the request's event log (issue 8): every event is one history row, recorded by
`complaints.services.record_complaint_event`, which checks the permission, the state the person saw and the
event's time before anything is written.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintState(models.TextChoices):
    DRAFTED = "drafted", _("Drafted")
    LODGED = "lodged", _("Lodged")
    ADMITTED = "admitted", _("Admitted")
    NOT_ADMITTED = "not_admitted", _("Not admitted")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = ComplaintState
# The channel owes a decision or an answer: complaint clocks run, overdue is possible.
ACTIVE_COMPLAINT_STATES = (S.LODGED, S.ADMITTED)
FINAL_COMPLAINT_STATES = (S.CLOSED, S.WITHDRAWN)

WORK = "complaints.change_complaint"


@dataclass(frozen=True)
class ComplaintEvent:
    name: str
    sources: tuple[str, ...]  # states it may start from; () = creates the complaint
    target: str | None  # the state it leads to; None = the state does not change
    label: str
    inputs: tuple[str, ...] = ()  # required: "note", "reason", "reference"
    optional: tuple[str, ...] = ()  # offered: "note", "reference", "satisfied", "evidence"
    permission: str = WORK
    grave: bool = False  # the admin asks for confirmation
    offered: bool = True  # a button in the admin and a `complaints move` event; False: recorded by the system
    regulator_only: bool = False  # the app itself has no admission step


EVENTS: tuple[ComplaintEvent, ...] = (
    ComplaintEvent("draft", (), S.DRAFTED, _("Drafted"), optional=("note",), offered=False),
    ComplaintEvent("lodge", (S.DRAFTED,), S.LODGED, _("Lodged"), optional=("reference", "note", "evidence")),
    ComplaintEvent(
        "admit", (S.LODGED,), S.ADMITTED, _("Admitted"), optional=("reference", "note", "evidence"), regulator_only=True
    ),
    ComplaintEvent(
        "not_admit", (S.LODGED,), S.NOT_ADMITTED, _("Not admitted"), inputs=("reason",), optional=("evidence",), grave=True,
        regulator_only=True,
    ),
    ComplaintEvent(
        "answer", (S.LODGED, S.ADMITTED), S.ANSWERED, _("Answered"), inputs=("note",), optional=("satisfied", "evidence")
    ),
    ComplaintEvent(
        "close", (S.LODGED, S.ADMITTED, S.NOT_ADMITTED, S.ANSWERED), S.CLOSED, _("Closed"), inputs=("note",), grave=True
    ),
    ComplaintEvent("withdraw", (S.DRAFTED, S.LODGED, S.ADMITTED), S.WITHDRAWN, _("Withdrawn"), inputs=("note",), grave=True),
    # After a regulator complaint is lodged, the request's own escalation (rights.services) is attempted and its
    # outcome recorded here, so the complaint's history says whether the request's record followed.
    ComplaintEvent(
        "request_escalated", tuple(S.values), None, _("Request escalated"), optional=("note",), offered=False
    ),
    ComplaintEvent(
        "request_not_escalated", tuple(S.values), None, _("Request's escalation not recorded"), optional=("note",), offered=False
    ),
)
EVENTS_BY_NAME = {event.name: event for event in EVENTS}
OFFERED_EVENTS = tuple(event.name for event in EVENTS if event.offered)

# Labels of the inputs, for forms and one-line refusals.
INPUT_LABELS = {
    "note": _("note"),
    "reason": _("reason"),
    "reference": _("reference"),
    "satisfied": _("the requester is satisfied with the answer"),
    "evidence": _("evidence files"),
}
