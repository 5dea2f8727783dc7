"""A fetched body -> the policy text the watch hashes, stores and hands to the importer.

Decoding follows the order browsers use: the charset the HTTP header names, then the page's own <meta charset>,
then detection (charset-normalizer). GBK and GB2312 are read as GB18030, their superset: a page labelled GBK
often holds a character only GB18030 has.

The main text comes from trafilatura: it drops navigation, headers, footers and link lists by page structure
(no per-site rules), keeps headings and paragraphs one per line (the importer finds sections by their
headings), is maintained, and reads a 56 KB Chinese page in about 24 ms. When it finds no main text (a bare
page), the importer's own HTML reader takes the whole page. PDFs go through poppler's pdftotext.
"""
from __future__ import annotations

import codecs
import hashlib
import re
import subprocess
import tempfile

import trafilatura
from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

from policies.importer.reading import html_to_text

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030"}


class NotAPolicy(Exception):
    """The page holds no policy text: empty, a login wall, or something else. The message is one line."""


def _codec(name: str | bytes | None) -> str | None:
    if not name:
        return None
    name = (name.decode("ascii", "ignore") if isinstance(name, bytes) else name).strip().lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(body: bytes, content_type: str = "") -> str:
    """The body as text: HTTP charset, else meta charset, else detected; a byte-order mark wins over all."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace")
    header = _HEADER_CHARSET.search(content_type or "")
    meta = _CHARSET.search(body[:4096])
    for candidate in (header and header[1], meta and meta[1]):
        codec = _codec(candidate)
        if codec:
            try:
                return body.decode(codec)
            except UnicodeDecodeError:
                continue  # a wrong label: detect instead
    best = from_bytes(body).best()
    if best is not None and best.encoding:
        codec = _codec(best.encoding) or best.encoding
        return body.decode(codec, "replace")
    return body.decode("utf-8", "replace")


def is_pdf(body: bytes, content_type: str = "") -> bool:
    return body.startswith(b"%PDF-") or "application/pdf" in (content_type or "").lower()


def pdf_text(body: bytes) -> str:
    """pdftotext keeps Chinese as written (pypdf and pdfminer return Kangxi radicals for some fonts)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(body)
        f.flush()
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", f.name, "-"], capture_output=True, timeout=60, check=False
        )
    if done.returncode != 0:
        raise NotAPolicy(_("The PDF could not be read."))
    return done.stdout.decode("utf-8", "replace")


def html_main_text(html: str) -> str:
    text = trafilatura.extract(
        html, include_comments=False, include_tables=True, include_links=False, favor_recall=True, deduplicate=False
    )
    if not text or len(text) < 200:
        # A short or bare page: trafilatura keeps nothing (or a fragment); read the whole page instead.
        whole = html_to_text(html)
        if len(whole) > len(text or ""):
            return whole
    return text or ""


def main_text(body: bytes, content_type: str = "") -> str:
    if is_pdf(body, content_type):
        return pdf_text(body)
    text = decode(body, content_type)
    if "html" in (content_type or "").lower() or re.search(r"<(?:!doctype|html|body|p|div)\b", text[:5000], re.IGNORECASE):
        return html_main_text(text)
    return text


# Zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM) are invisible and come and go between fetches of an
# unchanged page; runs of spaces (full-width U+3000 and no-break included) are layout, not text.
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile("[ \t\u00a0\u3000\u2002\u2003\u2009\u202f]+")
# Chinese is written without spaces: one between two Chinese characters (or full-width punctuation) is layout.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_SPACE_IN_CHINESE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


def normalise(text: str) -> str:
    """The text as hashed, stored and imported: no zero-width characters, one space for each run of spaces and
    none between Chinese characters, no blank lines, no spaces at line ends. Lines stay lines (the importer reads headings by line)."""
    text = _ZERO_WIDTH.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_SPACE_IN_CHINESE.sub("", _SPACES.sub(" ", line)).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def text_hash(normalised: str) -> str:
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


# A policy names personal information or privacy; a login wall asks for a password and says little else.
_POLICY_WORDS = re.compile(r"个人信息|隐私|個人資料|privacy|personal (?:information|data)", re.IGNORECASE)
_LOGIN_WORDS = re.compile(r"登录|登陆|密码|log ?in|sign ?in|password", re.IGNORECASE)
_PASSWORD_INPUT = re.compile(rb"<input[^>]+type\s*=\s*[\"']?password", re.IGNORECASE)


def check_policy(text: str, body: bytes) -> None:
    """Raise NotAPolicy, with the reason, when the text is not a privacy policy."""
    if not text.strip():
        raise NotAPolicy(_("The page is empty."))
    asks_to_sign_in = _PASSWORD_INPUT.search(body[:200_000]) or (len(text) < 500 and _LOGIN_WORDS.search(text))
    if asks_to_sign_in and len(_POLICY_WORDS.findall(text)) < 3:
        raise NotAPolicy(_("The page asks to sign in (a login wall); no policy text."))
    if len(_POLICY_WORDS.findall(text)) < 2:
        raise NotAPolicy(_("The page does not read as a privacy policy (it never names personal information)."))
