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

from complaints.admissibility import check_admissibility
from complaints.events import EVENTS_BY_NAME, FINAL_COMPLAINT_STATES, ComplaintState
from complaints.models import Complaint
from complaints.services import ComplaintError, lodge_within
from policies.models import work_calendar
from rights.models import RightsRequest, local_date
from rights.services import RequestError, may, may_record, record_event_within

from .letters import LetterError, draft_complaint_letter, draft_letter
from .models import Letter, LetterKind
from .tokens import reply_address


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "rightsdesk.invalid"


def _send(draft, *, reply_to: str, headers: dict) -> tuple[bytes, str]:
    """Hand the letter to the configured e-mail backend; the bytes as sent and their SHA-256."""
    message = EmailMessage(
        draft.subject, draft.body, from_email=settings.DESK_EMAIL, to=[draft.to], reply_to=[reply_to],
        headers=headers,
    )  # fmt: skip
    raw = message.message().as_bytes()
    try:
        message.send(fail_silently=False)
    except OSError as error:  # smtplib's errors and a refused connection are OSErrors
        raise LetterError(_("The letter was not sent: %(error)s") % {"error": error}) from None
    return raw, hashlib.sha256(raw).hexdigest()


def send_letter(*, request: RightsRequest, follow_up: bool = False, acting_user=None, now=None) -> Letter:
    """Send the request's letter (or, with `follow_up`, the 催办 on an overdue promise) and record it.

    The row is locked while the letter goes out, so two clerks cannot both send it; the send happens inside the
    transaction because the send *is* the event (the submit is dated the moment the server accepted the letter).
    A refused send (SMTP error) records nothing; the error is one line."""
    now = now or timezone.now()
    if not may_record("submit", acting_user):  # checked before the letter leaves, not after
        raise LetterError(_("You may not send letters: sending records the request's submission."))
    with transaction.atomic(durable=True):
        locked = RightsRequest.objects.locked_for_write().get(pk=request.pk)
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
        raw, sha256 = _send(draft, reply_to=reply_to, headers=headers)
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


def send_complaint(*, complaint: Complaint, acting_user=None, now=None) -> Letter:
    """Send a drafted complaint to the app by e-mail and record its lodging at that moment, the .eml as evidence
    (the request letter's rules: From the desk, Reply-To the complaint's token address, the Message-ID kept, the row
    locked while it goes out). Only a complaint to the app itself goes by e-mail; a regulator has its own channel."""
    now = now or timezone.now()
    if not may(acting_user, EVENTS_BY_NAME["lodge"].permission):
        raise LetterError(_("You may not send complaints: sending records the complaint's lodging."))
    with transaction.atomic(durable=True):
        # The complaints' lock order: the request first, then the complaint.
        locked_request = RightsRequest.objects.locked_for_write().get(pk=complaint.request_id)
        locked = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("request__app", "channel")
            .get(pk=complaint.pk)
        )
        if locked.channel.is_regulator:
            raise LetterError(
                _("Complaint #%(id)s goes to %(channel)s, not by e-mail to the app: lodge it there (%(how)s).")
                % {"id": locked.pk, "channel": locked.channel.name, "how": locked.channel.how_to_lodge}
            )
        if locked.state in FINAL_COMPLAINT_STATES:
            raise LetterError(
                _("Complaint #%(id)s is closed (%(state)s): no letter is sent.")
                % {"id": locked.pk, "state": locked.get_state_display()}
            )
        if locked.state != ComplaintState.DRAFTED:
            raise LetterError(
                _("Complaint #%(id)s was already sent (%(state)s).")
                % {"id": locked.pk, "state": locked.get_state_display()}
            )
        draft = draft_complaint_letter(locked, on=local_date(now))
        check = check_admissibility(
            request=locked_request, channel=locked.channel, on=local_date(now), calendar=work_calendar()
        )
        if not check.ok:  # before the letter leaves: a lodging the complaint would refuse sends nothing
            raise LetterError(check.refusal())
        reply_to = reply_address(locked.pk, "complaint")
        message_id = make_msgid(domain=_domain(settings.DESK_EMAIL))
        raw, sha256 = _send(
            draft, reply_to=reply_to, headers={"Message-ID": message_id, "Date": formatdate(now.timestamp())}
        )
        letter = Letter.objects.create(
            request=locked_request, complaint=locked, kind=LetterKind.COMPLAINT, message_id=message_id,
            sender=settings.DESK_EMAIL, to=draft.to, reply_to=reply_to, subject=draft.subject, sent_at=now,
            eml=ContentFile(raw, name="complaint.eml"), sha256=sha256, sent_by=acting_user,
        )  # fmt: skip
        try:
            lodge_within(
                locked, locked_request, acting_user=acting_user, at=now, now=now,
                note=_("Sent by e-mail to %(to)s, Message-ID %(id)s, SHA-256 %(sha)s")
                % {"to": draft.to, "id": message_id, "sha": sha256},
                evidence=[ContentFile(raw, name=f"complaint-{locked.pk}.eml")],
            )  # fmt: skip
        except ComplaintError as error:
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
