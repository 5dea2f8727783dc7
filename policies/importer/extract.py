"""The extractor: a policy's text -> the catalog entries it proposes, each tied to its sentence.

Pure: no database, no I/O. extract(text) reads the document's layout (headings, sentences), finds every
deadline phrase with grammar.py in the text's normalised surface (normalise.py), keeps those that promise a
reply or completion of a user's request, and reads the right, clock start, hedge and action around each;
it then adds the self-service paths and channels the policy gives for each right. Every proposal carries
the rule that produced it and its reasons (confidence.py); its quote is cut from the original text.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from datetime import date

from policies.models import Action, ChannelKind, ClockStart, Hedge, Right

from . import grammar
from .confidence import confidence_of
from .contacts import (
    find_addresses,
    find_app_name,
    find_channel_words,
    find_dates,
    find_emails,
    find_operator,
    find_paths,
    find_phones,
    find_self_service_places,
    path_kind,
)
from .normalise import Normalised, normalised
from .spans import TextIndex

# --- Layout: headings and sentences -----------------------------------------------------------------------

_BULLET = r"[\s\-·•●○◆■□▪*]*"
_NUMBERING = [
    (0, r"第[一二三四五六七八九十百\d]+\s*(?:部分|章|节)"),
    (1, r"[一二三四五六七八九十]+\s*[、.．]"),
    (2, r"[（(]\s*[一二三四五六七八九十]+\s*[)）]"),
    (4, r"\d+\.\d+(?:\.\d+)*\s*[、.．]?"),
    (3, r"\d+\s*[、.．](?!\d)|第[一二三四五六七八九十\d]+条"),
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
_SENTENCE_END = re.compile(r"[。！？!?]+|\n")
_LEADING_MARKER = re.compile(rf"{_BULLET}(?:" + "|".join(p for _, p in _NUMBERING) + r")?\s*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MAX_QUOTE = 300
# Clauses end at ，/； (and, for the words around a path, at 。 and line ends too).
_CLAUSE_SEPARATOR = re.compile(r"[，,；;]")
_CLAUSE_BREAK = re.compile(r"[，,；;。\n]")


@dataclass(frozen=True)
class Heading:
    start: int
    end: int
    level: int
    title: str


@dataclass(frozen=True)
class Sentence:
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
        self._channels: _Channels | None = None  # read on first use
        self.view: Normalised | None = None  # set on the normalised reading of a document
        self._set_layout(_headings(text), _sentences(text))

    def _set_layout(self, headings: list[Heading], sentences: list[Sentence]) -> None:
        text = self.text
        self.headings = headings
        self._heading_starts = [h.start for h in self.headings]
        self._section_ends, self._parents = _heading_tree(self.headings, len(text))
        self.sentences = sentences
        self._sentence_starts = [s.start for s in self.sentences]
        # Where the quote's clauses (，；) and the means' clauses (，；。 and line ends) may be cut: ends of breaks.
        self._quote_breaks = [m.end() for m in _CLAUSE_SEPARATOR.finditer(text)]
        self._clause_breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text)]
        self._line_starts: list[int] | None = None  # read on first use
        self._memo: dict[tuple, object] = {}

    def _remember(self, key: tuple, compute):
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
        reading.index, reading._channels, reading.view = TextIndex(view.text), None, view
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
        breaks = self._quote_breaks
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
        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        return self.sentences[max(i, 0)]

    def sentence_rights(self, sentence: Sentence) -> list[str]:
        """The rights a sentence names, in the order written."""
        return self._remember(
            ("rights", sentence.start, sentence.end),
            lambda: grammar.rights_in_order(self.text, sentence.start, sentence.end, index=self.index),
        )

    def clock_triggers(self, sentence: Sentence) -> grammar.ClockTriggers:
        return self._remember(
            ("clock", sentence.start), lambda: grammar.ClockTriggers(self.text, sentence.start, sentence.end)
        )

    def quote_span(self, sentence: Sentence, focus_start: int, focus_end: int) -> tuple[int, int]:
        """The sentence without its list marker and surrounding spaces; a very long one (a table without
        punctuation) is cut to the clauses around the focus."""
        marker_end, plain_start, marked_start, last_text_end = self._remember(
            ("quote", sentence.start), lambda: _quote_bounds(self.text, sentence)
        )
        start = marked_start if marker_end <= focus_start else plain_start
        end = max(start, last_text_end)
        if end - start > _MAX_QUOTE:
            lo = max(start, focus_start - _MAX_QUOTE // 2)
            hi = min(end, focus_end + _MAX_QUOTE // 2)
            # The clause the focus is in starts after the last ，/； before it.
            i = bisect.bisect_right(self._quote_breaks, focus_start) - 1
            clause_start = self._quote_breaks[i] if i >= 0 and self._quote_breaks[i] > start else start
            lo = clause_start if clause_start >= lo else lo
            clause_end = _CLAUSE_SEPARATOR.search(self.text, focus_end, hi)
            hi = clause_end.end() if clause_end else hi
            start, end = lo, hi
        return start, end

    def clause_start(self, sentence: Sentence, pos: int) -> int:
        """Where the clause holding `pos` starts: after the last ，；。 or line end before it in its sentence."""
        i = bisect.bisect_right(self._clause_breaks, pos) - 1
        return self._clause_breaks[i] if i >= 0 and self._clause_breaks[i] > sentence.start else sentence.start

    def channels(self) -> _Channels:
        if self._channels is None:
            self._channels = _Channels(_all_channels(self))
        return self._channels

    def clauses(self, sentence: Sentence) -> _Clauses:
        return self._remember(("clauses", sentence.start), lambda: _Clauses(self, sentence))

    def rights_of_promise(self, sentence: Sentence, deadline_start: int) -> tuple[list[str], list[str]]:
        """_rights_of_promise for the deadline at deadline_start: the sentence is read once; what differs from
        one deadline to the next (is a catch-all written before it, is a complaint the last right before it)
        is looked up, so at most four readings are made per sentence whatever the number of deadlines."""
        words = self._remember(("promise words", sentence.start), lambda: _PromiseWords(self, sentence))
        key = words.key(deadline_start)
        return self._remember(("promise", sentence.start, key), lambda: _rights_of_promise(self, sentence, words, *key))


# What is left of a clause without these is no clause ("，”" after a path).
_CLAUSE_PADDING = ' ，,；;”“"'


class _Clauses:
    """A sentence cut into clauses at ，/；, with what the words around a path or channel ask of them: the
    rights each names, whether it refers back (上述途径), and the first clause after a position."""

    def __init__(self, doc: Document, sentence: Sentence):
        self.doc, self.sentence = doc, sentence
        text = doc.text
        breaks = doc._quote_breaks
        cuts = [sentence.start]
        cuts += breaks[bisect.bisect_right(breaks, sentence.start) : bisect.bisect_right(breaks, sentence.end)]
        cuts.append(sentence.end)
        self.spans = [(a, b) for a, b in itertools.pairwise(cuts) if a < b]
        self.starts = [a for a, _b in self.spans]
        self._rights: dict[int, list[str]] = {}
        # The last character of each clause that is not padding (-1: the clause is only padding).
        self.last_text = []
        for a, b in self.spans:
            stripped = text[a:b].rstrip(_CLAUSE_PADDING)
            self.last_text.append(a + len(stripped) - 1 if stripped.strip(_CLAUSE_PADDING) else -1)
        # Backwards: the next clause with text, and the rights of the later clauses that refer back.
        n = len(self.spans)
        self.next_with_text = [n] * (n + 1)
        self.referred_rights: list[list[str]] = [[] for _ in range(n + 1)]
        for k in range(n - 1, -1, -1):
            self.next_with_text[k] = k if self.last_text[k] >= 0 else self.next_with_text[k + 1]
            own = self.rights(k) if _REFERS_BACK.search(text, *self.spans[k]) else []
            self.referred_rights[k] = (
                list(dict.fromkeys(own + self.referred_rights[k + 1])) if own else self.referred_rights[k + 1]
            )

    def rights(self, k: int) -> list[str]:
        if k not in self._rights:
            lo, hi = self.spans[k]
            self._rights[k] = grammar.rights_in_order(self.doc.text, lo, hi, index=self.doc.index)
        return self._rights[k]

    def holding(self, pos: int) -> int | None:
        """The clause that holds position `pos`."""
        k = bisect.bisect_right(self.starts, pos) - 1
        return k if k >= 0 and pos < self.spans[k][1] else None

    def after(self, pos: int) -> tuple[list[str], tuple[int, int] | None]:
        """What the clauses after `pos` say: the rights of the first one with text (the rest of pos's own clause,
        or the next) and of every later one that refers back to it; and the first one's span."""
        k = self.holding(pos)
        if k is None:
            return [], None
        end = self.spans[k][1]
        if self.last_text[k] >= pos:
            first = (pos, end)
            first_rights = grammar.rights_in_order(self.doc.text, pos, end, index=self.doc.index)
        else:
            k = self.next_with_text[k + 1]
            if k >= len(self.spans):
                return [], None
            first, first_rights = self.spans[k], self.rights(k)
        return list(dict.fromkeys(first_rights + self.referred_rights[k + 1])), first


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
        if not line.strip() or len(line) > 80:
            continue
        m = _HEADING.match(line)
        title = m["title"] if m else ""
        if not title or not _CJK.search(title) or re.search(r"[。；;！？!?，,]$", title):
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
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if m.group() != "\n" else m.start()
        if end > start:
            sentences.append(Sentence(start, end))
        start = m.end()
    if start < len(text):
        sentences.append(Sentence(start, len(text)))
    return sentences or [Sentence(0, len(text))]


