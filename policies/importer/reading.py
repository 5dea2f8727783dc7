"""Bytes or pasted text -> the policy text the extractor reads and the version stores.

Quotes must be verbatim passages of the stored text, so everything the extractor sees is exactly what is
stored: decoding, dropping stray control characters and HTML stripping happen here, once, and nothing later
rewrites the text.

One size limit, settings.POLICY_IMPORT_MAX_BYTES (5 MB unless set; the README says so too): a file is read in
chunks and refused as soon as it passes the limit (/dev/zero is refused at once, not read until memory runs
out), whatever size the file system reports; pasted text counts its UTF-8 bytes.
"""

from __future__ import annotations

import codecs
import re
from html import unescape
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ReadError

_CHUNK = 64 * 1024

# Control characters (C0 but tab, line feed, form feed and carriage return; DEL; C1) and lone surrogates do not
# occur in text. A few stray ones (a copy-paste artefact) are dropped; many mean binary data. NUL is refused
# outright: PostgreSQL cannot store it, and in a text file it means the file is not text (or is UTF-16
# without a byte-order mark).
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# GB18030 decodes many byte strings; what comes out of binary data is full of characters from the private use
# area, replacement characters and rare planes.
_ODD = re.compile("[\ue000-\uf8ff\ufffd\U00030000-\U0010ffff]")


def max_policy_bytes() -> int:
    """The one size limit of a policy (file or pasted text), in bytes."""
    return settings.POLICY_IMPORT_MAX_BYTES


def _too_large(label: str) -> ReadError:
    return ReadError(
        _("%(name)s is larger than %(max)s MB, the most a policy may be.")
        % {"name": label, "max": f"{max_policy_bytes() / 1048576:g}"}
    )


def read_limited(stream: BinaryIO, *, source_name: str = "") -> bytes:
    """The bytes of an open file, read in chunks; ReadError as soon as they pass the size limit. The file
    system's idea of the size is never asked (a device or a pipe reports 0)."""
    limit = max_policy_bytes()
    chunks, size = [], 0
    while chunk := stream.read(min(_CHUNK, limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise _too_large(source_name or _("the policy"))
    return b"".join(chunks)


_LOOKS_LIKE_HTML = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|div|p|br|span|table|section|article|h[1-6]|li|ul|ol)\b",
    re.IGNORECASE,
)
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody thead tfoot tr ul title".split()
)
_CELL_TAGS = frozenset(("td", "th"))
_SKIPPED_TAGS = frozenset(("script", "style", "noscript", "template", "svg"))


def read_policy(data: bytes | str, *, source_name: str = "") -> str:
    """Decode and (for HTML) strip a policy to the text that is extracted and stored.

    Bytes are UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or GB18030. Raises
    ReadError, whose message names the file, for input that is empty, binary, too large, holds a NUL or is in
    an unknown encoding. Plain text is otherwise kept as written: only line endings and a byte-order mark are
    normalised and stray control characters dropped.
    """
    label = source_name or _("the policy")
    limit = max_policy_bytes()
    if isinstance(data, bytes):
        if len(data) > limit:
            raise _too_large(label)
        text = _decode(data, label)
    else:
        if len(data) > limit or len(data.encode("utf-8", "surrogatepass")) > limit:
            raise _too_large(label)
        text = data
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text, controls = _CONTROL.subn("", text)
    nul = text.find("\x00")
    if _looks_binary(text, controls + text.count("\x00")):
        raise ReadError(_("%(name)s looks like binary data, not a policy text.") % {"name": label})
    if nul >= 0:
        raise ReadError(
            _("%(name)s contains a NUL character (line %(line)s): it is not plain text; save it as UTF-8 text.")
            % {"name": label, "line": text.count("\n", 0, nul) + 1}
        )
    if _LOOKS_LIKE_HTML.search(text[:5000]):
        text = _CONTROL.sub("", html_to_text(text))  # a character reference may name a control character
    if not text.strip():
        raise ReadError(_("%(name)s is empty.") % {"name": label})
    return text


def _decode(data: bytes, label: str) -> str:
    if not data.strip():
        raise ReadError(_("%(name)s is empty.") % {"name": label})
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        # Mainland sites that are not UTF-8 are GBK / GB2312, both subsets of GB18030.
        encodings = ("utf-8", "gb18030")
    if encodings != ("utf-16",) and _binary_bytes(data):  # in UTF-16 every other byte of ASCII text is NUL
        raise ReadError(_("%(name)s looks like binary data, not a policy text.") % {"name": label})
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if encodings == ("utf-16",):
        raise ReadError(
            _("%(name)s starts as UTF-16 text but is not valid UTF-16; save it as UTF-8 and try again.")
            % {"name": label}
        )
    raise ReadError(_("%(name)s is neither UTF-8 nor GB18030 text; save it as UTF-8 and try again.") % {"name": label})


_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")


