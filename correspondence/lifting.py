"""Large messages, read fast: the email package's parser walks a message line by line in Python, and a 10 MB mail
is some 130,000 lines of base64 attachment. Before parsing, each large base64 body is lifted out and replaced by a
short placeholder; the parser then reads only the structure and the headers, and the lifted bodies are decoded by
binascii in C when their part is read. What is read is the same as a full parse would give
(tests/correspondence/test_reading.py checks it); anything unexpected is simply not lifted.

A body is lifted only when all of these hold, so text that merely looks like a header is left alone:
- its `Content-Transfer-Encoding: base64` line is in a header block (the message's own, or the lines after a
  boundary that a Content-Type before it declared, up to the first blank line);
- it runs from the block's blank line to the next declared boundary line, or to the end;
- it holds only base64 characters and line breaks, and decodes without a padding error.
"""

from __future__ import annotations

import base64
import binascii
import re

LIFT_FROM = 1 << 20  # messages under 1 MiB parse fast enough as they are
LIFT_BODIES_FROM = 32 * 1024
BASE64_HEADER = re.compile(rb"^content-transfer-encoding:[ \t]*base64[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
BOUNDARY = re.compile(rb'boundary[ \t]*=[ \t]*"?([^";\r\n]{1,200})"?', re.IGNORECASE)
HEADER_END = re.compile(rb"\r?\n\r?\n")
BASE64_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n \t"
MARK = b"rightsdesk-lifted-body:"


def lift(raw: bytes) -> tuple[bytes, list[bytes]]:
    """`raw` with its large base64 bodies replaced by placeholders, and those bodies decoded (by index). Only the
    header blocks are searched (the message's own, and each one after a declared boundary): the bodies are skipped
    by bytes.find, in C."""
    if len(raw) < LIFT_FROM:
        return raw, []
    pieces, bodies, done, block = [], [], 0, 0
    boundaries: set[bytes] = set()
    while True:
        if raw.startswith((b"\n", b"\r\n"), block):
            start = block  # a part without headers
            headers = b""
        else:
            end_of_headers = HEADER_END.search(raw, block)
            if end_of_headers is None:
                break
            headers, start = raw[block : end_of_headers.start()], end_of_headers.end()
        boundaries.update(b"\n--" + found.strip() for found in BOUNDARY.findall(headers))
        # The next line that is a declared boundary (base64 never holds a `-`, a text body may hold other `--` lines).
        found = [at for at in (raw.find(mark, start - 1) for mark in boundaries) if at >= 0]
        boundary = min(found) if found else -1
        end = len(raw) if boundary < 0 else boundary + 1
        if BASE64_HEADER.search(headers) and end - start >= LIFT_BODIES_FROM:
            body = raw[start:end]
            decoded = None
            if not body.translate(None, BASE64_BYTES):
                try:
                    decoded = binascii.a2b_base64(body)
                except binascii.Error:
                    pass  # the parser reads it its own tolerant way
            if decoded is not None:
                pieces += [raw[done:start], base64.b64encode(MARK + str(len(bodies)).encode()), b"\n"]
                bodies.append(decoded)
                done = end
        if boundary < 0:
            break
        line_end = raw.find(b"\n", boundary + 1)
        if line_end < 0:
            break
        block = line_end + 1
    if not bodies:
        return raw, []
    pieces.append(raw[done:])
    return b"".join(pieces), bodies


def payload(part, bodies: list[bytes]) -> bytes:
    """The part's decoded payload, the lifted body when the part's was lifted."""
    data = part.get_payload(decode=True) or b""
    if bodies and data.startswith(MARK) and len(data) < 64:
        index = data[len(MARK) :]
        if index.isdigit() and int(index) < len(bodies):
            return bodies[int(index)]
    return data