# --- What is extracted ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One highlighted piece of the text: a deadline, clock trigger, hedge, action verb, path or channel."""

    kind: str
    start: int
    end: int


@dataclass
class ProposedProcedure:
    right: str
    action: str
    deadline: tuple[int, int, str] | None  # (min, max, unit)
    clock_start: str | None
    hedge: str
    quote: str
    start: int  # the quote is text[start:end]
    end: int
    channels: list[dict] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    rule: str = ""  # confidence.RULES
    reasons: list[str] = field(default_factory=list)  # confidence.SUPPORT and DOUBTS

    @property
    def confidence(self) -> str:
        return confidence_of(self.reasons)

    def as_dict(self) -> dict:
        return {
            "right": str(self.right),
            "action": str(self.action),
            "deadline": (
                {"min": self.deadline[0], "max": self.deadline[1], "unit": str(self.deadline[2])}
                if self.deadline
                else None
            ),
            "clock_start": str(self.clock_start),
            "hedge": str(self.hedge) or None,
            "channels": [{"kind": str(c["kind"]), "value": c["value"]} for c in self.channels],
            "paths": self.paths,
            "quote": self.quote,
            "rule": self.rule,
            "confidence": str(self.confidence),
            "reasons": list(self.reasons),
        }

    def model_channels(self) -> list[dict]:
        """Channels as Procedure.channels stores them: the self-service paths first, as kind self_service."""
        return [{"kind": str(ChannelKind.SELF_SERVICE), "value": p} for p in self.paths] + [
            {"kind": str(c["kind"]), "value": c["value"]} for c in self.channels
        ]


