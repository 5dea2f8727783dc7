"""A policy's layout for the extractor: its headings and sentences, and lookups by position (the section,
sentence, clause and heading a position is in; the quote around a deadline), each read once per document."""

from __future__ import annotations

import bisect
import re
from functools import cached_property
from typing import NamedTuple

from . import grammar
from .normalise import WRAPPED_DEADLINE, Normalised, normalised
from .paths import find_paths
from .spans import TextIndex

# A markdown heading's marks (## 八、联系我们) are a bullet too.
_BULLET = r"[\s\-·•●○◆■□▪*#]*"
_NUMBERING = [
    (0, r"第[一二三四五六七八九十百\d]+\s*(?:部分|章|节)"),
    (1, r"[一二三四五六七八九十]+\s*\\?[、.．]"),
    (2, r"[（(]\s*[一二三四五六七八九十]+\s*[)）]"),
    (4, r"\d+\.\d+(?:\.\d+)*\s*[、.．]?"),
    # A markdown conversion escapes the point of a numbered line ("5\\. 您有权注销您的账号").
    (3, r"\d+\s*\\?[、.．](?!\d)|第[一二三四五六七八九十\d]+条"),
    (4, r"[（(]\s*\d+\s*[)）]|\d+\s*[)）]|[①-⑳]"),
    (5, r"[a-zA-Z]\s*[)）.、]"),
    (1, r"附(?:件|录)[一二三四五六七八九十\d]*\s*[:：、.．]?|附[一二三四五六七八九十\d]+\s*[:：、.．]?"),
    (1, r"、"),  # a heading whose numeral was lost in conversion ("、如何联系我们")
]
_HEADING = re.compile(
    rf"^{_BULLET}(?:(?P<num>"
    + "|".join(f"(?P<n{i}>{p})" for i, (_, p) in enumerate(_NUMBERING))
    + r"))?\s*(?P<title>[^\n]*?)\s*$"
)
_NOT_A_TITLE_END = frozenset("。；;！？!?，,")
# A run of end marks, or a line break. An ASCII ? or ! before an ASCII letter or digit is a web address's query
# (question.html?qid=9), no end. (One leading class: the regex engine skips to a mark at C speed instead of
# entering the pattern at every position.)
_SENTENCE_END = re.compile(r"[\n。！？!?](?:(?<=\n)|[。！？!?]*+(?![A-Za-z0-9](?<=[?!][A-Za-z0-9])))")
_LEADING_MARKER = re.compile(rf"{_BULLET}(?:" + "|".join(p for _, p in _NUMBERING) + r")?\s*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_QUOTE = 300
# Clauses end at ，/； (and, for the words around a path, at 。 and line ends too).
_CLAUSE_SEPARATORS = "，,；;"
_CLAUSE_SEPARATOR = re.compile(f"[{_CLAUSE_SEPARATORS}]")
_CLAUSE_BREAK = re.compile(f"[{_CLAUSE_SEPARATORS}。\n]")


# Named tuples, not frozen dataclasses: a policy has thousands of sentences, read twice (as written and
# normalised), and a frozen dataclass is several times slower to make.
class Heading(NamedTuple):
    start: int
    end: int
    level: int
    title: str


class Sentence(NamedTuple):
    start: int
    end: int


class Document:
    """The text with its headings and sentences, and lookups by position.

    Everything the extractor asks of a sentence (its rights, clock triggers, clauses, quote bounds) is read
    once and remembered: a sentence with thousands of deadlines or paths is not read again for each."""

    def __init__(self, text: str, app_name: str = ""):
        self.text = text
        self.app_name = app_name
        self.index = TextIndex(text)
        self.phones: list[str] = []  # the policy's phone numbers, for a "客服电话" given without its number
        # Contacts as extract() found them once (with positions), reused as channels.
        self.found_phones: list = []
        self.found_emails: list = []
        self.found_addresses: list = []
        self.paths = find_paths(text)
        self.view: Normalised | None = None  # set on the normalised reading of a document
        self._set_layout(_headings(text), _sentences(text))

    def _set_layout(self, headings: list[Heading], sentences: list[Sentence]) -> None:
        text = self.text
        self.headings = headings
        self._heading_starts = [h.start for h in self.headings]
        self._section_ends, self._parents = _heading_tree(self.headings, len(text))
        self.sentences = sentences
        self.sentence_starts = [s.start for s in self.sentences]
        self._line_starts: list[int] | None = None  # read on first use
        self._memo: dict[tuple, object] = {}

    # Where the means' clauses (，；。 and line ends) and the quote's clauses (，；) may be cut: the ends of the
    # breaks, read on first use (the reading as written and the normalised one each need only some of them).
    @cached_property
    def _clause_breaks(self) -> list[int]:
        return [m.end() for m in _CLAUSE_BREAK.finditer(self.text)]

    @cached_property
    def quote_breaks(self) -> list[int]:
        text = self.text
        return [end for end in self._clause_breaks if text[end - 1] in _CLAUSE_SEPARATORS]

    def remember(self, key: tuple, compute):
        """compute(), once per key and document: what the promises, channels and means read of a sentence."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def normalised_reading(self, view: Normalised) -> Document:
        """This document as the promise grammar reads it: the normalised text, with the same headings and
        sentences (normalising never removes a line break or a sentence end) at their normalised positions.
        Paths and channels stay on the original document."""
        if not view.changed:
            return self
        reading = Document.__new__(Document)
        reading.text, reading.app_name, reading.phones, reading.paths = view.text, self.app_name, self.phones, []
        reading.found_phones, reading.found_emails, reading.found_addresses = [], [], []
        reading.index, reading.view = TextIndex(view.text), view
        heading_at = view.to_normalised_sorted([p for h in self.headings for p in (h.start, h.end)])
        sentence_at = view.to_normalised_sorted([p for s in self.sentences for p in (s.start, s.end)])
        reading._set_layout(
            [
                Heading(heading_at[2 * i], heading_at[2 * i + 1], h.level, _normalised_title(h.title))
                for i, h in enumerate(self.headings)
            ],
            [Sentence(sentence_at[2 * i], sentence_at[2 * i + 1]) for i in range(len(self.sentences))],
        )
        return reading

    def line_of(self, pos: int) -> tuple[int, int]:
        """The line (between line breaks) holding `pos`."""
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        i = bisect.bisect_right(self._line_starts, pos) - 1
        end = self._line_starts[i + 1] - 1 if i + 1 < len(self._line_starts) else len(self.text)
        return self._line_starts[i], end

    def clause_around(self, sentence: Sentence, start: int, end: int) -> tuple[int, int]:
        """The clause (between ，/；) holding text[start:end], within its sentence."""
        breaks = self.quote_breaks
        i = bisect.bisect_right(breaks, start) - 1
        clause_start = breaks[i] if i >= 0 and breaks[i] > sentence.start else sentence.start
        j = bisect.bisect_right(breaks, end)
        clause_end = breaks[j] - 1 if j < len(breaks) and breaks[j] - 1 < sentence.end else sentence.end
        return clause_start, clause_end

    def heading_at(self, pos: int) -> Heading | None:
        i = bisect.bisect_right(self._heading_starts, pos) - 1
        return self.headings[i] if i >= 0 else None

    def heading_chain(self, pos: int) -> list[Heading]:
        """The heading a position is under, then its parents (outer headings), nearest first."""
        chain = []
        i = bisect.bisect_right(self._heading_starts, pos) - 1
        while i >= 0:
            chain.append(self.headings[i])
            if self.headings[i].level == 0:
                break
            i = self._parents[i]
        return chain

    def heading_title_at(self, pos: int) -> str:
        h = self.heading_at(pos)
        return h.title if h else ""

    def section_id(self, pos: int) -> int:
        """Which section a position is in: the index of the heading it is under (-1 before the first)."""
        return bisect.bisect_right(self._heading_starts, pos) - 1

    def section(self, pos: int, limit: int = 2500) -> tuple[int, int]:
        """The text from the heading a position is under to the next heading of the same or a higher level,
        at most `limit` characters either side of the position (a text without headings is one section)."""
        i = self.section_id(pos)
        if i < 0:
            start, end = 0, (self.headings[0].start if self.headings else len(self.text))
        else:
            start, end = self.headings[i].start, self._section_ends[i]
        return max(start, pos - limit), min(end, pos + limit)

    def sentence_at(self, pos: int) -> Sentence:
        i = bisect.bisect_right(self.sentence_starts, pos) - 1
        return self.sentences[max(i, 0)]

    def sentence_before(self, sentence: Sentence, *, same_line: bool = False) -> Sentence | None:
        """The sentence before `sentence` (None for the first), or with same_line only one of its paragraph."""
        i = bisect.bisect_right(self.sentence_starts, sentence.start) - 1
        if i <= 0:
            return None
        before = self.sentences[i - 1]
        return None if same_line and before.start < self.line_of(sentence.start)[0] else before

    def sentence_rights(self, sentence: Sentence) -> list[str]:
        """The rights a sentence names, in the order written."""
        return self.remember(
            ("rights", sentence.start, sentence.end),
            # searched directly: each sentence is read once, so the sentences together are the text once
            lambda: grammar.rights_in_order(self.text, sentence.start, sentence.end),
        )

    def clock_triggers(self, sentence: Sentence) -> grammar.ClockTriggers:
        return self.remember(
            ("clock", sentence.start), lambda: grammar.ClockTriggers(self.text, sentence.start, sentence.end)
        )

    def quote_span(self, sentence: Sentence, focus_start: int, focus_end: int) -> tuple[int, int]:
        """The sentence without its list marker and surrounding spaces; a very long one (a table without
        punctuation) is cut to the clauses around the focus."""
        marker_end, plain_start, marked_start, last_text_end = self.remember(
            ("quote", sentence.start), lambda: _quote_bounds(self.text, sentence)
        )
        start = marked_start if marker_end <= focus_start else plain_start
        end = max(start, last_text_end)
        if end - start > MAX_QUOTE:
            lo = max(start, focus_start - MAX_QUOTE // 2)
            hi = min(end, focus_end + MAX_QUOTE // 2)
            # The clause the focus is in starts after the last ，/； before it.
            i = bisect.bisect_right(self.quote_breaks, focus_start) - 1
            clause_start = self.quote_breaks[i] if i >= 0 and self.quote_breaks[i] > start else start
            lo = clause_start if clause_start >= lo else lo
            clause_end = _CLAUSE_SEPARATOR.search(self.text, focus_end, hi)
            hi = clause_end.end() if clause_end else hi
            start, end = lo, hi
        return start, end

    def clause_start(self, sentence: Sentence, pos: int) -> int:
        """Where the clause holding `pos` starts: after the last ，；。 or line end before it in its sentence."""
        i = bisect.bisect_right(self._clause_breaks, pos) - 1
        return self._clause_breaks[i] if i >= 0 and self._clause_breaks[i] > sentence.start else sentence.start


def _heading_tree(headings: list[Heading], text_end: int) -> tuple[list[int], list[int]]:
    """For each heading, where its section ends (the next heading of the same or a higher level) and its
    parent (the nearest heading before it of a higher level, -1 for none); one pass with a stack."""
    ends = [text_end] * len(headings)
    parents = [-1] * len(headings)
    open_headings: list[int] = []
    for j, h in enumerate(headings):
        while open_headings and headings[open_headings[-1]].level >= h.level:
            ends[open_headings.pop()] = h.start
        parents[j] = open_headings[-1] if open_headings else -1
        open_headings.append(j)
    return ends, parents


def _quote_bounds(text: str, sentence: Sentence) -> tuple[int, int, int, int]:
    """(end of the list marker, first non-space from the sentence's start, first non-space after the marker,
    end of the last non-space) of a sentence, for quote_span."""
    start, end = sentence.start, sentence.end
    marker = _LEADING_MARKER.match(text, start, end)
    marker_end = marker.end() if marker else end + 1

    def first_text(pos: int) -> int:
        while pos < end and text[pos].isspace():
            pos += 1
        return pos

    last = end
    while last > start and text[last - 1].isspace():
        last -= 1
    return marker_end, first_text(start), first_text(marker_end) if marker else first_text(start), last


_NORMALISED_AWAY = re.compile(r"[ \t\u3000\xa0了【】\[\]［］〔〕「」『』天日０-９]")


def _normalised_title(title: str) -> str:
    return normalised(title).text if _NORMALISED_AWAY.search(title) else title


def _headings(text: str) -> list[Heading]:
    headings = []
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        # A line that ends a sentence or a clause is body text: its title would end so too (most lines of a
        # policy, told apart here before the heading pattern reads them).
        if len(line) > 80 or not (stripped := line.rstrip()) or stripped[-1] in _NOT_A_TITLE_END:
            continue
        m = _HEADING.match(line)
        title = m["title"] if m else ""
        if not title or not _CJK.search(title):
            continue
        numbered = bool(m["num"])
        if numbered:
            if len(title) > 30 or (re.search(r"[:：，,]", title) and len(title) > 20) or "。" in title:
                continue
            level = next(level for i, (level, _) in enumerate(_NUMBERING) if m[f"n{i}"])
        else:
            if len(title) > 20 or re.search(r"[，,。；;:：、“”()（）]", title):
                continue
            level = 3
        headings.append(Heading(start, start + len(line), level, title))
    return headings


def _sentences(text: str) -> list[Sentence]:
    sentences, start = [], 0
    wrapped = _wrapped_breaks(text)
    for m in _SENTENCE_END.finditer(text):
        at, after = m.span()
        if text[at] == "\n":  # a line break ends the sentence before it (unless it wraps a deadline's phrase)
            if at in wrapped:
                continue
            end = at
        else:
            end = after
        if end > start:
            sentences.append(Sentence(start, end))
        start = after
    if start < len(text):
        sentences.append(Sentence(start, len(text)))
    return sentences or [Sentence(0, len(text))]


def _wrapped_breaks(text: str) -> set[int]:
    """The line breaks that fall between a deadline and its verb (normalise.WRAPPED_DEADLINE): the sentence
    goes on after them."""
    return {text.index("\n", m.start("drop")) for m in WRAPPED_DEADLINE.finditer(text)}
