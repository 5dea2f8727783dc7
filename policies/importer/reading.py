"""Bytes or pasted text -> the policy text the extractor reads and the version stores.

Quotes must be verbatim passages of the stored text, so everything the extractor sees is exactly what is
stored: decoding and HTML stripping happen here, once, and nothing later rewrites the text.
"""
from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from django.utils.translation import gettext as _

from .errors import ReadError

# A long policy is about 100,000 characters (300 KB in UTF-8); its HTML page with markup a few times that.
MAX_BYTES = 5 * 1024 * 1024
MAX_CHARS = 1_000_000

# Control characters other than tab, newline, carriage return and form feed do not occur in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
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

    Raises ReadError, whose message names the file, for input that is empty, binary, too large or in an
    unknown encoding. Plain text is otherwise kept as written (only line endings and a BOM are normalised).
    """
    label = source_name or _("the policy")
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise ReadError(
                _("%(name)s is %(size)s MB; a policy is at most %(max)s MB.")
                % {"name": label, "size": f"{len(data) / 1048576:.1f}", "max": MAX_BYTES // 1048576}
            )
        text = _decode(data, label)
    else:
        text = data
    if len(text) > MAX_CHARS:
        raise ReadError(
            _("%(name)s has %(count)s characters; a policy is at most %(max)s.")
            % {"name": label, "count": f"{len(text):,}", "max": f"{MAX_CHARS:,}"}
        )
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if _looks_binary(text):
        raise ReadError(_("%(name)s looks like binary data, not a policy text.") % {"name": label})
    if _LOOKS_LIKE_HTML.search(text[:5000]):
        text = html_to_text(text)
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
    if encodings != ("utf-16",) and _binary_bytes(data):
        raise ReadError(_("%(name)s looks like binary data, not a policy text.") % {"name": label})
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(
        _("%(name)s is neither UTF-8 nor GB18030 text; save it as UTF-8 and try again.") % {"name": label}
    )


_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")


def _binary_bytes(data: bytes) -> bool:
    # Neither UTF-8 nor GB18030 text contains control bytes (other than tab and line breaks); binary data
    # (images, archives, executables) is full of them.
    sample = data[:65536]
    return b"\x00" in sample or len(_CONTROL_BYTES.findall(sample)) > max(2, len(sample) // 1000)


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    controls = len(_CONTROL.findall(sample))
    # GB18030 decodes many byte strings; what comes out of binary data is full of control characters
    # and characters from the private use area and rare planes.
    odd = sum(1 for ch in sample if "\ue000" <= ch <= "\uf8ff" or ch == "\ufffd" or ord(ch) > 0x2FFFF)
    return controls > max(2, len(sample) // 1000) or odd / len(sample) > 0.05


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Strip HTML to its text: one line per block element, scripts and styles dropped, entities decoded."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = (re.sub(r"[ \t\u3000]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