@dataclass
class Extraction:
    app: str
    title: str
    operator: str
    published_on: date | None
    effective_on: date | None
    emails: list[str]
    phones: list[str]
    addresses: list[str]
    procedures: list[ProposedProcedure]

    def as_dict(self) -> dict:
        return {
            "app": self.app or None,
            "title": self.title or None,
            "operator": self.operator or None,
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "effective_on": self.effective_on.isoformat() if self.effective_on else None,
            "contacts": {"emails": self.emails, "phones": self.phones, "addresses": self.addresses},
            "procedures": [p.as_dict() for p in self.procedures],
        }


def extract(text: str) -> Extraction:
    app, title = find_app_name(text)
    doc = Document(text, app)
    # Read once: the contacts are listed for the app and are the channels of its procedures.
    doc.found_phones = find_phones(text, headings=doc.heading_title_at)
    doc.found_emails = find_emails(text)
    doc.found_addresses = find_addresses(text)
    doc.phones = phones = _unique(f.value for f in doc.found_phones)
    dates = find_dates(text)
    promises = _promises(doc, doc.normalised_reading(normalised(text)))
    procedures = sorted(promises + _attach_means(doc, promises), key=lambda p: (p.start, p.right))
    return Extraction(
        app=app,
        title=title,
        operator=find_operator(text, app),
        published_on=dates.published_on,
        effective_on=dates.effective_on,
        emails=_unique(f.value for f in doc.found_emails),
        phones=phones,
        addresses=_unique(f.value for f in doc.found_addresses),
        procedures=procedures,
    )


def _unique(values) -> list:
    seen, out = set(), []
    for v in values:
        key = v if not isinstance(v, dict) else tuple(sorted(v.items()))
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


# --- Promises: deadline sentences -------------------------------------------------------------------------


