"""Triage: the messages no token and no thread claimed, and what a person decides about each (attach it to a
request, or discard it). A decision is a record of its own; the message is never changed."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rights.models import RightsRequest
from rights.services import may

from .models import InboundMail, MailKind, TriageDecision


class TriageError(Exception):
    """One line for people."""


def unmatched():
    """The messages waiting in triage, oldest first."""
    return (
        InboundMail.objects.filter(kind=MailKind.UNMATCHED, decision__isnull=True)
        .defer("raw", "body_html", "body_text", "headers")
        .order_by("received_at", "id")
    )


def decide(*, mail: InboundMail, request: RightsRequest | None, acting_user=None, now=None) -> TriageDecision:
    """Attach an unmatched message to `request`, or discard it (`request` None)."""
    if not may(acting_user, "correspondence.add_triagedecision"):
        raise TriageError(_("You may not sort received mail."))
    if mail.kind != MailKind.UNMATCHED:
        raise TriageError(_("Message %(id)s is not in triage.") % {"id": mail.message_id})
    try:
        with transaction.atomic():
            return TriageDecision.objects.create(mail=mail, request=request, at=now or timezone.now(), by=acting_user)
    except IntegrityError:
        raise TriageError(_("Message %(id)s was already sorted.") % {"id": mail.message_id}) from None


def triage_rows() -> list[dict]:
    return [
        {
            "message_id": mail.message_id,
            "from": mail.sender,
            "subject": mail.subject if not mail.unreadable else "(unreadable)",
            "received_at": mail.received_at.isoformat(),
            "suggested_request": mail.suggested_request_id,
        }
        for mail in unmatched()
    ]