def _binary_bytes(data: bytes) -> bool:
    # Neither UTF-8 nor GB18030 text contains control bytes (other than tab, line breaks and form feed);
    # binary data (images, archives, executables) is full of them. Counted over the whole file.
    return _CONTROL_BYTES.subn(b"", data)[1] > max(2, len(data) // 1000)


def _looks_binary(text: str, controls: int) -> bool:
    """Whether decoded text is binary data: more than one control character in a thousand, or (what GB18030
    makes of binary data) more than one character in twenty from the private use area or rare planes."""
    if not text:
        return False
    return controls > max(2, len(text) // 1000) or _ODD.subn("", text)[1] / len(text) > 0.05


# html.parser.HTMLParser (Python 3.11.7) takes quadratic time on unterminated markup ("<!--" repeated 8,000
# times: 0.5 s; "<a<a<a…" and "<![CDATA[" too): it re-reads the rest of the page for each one. This reader
# walks the page once. Tags end at the first ">" outside quotes (a quote left open ends at the next ">");
# comments at "-->", declarations and processing instructions (<!DOCTYPE, <?xml) at ">"; script and style
# hold raw text up to their end tag. Markup that never ends runs to the end of the page and is dropped, as in a
# browser.
_TAG_OPEN = re.compile(r"<(/?)([a-zA-Z][^\t\n\r\f />\x00]*)")
_COMMENT_END = re.compile(r"--\s*>")
_UNQUOTED_VALUE_END = re.compile(r"=\s*[^\s\"'=<>`]*$")
_RAW_TEXT_TAGS = frozenset(("script", "style"))


class _Ends:
    """The next ">" or quote at or after a position. The reader only moves forward, so each answer is reused
    until the reader passes it: the page is read once per character searched for, not once per tag."""

    def __init__(self, html: str):
        self.html = html
        self._last: dict[str, tuple[int, int]] = {}  # char -> (searched from, found at or -1)

    def find(self, char: str, pos: int) -> int:
        searched_from, found = self._last.get(char, (len(self.html) + 1, -1))
        if searched_from <= pos and (found < 0 or pos <= found):
            return found
        found = self.html.find(char, pos)
        self._last[char] = (pos, found)
        return found


def _tag_end(ends: _Ends, pos: int) -> int:
    """Where a tag whose name ends at `pos` ends (after its ">"), or -1 when no ">" follows."""
    html = ends.html
    while True:
        gt = ends.find(">", pos)
        if gt < 0:
            return -1
        quotes = [q for q in (ends.find('"', pos), ends.find("'", pos)) if 0 <= q < gt]
        if not quotes:
            return gt + 1
        opened = min(quotes)
        closed = ends.find(html[opened], opened + 1)
        if closed < 0:
            return gt + 1  # a quote left open: the tag ends at the next ">"
        pos = closed + 1


def _html_pieces(html: str):
    """The page as ("data", text) / ("start", tag) / ("startend", tag) / ("end", tag), read once."""
    ends, i, n = _Ends(html), 0, len(html)
    while i < n:
        j = html.find("<", i)
        if j < 0:
            yield "data", html[i:]
            return
        if j > i:
            yield "data", html[i:j]
        if html.startswith("<!--", j):
            close = _COMMENT_END.search(html, j + 4)
            i = close.end() if close else n
            continue
        if html.startswith("<![CDATA[", j):
            close = html.find("]]>", j + 9)
            i = close + 3 if close >= 0 else n
            continue
        if html.startswith(("<!", "<?"), j):
            close = ends.find(">", j + 2)
            i = close + 1 if close >= 0 else n
            continue
        tag = _TAG_OPEN.match(html, j)
        if not tag:
            yield "data", "<"
            i = j + 1
            continue
        end = _tag_end(ends, tag.end())
        if end < 0:
            return  # a tag that never ends: the rest of the page is inside it
        name = tag[2].lower()
        if tag[1]:
            yield "end", name
        elif html[end - 2] == "/" and not _UNQUOTED_VALUE_END.search(html, tag.end(), end - 2):
            yield "startend", name  # <br/>, <img src="x" />; but in <a id=x/> the "/" is part of the value
        else:
            yield "start", name
            if name in _RAW_TEXT_TAGS:
                close = re.compile(rf"</\s*{name}\s*>", re.IGNORECASE).search(html, end)
                yield "data", html[end : close.start() if close else n]
                if not close:
                    return
                yield "end", name
                end = close.end()
        i = end


def html_to_text(html: str) -> str:
    """Strip HTML to its text: one line per block element, scripts and styles dropped, entities decoded."""
    parts: list[str] = []
    skipping = 0
    for kind, value in _html_pieces(html):
        if kind == "data":
            if not skipping:
                parts.append(unescape(value))
        elif kind == "start":
            if value in _SKIPPED_TAGS:
                skipping += 1
            elif value in _BLOCK_TAGS:
                parts.append("\n")
            elif value in _CELL_TAGS:
                parts.append(" ")
        elif kind == "startend":
            if value in _BLOCK_TAGS:
                parts.append("\n")
        elif value in _SKIPPED_TAGS:
            skipping = max(0, skipping - 1)
        elif value in _BLOCK_TAGS:
            parts.append("\n")
    text = "".join(parts).replace("\xa0", " ")
    lines = (re.sub(r"[ \t\u3000]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