def _promises(doc: Document, reading: Document) -> list[ProposedProcedure]:
    """Every deadline sentence of `reading` (the normalised text) that promises a reply or completion of a
    request, as proposals positioned and quoted in the original text of `doc`."""
    text = reading.text
    view = reading.view
    promises = []
    previous_end: dict[int, int] = {}  # sentence start -> end of the previous deadline in it
    for phrase in grammar.find_deadlines(text):
        sentence = reading.sentence_at(phrase.start)
        scope_start = previous_end.get(sentence.start, sentence.start)
        previous_end[sentence.start] = phrase.end
        clause_start, clause_end = reading.clause_around(sentence, phrase.start, phrase.end)
        if grammar.period_kept(text, phrase, clause_start, clause_end, index=reading.index):
            continue
        found = grammar.action_and_place(
            text, phrase.start, phrase.end, sentence.start, sentence.end, index=reading.index
        )
        if found is None:
            continue
        action, verb_place = found
        rights, right_reasons = reading.rights_of_promise(sentence, phrase.start)
        if not rights:
            continue
        trigger = grammar.clock_start_of(text, sentence.start, phrase.start, triggers=reading.clock_triggers(sentence))
        hedge, hedge_span = grammar.hedge_of(text, scope_start, phrase.start)
        start, end = reading.quote_span(sentence, phrase.start, phrase.end)
        facts = [Fact("deadline", phrase.start, phrase.end)]
        if trigger:
            facts.append(Fact("clock", trigger.start, trigger.end))
        if hedge_span:
            facts.append(Fact("hedge", *hedge_span))
        reasons = right_reasons + [
            "verb_after_deadline" if verb_place == "after" else "verb_before_deadline",
            "clock_stated" if trigger else "clock_from_receipt",
        ]
        if view is not None:
            start, end = view.span_to_original(start, end)
            facts = [Fact(f.kind, *view.span_to_original(f.start, f.end)) for f in facts]
            # A doubt only where the promise itself was read after normalising (a space elsewhere in the
            # sentence changes nothing a reviewer must check).
            lo = min(f.start for f in facts)
            hi = max(f.end for f in facts)
            if view.rules_between(lo, hi):
                reasons.append("normalised")
        channels = _channels_in(doc, *doc.section(start))
        for right in rights:
            promises.append(
                ProposedProcedure(
                    right=right,
                    action=action,
                    deadline=(phrase.min, phrase.max, phrase.unit),
                    clock_start=trigger.clock_start if trigger else ClockStart.RECEIPT,
                    hedge=hedge,
                    quote=doc.text[start:end],
                    start=start,
                    end=end,
                    channels=list(channels),
                    facts=list(facts),
                    rule="deadline_sentence",
                    reasons=list(reasons),
                )
            )
    return promises


class _PromiseWords:
    """What a deadline sentence says about its rights that depends on where the deadline is: the first
    catch-all in it (除上述…外) and where each right is named."""

    def __init__(self, doc: Document, sentence: Sentence):
        self.catch = grammar.catch_all(doc.text, sentence.start, sentence.end)
        self.mentions = grammar.right_mentions(doc.text, sentence.start, sentence.end, index=doc.index)
        self._starts = [pos for pos, _right in self.mentions]

    def key(self, deadline_start: int) -> tuple[bool, bool]:
        """(a catch-all is written before the deadline, the right named last before it is a complaint)."""
        i = bisect.bisect_left(self._starts, deadline_start) - 1
        last_before = self.mentions[i][1] if i >= 0 else None
        return (self.catch is not None and self.catch.start < deadline_start, last_before == Right.COMPLAINT)


