"""A request's mail, letters out and messages in, in the order they happened: `requests show --json` "mail"."""

from __future__ import annotations

from django.db.models import Q

from rights.models import RightsRequest

from .models import InboundMail, Letter, MailKind


def mail_rows(request: RightsRequest) -> list[tuple[dict, Letter | InboundMail]]:
    """Each row of `mail_of` with the letter or message it shows (the case page's panel adds its buttons)."""
    letters = list(Letter.objects.filter(request=request))
    bounced = set(
        InboundMail.objects.filter(letter__in=letters, kind=MailKind.BOUNCE).values_list("letter_id", flat=True)
    )
    rows = [
        (letter.sent_at, {
            "direction": "out", "at": letter.sent_at.isoformat(), "from": letter.sender, "to": letter.to,
            "subject": letter.subject, "message_id": letter.message_id, "kind": letter.kind, "auto": False,
            "delivered": letter.pk not in bounced, "complaint": letter.complaint_id,
        }, letter)
        for letter in letters
    ]  # fmt: skip
    # Threaded at ingest, or attached from triage by a person.
    inbound = InboundMail.objects.filter(Q(request=request) | Q(decision__request=request)).defer(
        "raw", "body_html", "headers"
    )
    rows += [
        (mail.received_at, {
            "direction": "in", "at": mail.received_at.isoformat(), "from": mail.sender, "to": mail.to,
            "subject": mail.subject, "message_id": mail.message_id, "kind": mail.kind, "auto": mail.auto,
            "complaint": mail.complaint_id, "proposed_event": mail.proposed_event or None,
            "authentication": mail.authentication or None,
        }, mail)
        for mail in inbound
    ]  # fmt: skip
    return [(row, item) for _at, row, item in sorted(rows, key=lambda triple: triple[0])]


def mail_of(request: RightsRequest) -> list[dict]:
    return [row for row, _item in mail_rows(request)]
