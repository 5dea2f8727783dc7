"""Reading a received message: headers, the body as text from any charset and transfer encoding (GBK included,
quoted-printable, base64, HTML), sanitised HTML for display, attachments, and what kind of message it is.
Pure: no database."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

import nh3
from charset_normalizer import from_bytes

from .lifting import lift, payload

# Charsets mail declares narrower than what it holds: GB2312 and GBK mail often carries GB18030 characters.
WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}
BLOCK_END = re.compile(r"<\s*(br|/p|/div|/tr|/li|/h[1-6])\b[^>]*>", re.IGNORECASE)
BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
# RFC 3834 and the common vendor headers of auto-responders.
AUTO_PRECEDENCE = {"auto_reply", "bulk", "junk", "list"}
THREAD_ID = re.compile(r"<[^<>\s]+>")


class Unreadable(Exception):
    """Bytes that are not an RFC 5322 message."""


@dataclass
class Attachment:
    name: str
    data: bytes


@dataclass
class ReadMessage:
    message_id: str | None
    sender: str
    to: list[str]  # To, Cc, Delivered-To, X-Original-To: every address the message was delivered to
    subject: str
    date: object  # datetime | None
    headers: list[list[str]]
    authentication: str
    body_text: str
    body_html: str
    auto: bool
    bounce: bool
    thread_ids: list[str]  # In-Reply-To and References (for a bounce: the returned message's own ids too)
    attachments: list[Attachment] = field(default_factory=list)


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a malformed header is read as absent, never a traceback
        return ""
    return str(value).strip() if value is not None else ""


def decode(data: bytes, charset: str | None) -> str:
    charset = WIDER.get((charset or "").lower(), charset)
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        return str(best) if best is not None else data.decode("utf-8", errors="replace")


def _text_of(part, bodies: list[bytes]) -> str:
    return decode(payload(part, bodies), part.get_content_charset())


def html_to_text(markup: str) -> str:
    """The words of an HTML body: tags dropped (script and style with their content), entities decoded."""
    text = nh3.clean(BLOCK_END.sub("\n", markup), tags=set())
    text = html.unescape(text).replace("\r\n", "\n")
    return BLANK_LINES.sub("\n\n", text).strip()


def _keep_cid_images(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not value.startswith("cid:"):
        return None  # no remote image is ever loaded (tracking pixels)
    return value


def sanitise_html(markup: str) -> str:
    return nh3.clean(markup, url_schemes=nh3.ALLOWED_URL_SCHEMES | {"cid"}, attribute_filter=_keep_cid_images)


def _is_attachment(part) -> bool:
    if part.is_multipart() or part.get_content_type() in ("message/rfc822", "message/delivery-status"):
        return False
    return part.get_content_disposition() == "attachment" or bool(part.get_filename())


def _returned_ids(message: EmailMessage) -> list[str]:
    """The Message-ID of the message a delivery report returns (its message/rfc822 or text/rfc822-headers part)."""
    ids = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, EmailMessage):
                ids += THREAD_ID.findall(_header(inner, "Message-ID"))
        elif kind == "text/rfc822-headers":
            headers = BytesParser(policy=policy.default).parsebytes(
                part.get_payload(decode=True) or b"", headersonly=True
            )
            ids += THREAD_ID.findall(_header(headers, "Message-ID"))
    return ids


def read(raw: bytes) -> ReadMessage:
    """The message in `raw`, or Unreadable: a message has a From and at least a Message-ID, Date or Subject."""
    if not raw.strip() or b"\x00" in raw[:4096]:
        raise Unreadable("not an RFC 5322 message")
    structure, bodies = lift(raw)  # a large message's base64 bodies decoded in C, not parsed line by line
    message = BytesParser(policy=policy.default).parsebytes(structure)
    # Each header is parsed once (the email package parses a header again on every access).
    headers = [[name, _header_value(value)] for name, value in _items(message)]
    index: dict[str, list[str]] = {}
    for name, value in headers:
        index.setdefault(name.lower(), []).append(value)

    def first(name: str) -> str:
        return index.get(name.lower(), [""])[0].strip()

    if not first("From") or not any(first(h) for h in ("Message-ID", "Date", "Subject")):
        raise Unreadable("not an RFC 5322 message (no From, or none of Message-ID, Date and Subject)")
    plain, markup, attachments = [], [], []
    for part in message.walk():
        if _is_attachment(part):
            attachments.append(Attachment(part.get_filename() or "attachment", payload(part, bodies)))
        elif part.get_content_type() == "text/plain":
            plain.append(_text_of(part, bodies))
        elif part.get_content_type() == "text/html":
            markup.append(_text_of(part, bodies))
    html_body = "\n".join(markup)
    body = "\n".join(plain).strip() or html_to_text(html_body)
    try:
        date = parsedate_to_datetime(first("Date")) if first("Date") else None
    except (TypeError, ValueError):
        date = None
    if date is not None and date.tzinfo is None:
        date = None  # a Date without a zone says no moment
    auto_submitted = first("Auto-Submitted").lower()
    auto = (
        (auto_submitted not in ("", "no"))
        or bool(first("X-Autoreply") or first("X-Autorespond"))
        or first("Precedence").lower() in AUTO_PRECEDENCE
    )
    bounce = message.get_content_type() == "multipart/report" and (
        message.get_param("report-type", "").lower() == "delivery-status"
    )
    delivered_to = [a for name in ("to", "cc", "delivered-to", "x-original-to") for a in index.get(name, [])]
    thread_ids = THREAD_ID.findall(first("In-Reply-To")) + THREAD_ID.findall(first("References"))
    if bounce:
        thread_ids = _returned_ids(message) + thread_ids
    message_id = (THREAD_ID.findall(first("Message-ID")) or [None])[0]
    return ReadMessage(
        message_id=message_id,
        sender=first("From"),
        to=[address for _name, address in getaddresses(delivered_to) if address],
        subject=first("Subject"),
        date=date,
        headers=headers,
        authentication="\n".join(index.get("authentication-results", [])),
        body_text=body,
        body_html=sanitise_html(html_body) if html_body else "",
        auto=auto and not bounce,
        bounce=bounce,
        thread_ids=thread_ids,
        attachments=attachments,
    )


def _items(message: EmailMessage):
    try:
        return message.items()
    except Exception:  # noqa: BLE001 - keep the raw header lines instead
        return message.raw_items()


def _header_value(value) -> str:
    try:
        return str(value)
    except Exception:  # noqa: BLE001
        return repr(value)


def sender_address(sender: str) -> str:
    return getaddresses([sender])[0][1].lower() if sender else ""