def _rights_of_promise(
    doc: Document, sentence: Sentence, words: _PromiseWords, after_catch_all: bool, complaint_last: bool
) -> tuple[list[str], list[str]]:
    """The rights a deadline sentence promises for, and the reasons (confidence.py) for reading them so.

    The sentence names them; or its paragraph's inline sub-title does ("【查阅】…", "更正：…"); or its heading
    does ("(四)注销您的账户"); or, when it names nothing and is no request in itself ("我们将在15个工作日内
    完成。"), the sentence before it. When both sentence and heading name rights, their common one wins.
    Cancelling an account implies deleting its data: a sentence naming both is about cancellation. A
    complaint or appeal filed about something (对注销结果有异议，可以提出申诉) is a complaint: the right named
    last before the deadline (complaint_last). A deadline after a catch-all (除上述…外，您有任何其他要求;
    after_catch_all) is for the requests it does not exclude, never the heading's. A promise for requests in
    general ("响应您的上述请求", "如何联系我们") is any_request. A deadline in neither kind of context (a
    refund, a security incident) is no rights promise."""
    text = doc.text
    if after_catch_all:
        catch = words.catch
        own = [r for pos, r in words.mentions if not catch.start <= pos < catch.end and r not in catch.excluded]
        own = list(dict.fromkeys(own))
        if 1 <= len(own) <= 2:
            return own, ["right_in_sentence"] + (["several_rights"] if len(own) > 1 else [])
        return [Right.ANY_REQUEST], ["catch_all"]

    title = doc._remember(
        ("inline title", doc.line_of(sentence.start)), lambda: grammar.inline_title(text, *doc.line_of(sentence.start))
    )
    heading = doc.heading_at(sentence.start)
    if title:
        in_heading, heading_reason = title[2], "right_in_inline_title"
    else:
        in_heading, heading_reason = (grammar.rights_in_order(heading.title) if heading else []), "right_from_heading"

    in_sentence = doc.sentence_rights(sentence)
    sentence_reason = "right_in_sentence"
    request_here = grammar.is_request_context(text, sentence.start, sentence.end)
    context = [(sentence.start, sentence.end)]
    if not in_sentence and not request_here and not title:
        i = bisect.bisect_right(doc._sentence_starts, sentence.start) - 1
        section_start = doc.section(sentence.start)[0]
        if i > 0 and doc.sentences[i - 1].start >= section_start:
            previous = doc.sentences[i - 1]
            context.append((previous.start, previous.end))
            in_sentence = doc.sentence_rights(previous)
            sentence_reason = "right_from_previous_sentence"
    if set(in_sentence) == {Right.ACCOUNT_CANCELLATION, Right.DELETION}:
        in_sentence = [Right.ACCOUNT_CANCELLATION]
    if complaint_last and sentence_reason == "right_in_sentence":
        in_sentence = [Right.COMPLAINT]
    if not in_sentence and any(grammar.NOT_A_REQUEST.search(text, lo, hi) for lo, hi in context):
        return [], []
    if in_heading and in_sentence:
        common = [r for r in in_heading if r in in_sentence]
        if common:
            chosen, reasons = common[:1], [sentence_reason]
        elif len(in_sentence) == 1:
            chosen, reasons = in_sentence, [sentence_reason]
        elif len(in_heading) == 1:
            chosen, reasons = in_heading, [heading_reason]
        else:
            chosen, reasons = [], []
    elif in_sentence:
        chosen, reasons = (in_sentence, [sentence_reason]) if len(in_sentence) <= 2 else ([], [])
    else:
        chosen, reasons = (in_heading, [heading_reason]) if len(in_heading) <= 2 else ([], [])
    if chosen:
        return chosen, reasons + (["several_rights"] if len(chosen) > 1 else [])
    if any(grammar.is_request_context(text, lo, hi) for lo, hi in context):
        return [Right.ANY_REQUEST], ["request_in_sentence"]
    if any(grammar.is_request_context(h.title) for h in doc.heading_chain(sentence.start)):
        return [Right.ANY_REQUEST], ["request_from_heading"]
    return [], []


def _channels_with_spans(doc: Document, start: int, end: int) -> list[tuple[dict, tuple[int, int]]]:
    """The channels named in text[start:end] with where they are, menu paths' steps left out (客服中心 in
    个人中心-》客服中心 is a step, not a channel). Read once for the document, then looked up by position."""
    return doc.channels().within(start, end)


class _Channels:
    """Every channel the document names, by position; and, for the many windows the promises ask about, each
    distinct channel once, in the order first named (a section naming 客服 a thousand times is cheap)."""

    _FEW = 32  # with at most this many distinct channels, look each up rather than read the window

    def __init__(self, found: list[tuple[dict, tuple[int, int]]]):
        self.found = found
        self.starts = [span[0] for _c, span in found]
        self.ends = [span[1] for _c, span in found]
        keys: dict[tuple[str, str], int] = {}
        self.ids = [keys.setdefault((c["kind"], c["value"]), len(keys)) for c, _span in found]
        self.keys = list(keys)
        self.longest = max((e - s for _c, (s, e) in found), default=0)
        self.where: list[list[int]] = [[] for _ in self.keys]  # id -> its indexes in found
        for i, channel_id in enumerate(self.ids):
            self.where[channel_id].append(i)

    def within(self, start: int, end: int) -> list[tuple[dict, tuple[int, int]]]:
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return [item for item in self.found[lo:hi] if item[1][1] <= end]

    def distinct_within(self, start: int, end: int) -> list[tuple[str, str]]:
        """The (kind, value) of the channels named in text[start:end], each once, in the order first named."""
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        # Channels starting before `safe` end by `end`; only those after it need their end checked.
        safe = bisect.bisect_left(self.starts, end - self.longest, lo, hi)
        if len(self.keys) <= self._FEW:
            firsts = []
            for channel_id, where in enumerate(self.where):
                k = bisect.bisect_left(where, lo)
                while k < len(where) and where[k] < hi and where[k] >= safe and self.ends[where[k]] > end:
                    k += 1
                if k < len(where) and where[k] < hi:
                    firsts.append((where[k], channel_id))
            return [self.keys[channel_id] for _i, channel_id in sorted(firsts)]
        ids = dict.fromkeys(self.ids[lo:safe])
        ids.update(dict.fromkeys(self.ids[i] for i in range(safe, hi) if self.ends[i] <= end))
        return [self.keys[channel_id] for channel_id in ids]


