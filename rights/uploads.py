"""Evidence files: what RightsDesk accepts, how it stores them and how it serves them back.

- **Size**: at most `settings.RIGHTSDESK_MAX_UPLOAD_BYTES` (default 20 MiB) per file. `BoundedUploadHandler`
  stops writing a file to disk past the limit while still counting its size, so a 5 GB upload neither fills the
  disk nor passes; the form then says how big it was.
- **Type, by content** (the name and the browser's Content-Type are not trusted): PNG, JPEG, GIF and WebP
  images and PDF by their signatures; plain text that is valid UTF-8 without control characters; e-mails saved
  as .eml (RFC 5322 headers: From plus Date, Subject or Received; 8-bit bodies in GBK are common, so any bytes
  but NUL). Outlook .msg is refused: it is an OLE compound file, the same container as legacy Word and Excel
  files with macros, and telling them apart needs a parser of that format; save the mail as .eml or PDF.
- **Storage**: under a random name with no extension (`stored_name`), so no file on disk is ever served or opened
  as HTML, SVG or a program by its name; the original name is kept in the database (`original_name`, set by the
  models' upload_to through `keep_original_name`) and used only as the download's file name.
- **Serving** (`evidence_response`, behind the admin's permission check): always a download
  (Content-Disposition: attachment, under the original name), with the type found in the content and its charset,
  `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy.
"""
from __future__ import annotations

import codecs
import os
import re
import uuid
from dataclasses import dataclass
from email.parser import BytesHeaderParser

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

CHUNK = 64 * 1024
# Control characters other than TAB, LF, FF and CR (C0, DEL and C1): no plain text has them; binaries do.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Served to the browser with every evidence file: nothing in it may run script, load anything or submit forms.
EVIDENCE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@dataclass(frozen=True)
class EvidenceType:
    name: str
    content_type: str
    inline: bool  # shown in the browser; False: downloaded (it could run script there)


PNG = EvidenceType("PNG", "image/png", True)
JPEG = EvidenceType("JPEG", "image/jpeg", True)
GIF = EvidenceType("GIF", "image/gif", True)
WEBP = EvidenceType("WebP", "image/webp", True)
PDF = EvidenceType("PDF", "application/pdf", False)  # PDFs carry JavaScript and forms
TEXT = EvidenceType("text", "text/plain; charset=utf-8", True)
EMAIL = EvidenceType("e-mail", "message/rfc822", False)


def max_upload_bytes() -> int:
    return settings.RIGHTSDESK_MAX_UPLOAD_BYTES


def _by_signature(head: bytes) -> EvidenceType | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def _is_email(head: bytes) -> bool:
    headers = BytesHeaderParser().parsebytes(head)
    return bool(headers["From"]) and any(headers[name] for name in ("Date", "Subject", "Received"))


def _chunks(stream):
    while chunk := stream.read(CHUNK):
        yield chunk


def identify(stream) -> EvidenceType | None:
    """The type of an evidence file by its content, or None when RightsDesk does not keep that type.

    Reads the stream from its start (text is checked to its end: a binary may open with a page of text) and
    leaves it at its start again.
    """
    stream.seek(0)
    try:
        head = stream.read(CHUNK)
        found = _by_signature(head)
        if found is not None or not head:
            return found
        if _is_email(head):
            stream.seek(0)
            return EMAIL if all(b"\x00" not in chunk for chunk in _chunks(stream)) else None
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
        for chunk in _chunks(stream):
            if _CONTROL.search(decoder.decode(chunk)):
                return None
        decoder.decode(b"", final=True)
        return TEXT
    except UnicodeDecodeError:
        return None
    finally:
        stream.seek(0)


def check_evidence_file(uploaded) -> None:
    """Validator of one uploaded evidence file: size first (cheap, and a huge file is truncated on disk by
    BoundedUploadHandler), then the type by content."""
    name = os.path.basename(uploaded.name or "")
    limit = max_upload_bytes()
    if uploaded.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; an evidence file may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            code="too_big",
        )
    if uploaded.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if identify(uploaded) is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a kind of file RightsDesk keeps as evidence: upload a PNG, JPEG, GIF or WebP "
                "image, a PDF, plain text in UTF-8 or an e-mail saved as .eml."
            )
            % {"name": name},
            code="type",
        )


def stored_name(filename: str) -> str:
    """A random file name for the disk: no person's name, nothing guessable, and no extension a server or a
    desktop could act on (.html, .svg, .exe)."""
    return uuid.uuid4().hex


def keep_original_name(instance, filename: str) -> str:
    """For an upload_to: remember the uploaded name on the row (`original_name`, for the download) and return the
    random name to store the file under."""
    if not getattr(instance, "original_name", ""):
        instance.original_name = os.path.basename(filename)[:255]
    return stored_name(filename)


def evidence_response(evidence) -> FileResponse:
    """The file of an Evidence row, for a person the caller has already checked may see the request."""
    handle = evidence.file.open("rb")
    found = identify(handle)
    filename = evidence.original_name or evidence.description or "evidence"
    # Always an attachment: the browser saves the file under its original name and renders nothing of it.
    content_type = "application/octet-stream" if found is None else found.content_type
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = EVIDENCE_CSP
    return response


class BoundedUploadHandler(TemporaryFileUploadHandler):
    """Writes an uploaded file to a temporary file up to the evidence limit, then only counts the rest.

    The file keeps its true size, so check_evidence_file refuses it with its real size; the disk never holds
    more than the limit per file, whatever a client sends. (The reverse proxy's body limit is the first guard.)
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.written = 0

    def receive_data_chunk(self, raw_data, start):
        room = max_upload_bytes() + 1 - self.written
        if room > 0:
            self.file.write(raw_data[:room])
            self.written += min(len(raw_data), room)
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        self.file.size = file_size
        return self.file
