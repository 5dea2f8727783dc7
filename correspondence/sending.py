"""Sending a letter to the app: the request letter (recorded as the request's *submit* event at the moment it is
sent, with the .eml as evidence) and the follow-up (催办) in the same thread."""

from __future__ import annotations

import hashlib
from email.utils import formatdate, make_msgid, parseaddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rights.models import RightsRequest, local_date
from rights.services import RequestError, may_record, record_event_within

from .letters import LetterError, draft_letter
from .models import Letter, LetterKind
from .tokens import reply_address


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "rightsdesk.invalid"


def send_letter(*, request: RightsRequest, follow_up: bool = False, acting_user=None, now=None) -> Letter:
    """Send the request's letter (or, with `follow_up`, the 催办 on an overdue promise) and record it.

    The row is locked while the letter goes out, so two clerks cannot both send it; the send happens inside the
    transaction because the send *is* the event (the submit is dated the moment the server accepted the letter).
    A refused send (SMTP error) records nothing; the error is one line."""
    now = now or timezone.now()
    if not may_record("submit", acting_user):  # checked before the letter leaves, not after
        raise LetterError(_("You may not send letters: sending records the request's submission."))
    with transaction.atomic(durable=True):
        locked = RightsRequest.objects.select_for_update().select_related("app").get(pk=request.pk)
        if locked.is_closed:
            raise LetterError(
                _("Request #%(id)s is closed (%(state)s): no letter is sent.")
                % {"id": locked.pk, "state": locked.get_state_display()}
            )
        previous = locked.letters.order_by("-sent_at", "-id").first()
        if not follow_up and locked.state != "draft":
            raise LetterError(
                _("Request #%(id)s was already sent (%(state)s); a follow-up needs --follow-up.")
                % {"id": locked.pk, "state": locked.get_state_display()}
            )
        if follow_up and locked.state == "draft":
            raise LetterError(_("Request #%(id)s has not been sent yet: send it first.") % {"id": locked.pk})
        draft = draft_letter(locked, on=local_date(now), follow_up=follow_up)
        reply_to = reply_address(locked.pk)
        message_id = make_msgid(domain=_domain(settings.DESK_EMAIL))
        headers = {"Message-ID": message_id, "Date": formatdate(now.timestamp())}
        if follow_up and previous is not None:
            thread = [letter.message_id for letter in locked.letters.order_by("sent_at", "id")]
            headers |= {"In-Reply-To": previous.message_id, "References": " ".join(thread)}
        message = EmailMessage(
            draft.subject, draft.body, from_email=settings.DESK_EMAIL, to=[draft.to], reply_to=[reply_to],
            headers=headers,
        )  # fmt: skip
        raw = message.message().as_bytes()
        try:
            message.send(fail_silently=False)
        except OSError as error:  # smtplib's errors and a refused connection are OSErrors
            raise LetterError(_("The letter was not sent: %(error)s") % {"error": error}) from None
        sha256 = hashlib.sha256(raw).hexdigest()
        letter = Letter.objects.create(
            request=locked, kind=LetterKind.FOLLOW_UP if follow_up else LetterKind.REQUEST, message_id=message_id,
            in_reply_to=headers.get("In-Reply-To", ""), sender=settings.DESK_EMAIL, to=draft.to, reply_to=reply_to,
            subject=draft.subject, sent_at=now, eml=ContentFile(raw, name="letter.eml"), sha256=sha256,
            sent_by=acting_user,
        )  # fmt: skip
        if not follow_up:
            try:
                record_event_within(
                    locked, "submit", acting_user=acting_user, at=now, now=now,
                    note=_("Sent by e-mail to %(to)s, Message-ID %(id)s, SHA-256 %(sha)s")
                    % {"to": draft.to, "id": message_id, "sha": sha256},
                    evidence=[ContentFile(raw, name=f"request-{locked.pk}-letter.eml")],
                )  # fmt: skip
            except RequestError as error:
                raise LetterError(str(error)) from None
    return letter


def letter_as_dict(letter: Letter) -> dict:
    return {
        "message_id": letter.message_id,
        "to": letter.to,
        "reply_to": letter.reply_to,
        "subject": letter.subject,
        "sent_at": letter.sent_at.isoformat(),
    }