def _all_channels(doc: Document) -> list[tuple[dict, tuple[int, int]]]:
    text = doc.text
    found = [({"kind": ChannelKind.PHONE, "value": f.value}, (f.start, f.end)) for f in doc.found_phones]
    found += [({"kind": ChannelKind.EMAIL, "value": f.value}, (f.start, f.end)) for f in doc.found_emails]
    found += [({"kind": ChannelKind.POST, "value": f.value}, (f.start, f.end)) for f in doc.found_addresses]
    for f in find_channel_words(text, app_name=doc.app_name):
        kind, value = f.value.split(":", 1)
        found.append(({"kind": kind, "value": value}, (f.start, f.end)))
    path_starts = [p.start for p in doc.paths]
    kept = []
    for channel, (s, e) in found:
        i = bisect.bisect_right(path_starts, s) - 1
        if i >= 0 and s < doc.paths[i].end:
            continue
        kept.append((channel, (s, e)))
    return sorted(kept, key=lambda item: item[1][0])


def _channels_in(doc: Document, start: int, end: int) -> list[dict]:
    # Each distinct channel once (what _unique keeps), before the rules below look at them.
    channels = [{"kind": kind, "value": value} for kind, value in doc.channels().distinct_within(start, end)]
    if any(c["kind"] == ChannelKind.PHONE for c in channels):
        # The number itself is the channel; "客服电话" beside it says nothing more.
        channels = [
            c
            for c in channels
            if not (c["kind"] == ChannelKind.CUSTOMER_SERVICE and re.search(r"电话|热线", c["value"]))
        ]
    elif any(re.search(r"电话|热线", c["value"]) for c in channels):
        # "拨打客服电话" without a number: the number is the one the policy lists elsewhere (附一: 热线电话).
        channels += [{"kind": ChannelKind.PHONE, "value": phone} for phone in doc.phones]
    return _unique(channels)


# --- Means: self-service paths and places, and channels named for a right -------------------------------

_INSTRUCTION = re.compile(r"您(?:也|还|均)?(?:可以|可)|请(?:您)?(?:通过|联系|与|向)|可通过|可联系|可以通过")


@dataclass(frozen=True)
class Means:
    """One way to exercise a right, found at text[start:end]: a self-service path or place, or a channel."""

    kind: str
    value: str
    start: int
    end: int
    rights: tuple[str, ...]

    @property
    def self_service(self) -> bool:
        return self.kind == ChannelKind.SELF_SERVICE


_REFERS_BACK = re.compile(r"上述(?:途径|方式|路径|操作|页面)|同样|同一(?:途径|路径|页面)")


def _rights_of_means(doc: Document, start: int, end: int, own_words: str) -> list[str]:
    """The rights a path or place serves: its own words say so ("…-注销账户"), or the words after it in its
    clause ("“我的-电影票”查阅或删除…", "…路径选择关闭") and in later clauses that refer back to it
    ("你也可通过上述途径更新"), or the words before it ("注销途径为:…"), its sentence, or its heading.
    Switching something off (关闭, 取消) counts as withdrawing consent only right next to the place."""
    text, index = doc.text, doc.index
    sentence = doc.sentence_at(start)
    by_words = grammar.rights_in_order(own_words)
    after_rights, first_after = doc.clauses(sentence).after(end)
    if not after_rights and first_after and index.search(grammar.PATH_CONSENT_WITHDRAWAL, *first_after):
        after_rights = [Right.CONSENT_WITHDRAWAL]
    clause_start = doc.clause_start(sentence, start)
    before_rights = grammar.rights_in_order(text, clause_start, start, index=index)
    if not before_rights and index.search(grammar.PATH_CONSENT_WITHDRAWAL, clause_start, start):
        before_rights = [Right.CONSENT_WITHDRAWAL]
    context = after_rights or before_rights or doc.sentence_rights(sentence)
    if not context:
        heading = doc.heading_at(start)
        context = grammar.rights_in_order(heading.title) if heading else []
    return list(dict.fromkeys(by_words + context))


def _rights_of_channel(doc: Document, start: int, end: int) -> list[str]:
    """The rights a channel is offered for: those named in its clause ("您可以 联系与您对接的产品人员
    申请注销账户"), else in its sentence ("…投诉渠道,您可以通过…电话…与我们联系")."""
    sentence = doc.sentence_at(start)
    clauses = doc.clauses(sentence)
    k = clauses.holding(start)
    if k is not None and clauses.rights(k):
        return clauses.rights(k)
    rights = doc.sentence_rights(sentence)
    return rights if len(rights) <= 3 else []


