"""Receiving a message (`mail ingest`, `mail fetch`: one code path). The raw bytes are kept, append-only, with
their SHA-256; what was read from them is kept beside them. Threading, in order: 1. the reply token in To, Cc or
Delivered-To with its HMAC verified; 2. In-Reply-To or References matching a sent letter's Message-ID; 3. otherwise
triage, with a suggestion when the sender's domain is the app's and the subject carries the request's number.

Nothing here records an event: what a reply means needs a person, so the desk proposes the event
(`proposed_event`) and clocks move only when someone confirms it through rights.services.record_event.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from complaints.models import Complaint
from rights.models import RightsRequest
from rights.services import RequestError, check_evidence

from .faults import pause_here
from .models import InboundMail, Letter, MailAttachment, MailKind, MatchedBy
from .reading import ReadMessage, Unreadable, read, sender_address
from .tokens import case_from

SUBJECT_NUMBER = re.compile(r"#(\d{1,18})\b")
# What a reply probably is, for a person to confirm: first match wins (an identity request often says 无法…).
PROPOSALS = (
    (
        "request_identity",
        re.compile(r"身份证|身份证明|核实.{0,6}身份|验证.{0,6}身份|verify your identity|proof of identity", re.I),
    ),
    ("refuse", re.compile(r"拒绝|不予|无法(办理|处理|注销|删除)|unable to|cannot (delete|cancel|comply)|refuse", re.I)),
    (
        "complete",
        re.compile(r"已(完成|注销|删除|处理完毕|更正)|has been (deleted|cancelled|completed)|completed", re.I),
    ),
)


LARGE_FIELDS = ("raw", "body_html", "body_text", "headers")  # not read back to answer a duplicate


class IngestError(Exception):
    """Bytes that are not a message: one line. They are kept (in triage, as unreadable) before this is raised."""


@dataclass(frozen=True)
class Ingested:
    mail: InboundMail
    duplicate: bool = False

    def as_dict(self) -> dict:
        return {
            "message_id": self.mail.message_id,
            "request": self.mail.request_id,
            "complaint": self.mail.complaint_id,
            "kind": "duplicate" if self.duplicate else self.mail.kind,
            "proposed_event": self.mail.proposed_event or None,
        }


def propose(read_message: ReadMessage, *, complaint: bool = False) -> str:
    if complaint:  # the app's answer to a complaint (complaints.events), an auto-reply answers nothing
        return "" if read_message.auto else "answer"
    if read_message.auto:
        return "acknowledge"  # an auto-reply counts as an acknowledgement, never as the answer
    text = f"{read_message.subject}\n{read_message.body_text}"
    return next((event for event, pattern in PROPOSALS if pattern.search(text)), "reply")


def _app_domains(request: RightsRequest) -> set[str]:
    from policies.models import Procedure

    addresses = [str(a) for a in request.app.emails]
    for procedure in Procedure.objects.filter(policy_version__app=request.app):
        addresses += [str(c.get("value", "")) for c in procedure.channels if c.get("kind") == "email"]
    return {a.rpartition("@")[2].strip().lower() for a in addresses if "@" in a}


def suggest(read_message: ReadMessage) -> RightsRequest | None:
    """The request a message probably belongs to: its number is in the subject and the sender's domain is one of
    the app's. Only offered to staff in triage; never attached by itself."""
    domain = sender_address(read_message.sender).rpartition("@")[2]
    for number in SUBJECT_NUMBER.findall(read_message.subject):
        request = RightsRequest.objects.select_related("app").filter(pk=int(number)).first()
        if request is not None and domain and domain in _app_domains(request):
            return request
    return None


@dataclass(frozen=True)
class Thread:
    request: RightsRequest | None = None
    complaint: Complaint | None = None
    letter: Letter | None = None
    matched_by: str = MatchedBy.NONE


def _thread(read_message: ReadMessage) -> Thread:
    letter = None
    if read_message.thread_ids:  # most first replies carry none: no query
        letter = Letter.objects.filter(message_id__in=read_message.thread_ids).order_by("-sent_at").first()
    case = case_from(read_message.to)
    if case is not None and case[0] == "complaint":
        complaint = Complaint.objects.select_related("request").filter(pk=case[1]).first()
        if complaint is not None:
            answered = letter if letter and letter.complaint_id == complaint.pk else None
            return Thread(complaint.request, complaint, answered, MatchedBy.TOKEN)
    elif case is not None:
        request = RightsRequest.objects.filter(pk=case[1]).first()
        if request is not None:
            answered = letter if letter and letter.request_id == request.pk and not letter.complaint_id else None
            return Thread(request, None, answered, MatchedBy.TOKEN)
    if letter is not None:
        return Thread(letter.request, letter.complaint, letter, MatchedBy.THREAD)
    return Thread()


