"""Confirming the event the desk proposed for a reply, in one click (the case page's mail panel).

A reply never moves a clock by itself (what it means needs a person): the person's click records the proposed event
through the tracks' one write path (rights.services.record_event, complaints.services.record_complaint_event), at the
moment the message arrived, with the message as received (.eml) as evidence and its Message-ID and SHA-256 in the
note. The history row is the record of the confirmation: a reply whose Message-ID a row of its case names is
confirmed, and is not offered again."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from complaints.events import EVENTS_BY_NAME as COMPLAINT_EVENTS
from complaints.services import ComplaintError, record_complaint_event
from complaints.services import allowed_events as complaint_events
from rights.services import RequestError, allowed_events, may, may_record, record_event

from .models import InboundMail


class ConfirmError(Exception):
    """One line for people."""


def may_confirm(mail: InboundMail, user) -> bool:
    """Whether `user` may record this reply's proposed event at all (its permission; not the case's state)."""
    if not mail.proposed_event:
        return False
    if mail.complaint_id:
        event = COMPLAINT_EVENTS.get(mail.proposed_event)
        return event is not None and may(user, event.permission)
    return may_record(mail.proposed_event, user)


def note_for(mail: InboundMail) -> str:
    return _("Confirmed from the reply of %(sender)s, Message-ID %(id)s, SHA-256 %(sha)s") % {
        "sender": mail.sender,
        "id": mail.message_id,
        "sha": mail.sha256,
    }


def confirmed(mail: InboundMail, notes) -> bool:
    return any(mail.message_id in note for note in notes)


def offered(mail: InboundMail, user, *, notes) -> bool:
    """Whether the case page offers the button: a proposal not yet confirmed that the case allows now."""
    if not may_confirm(mail, user) or confirmed(mail, notes):
        return False
    if mail.complaint_id:
        return mail.proposed_event in complaint_events(mail.complaint, user)
    return mail.proposed_event in allowed_events(mail.request, user)


def confirm_proposed(*, mail: InboundMail, acting_user=None, expected_state: str | None = None, now=None):
    """Record the reply's proposed event on its request (or complaint); the case as it is afterwards."""
    if not mail.proposed_event or mail.request_id is None:
        raise ConfirmError(_("Message %(id)s proposes no event.") % {"id": mail.message_id})
    case = mail.complaint if mail.complaint_id else mail.request
    if confirmed(mail, case.log.values_list("note", flat=True)):
        raise ConfirmError(_("The event of message %(id)s was already recorded.") % {"id": mail.message_id})
    note = note_for(mail)
    evidence = [ContentFile(bytes(mail.raw), name=f"reply-{mail.pk}.eml")]
    excerpt = " ".join(mail.body_text.split())[:2000] or mail.subject
    try:
        if mail.complaint_id:
            # The app's answer to a complaint needs its content in the note.
            return record_complaint_event(
                complaint=mail.complaint, event=mail.proposed_event, acting_user=acting_user, at=mail.received_at,
                now=now, expected_state=expected_state, note=f"{note}\n{excerpt}", evidence=evidence,
            )  # fmt: skip
        inputs = {"reason": excerpt} if mail.proposed_event == "refuse" else {}  # PIPL art. 50: its reasons
        return record_event(
            request=mail.request, event=mail.proposed_event, acting_user=acting_user, at=mail.received_at, now=now,
            expected_state=expected_state, note=note, evidence=evidence, **inputs,
        )  # fmt: skip
    except (RequestError, ComplaintError) as error:
        raise ConfirmError(str(error)) from None