# Cookies are the browser's business: their settings are not a procedure for a right against the app.
_COOKIES = re.compile(r"cookie", re.IGNORECASE)


def _means(doc: Document) -> list[Means]:
    text = doc.text
    means: list[Means] = []
    taken: set[int] = set()  # positions already read as a path or place

    def overlaps(start: int, end: int) -> bool:
        return any(i in taken for i in range(start, end))

    for path in doc.paths:
        rights = _rights_of_means(doc, path.start, path.end, path.steps[-1])
        taken.update(range(path.start, path.end))
        if rights:
            means.append(Means(path_kind(path), path.value, path.start, path.end, tuple(rights)))
    for place in find_self_service_places(text):
        if overlaps(place.start, place.end):
            continue
        sentence = doc.sentence_at(place.start)
        if doc.index.search(_COOKIES, sentence.start, sentence.end):
            continue
        rights = _rights_of_means(doc, place.start, place.end, place.value)
        taken.update(range(place.start, place.end))
        if rights:
            means.append(Means(ChannelKind.SELF_SERVICE, place.value, place.start, place.end, tuple(rights)))
    # Channels a sentence offers for a right it names: "您可以 联系与您对接的产品人员 申请注销账户".
    for sentence in doc.sentences:
        if not _INSTRUCTION.search(text, sentence.start, sentence.end):
            continue
        if not doc.sentence_rights(sentence):
            continue
        for channel, span in _channels_with_spans(doc, sentence.start, sentence.end):
            if overlaps(*span):
                continue
            rights = _rights_of_channel(doc, *span)
            if rights:
                means.append(Means(channel["kind"], channel["value"], span[0], span[1], tuple(rights)))
    return sorted(means, key=lambda m: m.start)


def _attach_means(doc: Document, promises: list[ProposedProcedure]) -> list[ProposedProcedure]:
    """Put each means on the promise for its right in the same section; otherwise gather them into one
    procedure per right and section: what a user does alone (completion) apart from what they ask the
    company for (a reply). Channels in the same sentence as a self-service place go with it."""
    text = doc.text
    groups: dict[tuple, ProposedProcedure] = {}
    all_means = _means(doc)
    self_service_in_sentence = {
        (doc.sentence_at(m.start).start, right) for m in all_means if m.self_service for right in m.rights
    }
    self_service_starts = sorted(m.start for m in all_means if m.self_service)
    promises_of = _PromisesByRight(promises)
    added: dict[int, set] = {}  # id(procedure) -> the paths and channels it has (lists would be searched)
    for means in all_means:
        section = doc.section(means.start)
        section_id = doc.section_id(means.start)
        sentence = doc.sentence_at(means.start)
        for right in means.rights:
            near = promises_of.in_span(right, *section)
            if near:
                target = promises[min(near)]
            else:
                self_service = means.self_service or (sentence.start, right) in self_service_in_sentence
                key = (right, section_id, self_service)
                target = groups.get(key)
                if target is None:
                    start, end = doc.quote_span(sentence, means.start, means.end)
                    target = groups[key] = ProposedProcedure(
                        right=right,
                        action=Action.COMPLETION if self_service else Action.REPLY,
                        deadline=None,
                        clock_start=ClockStart.RECEIPT,
                        hedge=Hedge.FIRM,
                        quote=text[start:end],
                        start=start,
                        end=end,
                        rule="self_service" if self_service else "channel",
                        reasons=[
                            "means_named"
                            if right in grammar.rights_in(text, means.start, means.end)
                            else "means_from_context"
                        ],
                    )
                else:
                    _extend_quote(doc, target, sentence, means)
            _add_means(target, means, added.setdefault(id(target), set()))
    procedures = _without_repeats(doc, list(groups.values()))
    for procedure in procedures:
        i = bisect.bisect_left(self_service_starts, procedure.start)
        if not (i < len(self_service_starts) and self_service_starts[i] < procedure.end):
            _inherit_general_promise(doc, procedure, promises, promises_of)
    return procedures


class _PromisesByRight:
    """The promises of each right by where their quotes start, to find those in a section by bisection."""

    def __init__(self, promises: list[ProposedProcedure]):
        self._by_right: dict[str, tuple[list[int], list[int]]] = {}
        for i in sorted(range(len(promises)), key=lambda i: (promises[i].start, i)):
            starts, ids = self._by_right.setdefault(promises[i].right, ([], []))
            starts.append(promises[i].start)
            ids.append(i)

    def in_span(self, right: str, start: int, end: int) -> list[int]:
        """The indexes (in the promises list) of the right's promises quoted from within text[start:end]."""
        starts, ids = self._by_right.get(right, ([], []))
        return ids[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]