def _attachments(mail: InboundMail, read_message: ReadMessage) -> None:
    for item in read_message.attachments:
        digest = hashlib.sha256(item.data).hexdigest()
        name = item.name[:300]
        try:
            (checked,) = check_evidence([ContentFile(item.data, name=name)], error=RequestError)
        except RequestError as refused:
            MailAttachment.objects.create(
                mail=mail, name=name, size=len(item.data), sha256=digest, refused=str(refused)[:500]
            )
        else:
            MailAttachment.objects.create(mail=mail, name=name, size=len(item.data), sha256=digest, file=checked)


def ingest_message(raw: bytes, *, now=None) -> Ingested:
    """Store one received message (idempotent by Message-ID: a second delivery stores nothing and says so).
    Bytes that are not a message are kept as unreadable, then refused with IngestError."""
    now = now or timezone.now()
    sha256 = hashlib.sha256(raw).hexdigest()
    try:
        read_message = read(raw)
    except Unreadable as error:
        if raw:
            _store(message_id=f"<unreadable-{sha256}@rightsdesk.invalid>", sha256=sha256, raw=raw, unreadable=True,
                   received_at=now, kind=MailKind.UNMATCHED)  # fmt: skip
        raise IngestError(str(error)) from None
    message_id = read_message.message_id or f"<{sha256}@rightsdesk.invalid>"  # no Message-ID: the bytes name it
    existing = InboundMail.objects.defer(*LARGE_FIELDS).filter(message_id=message_id).first()
    if existing is not None:
        return Ingested(existing, duplicate=True)
    thread = _thread(read_message)
    request = thread.request
    if request is None:
        kind = MailKind.UNMATCHED
    elif read_message.bounce:
        kind = MailKind.BOUNCE
    else:
        kind = MailKind.AUTO_REPLY if read_message.auto else MailKind.REPLY
    fields = dict(
        message_id=message_id, sha256=sha256, raw=raw, received_at=now, sent_at=read_message.date,
        sender=read_message.sender[:300], to=", ".join(read_message.to), subject=read_message.subject[:500],
        headers=read_message.headers, authentication=read_message.authentication, body_text=read_message.body_text,
        body_html=read_message.body_html, kind=kind, auto=read_message.auto, matched_by=thread.matched_by, request=request,
        complaint=thread.complaint, letter=thread.letter,
        proposed_event=propose(read_message, complaint=thread.complaint is not None)
        if kind in (MailKind.REPLY, MailKind.AUTO_REPLY) else "",
        suggested_request=suggest(read_message) if request is None else None,
    )  # fmt: skip
    stored = _store(attachments=read_message, **fields)
    if stored is None:  # the same Message-ID was stored meanwhile (a second delivery racing this one)
        return Ingested(InboundMail.objects.defer(*LARGE_FIELDS).get(message_id=message_id), True)
    return Ingested(stored)


@contextmanager
def _parameters_apart():
    """On PostgreSQL, the message's row is inserted with its parameters sent apart from the statement (server-side
    binding, bytes in binary): Django's default client-side binding writes the raw bytes into the INSERT as hex
    text, two copies at twice the message's size (a 10 MB message: the process peaked at 215 MB, 150 MB this way,
    and 0.4 s faster; bench/README.md). The same connection and transaction; only this statement's cursor."""
    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    psycopg_connection = connection.connection
    previous = psycopg_connection.cursor_factory
    psycopg_connection.cursor_factory = ServerBindingCursor
    try:
        yield
    finally:
        psycopg_connection.cursor_factory = previous


def _store(*, attachments: ReadMessage | None = None, **fields) -> InboundMail | None:
    """The row and its attachments in one transaction; None when the same Message-ID won a race to be stored (the
    unique Message-ID refuses the second row). Unreadable bytes, stored again, return the row already kept."""
    try:
        with transaction.atomic():
            if fields.get("unreadable"):
                existing = InboundMail.objects.defer(*LARGE_FIELDS).filter(message_id=fields["message_id"]).first()
                if existing is not None:
                    return existing
            with _parameters_apart():
                mail = InboundMail.objects.create(**fields)
            if attachments is not None:
                _attachments(mail, attachments)
            pause_here("before_commit")  # the kill test's first point: written, not committed
            return mail
    except IntegrityError:
        return None