def _without_repeats(doc: Document, procedures: list[ProposedProcedure]) -> list[ProposedProcedure]:
    """A path given twice for one right (under 撤回同意 and again under 注销帐号) is one procedure, quoted
    where the heading names that right."""
    kept: list[ProposedProcedure] = []
    position: dict[tuple, int] = {}  # what makes two procedures twins -> where the first is in kept
    for procedure in sorted(procedures, key=lambda p: p.start):
        key = (
            procedure.right,
            procedure.action,
            tuple(sorted(procedure.paths)),
            tuple((c["kind"], c["value"]) for c in procedure.channels),
        )
        if key not in position:
            position[key] = len(kept)
            kept.append(procedure)
        elif _heading_names(doc, procedure) and not _heading_names(doc, kept[position[key]]):
            kept[position[key]] = procedure
    return kept


def _heading_names(doc: Document, procedure: ProposedProcedure) -> bool:
    heading = doc.heading_at(procedure.start)
    return bool(heading) and procedure.right in grammar.rights_in(heading.title)


def _add_means(procedure: ProposedProcedure, means: Means, added: set) -> None:
    """Add a path or channel once; `added` holds what the procedure has (in its lists, in order)."""
    if not added:
        added.update(("path", p) for p in procedure.paths)
        added.update(("channel", c["kind"], c["value"]) for c in procedure.channels)
    if means.self_service:
        if ("path", means.value) not in added:
            added.add(("path", means.value))
            procedure.paths.append(means.value)
    else:
        if ("channel", means.kind, means.value) not in added:
            added.add(("channel", means.kind, means.value))
            procedure.channels.append({"kind": means.kind, "value": means.value})
    procedure.facts.append(Fact("path" if means.self_service else "channel", means.start, means.end))


def _extend_quote(doc: Document, procedure: ProposedProcedure, sentence: Sentence, means: Means) -> None:
    """Quote every sentence a procedure is built from, while they are close together."""
    start, end = doc.quote_span(sentence, means.start, means.end)
    new_start, new_end = min(start, procedure.start), max(end, procedure.end)
    if new_end - new_start <= 2 * _MAX_QUOTE:
        procedure.start, procedure.end, procedure.quote = new_start, new_end, doc.text[new_start:new_end]


def _inherit_general_promise(
    doc: Document, procedure: ProposedProcedure, promises: list[ProposedProcedure], promises_of: _PromisesByRight
) -> None:
    """A request for a right made through a channel that a section offers is answered under that section's
    general promise ("如何联系我们 … 我们将在7-15个工作日内回复您的请求 … 投诉渠道"). A route offered to
    someone dissatisfied with that answer ("如您不满意，还可以通过客服投诉") escalates it: the promise that
    was not enough does not bind it."""
    section = doc.section(procedure.start)
    general = promises_of.in_span(Right.ANY_REQUEST, *section)
    if not general:
        return
    promise = promises[min(general, key=lambda i: (abs(promises[i].start - procedure.start), i))]
    if promise.start < procedure.start and doc.index.search(grammar.ESCALATION, promise.end, procedure.end):
        return
    start, end = min(promise.start, procedure.start), max(promise.end, procedure.end)
    if end - start > 2 * _MAX_QUOTE:
        return  # too far apart to quote together; the general promise itself still stands for any request
    procedure.deadline, procedure.clock_start, procedure.hedge = promise.deadline, promise.clock_start, promise.hedge
    procedure.action = promise.action
    procedure.rule = "general_promise"
    procedure.reasons = procedure.reasons + ["general_promise"]
    procedure.start, procedure.end, procedure.quote = start, end, doc.text[start:end]
    procedure.facts.extend(f for f in promise.facts if f.kind != "channel")


# --- Highlighting a stored quote --------------------------------------------------------------------------


def facts_in(text: str, start: int, end: int) -> list[Fact]:
    """The facts the grammar recognises in text[start:end] (for highlighting a stored procedure's quote)."""
    facts = [Fact("deadline", p.start, p.end) for p in grammar.find_deadlines(text, start, end)]
    facts += [Fact("clock", t.start, t.end) for t in grammar.clock_triggers(text, start, end)]
    for pattern in (grammar.CAP_WORDS, grammar.SOFT_WORDS):
        facts += [Fact("hedge", m.start(), m.end()) for m in pattern.finditer(text, start, end)]
    facts += [Fact("path", p.start, p.end) for p in find_paths(text, start, end)]
    return sorted(facts, key=lambda f: (f.start, -f.end))
