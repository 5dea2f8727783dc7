"""The extractor: a policy's text -> the catalog entries it proposes, each tied to its sentence.

Pure: no database, no I/O. extract(text) reads the document's layout (headings, sentences), finds every
deadline phrase with grammar.py in the text's normalised surface (normalise.py), keeps those that promise a
reply or completion of a user's request, and reads the right, clock start, hedge and action around each;
it then adds the self-service paths and channels the policy gives for each right. Every proposal carries
the rule that produced it and its reasons (confidence.py); its quote is cut from the original text.
"""
from __future__ import annotations

import bisect
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
    rf"^{_BULLET}(?:(?P<num>" + "|".join(f"(?P<n{i}>{p})" for i, (_, p) in enumerate(_NUMBERING)) + r"))?\s*(?P<title>[^\n]*?)\s*$"
)
_SENTENCE_END = re.compile(r"[。！？!?]+|\n")
_LEADING_MARKER = re.compile(
    rf"{_BULLET}(?:" + "|".join(p for _, p in _NUMBERING) + r")?\s*"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MAX_QUOTE = 300


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
    """The text with its headings and sentences, and lookups by position."""

    def __init__(self, text: str, app_name: str = ""):
        self.text = text
        self.app_name = app_name
        self.phones: list[str] = []  # the policy's phone numbers, for a "客服电话" given without its number
        # Contacts as extract() found them once (with positions), reused as channels.
        self.found_phones: list = []
        self.found_emails: list = []
        self.found_addresses: list = []
        self.paths = find_paths(text)
        self._channels: list | None = None
        self.view: Normalised | None = None  # set on the normalised reading of a document
        self._channel_starts: list[int] = []
        self.headings = _headings(text)
        self._heading_starts = [h.start for h in self.headings]
        self.sentences = _sentences(text)
        self._sentence_starts = [s.start for s in self.sentences]

    def normalised_reading(self, view: Normalised) -> Document:
        """This document as the promise grammar reads it: the normalised text, with the same headings and
        sentences (normalising never removes a line break or a sentence end) at their normalised positions.
        Paths and channels stay on the original document."""
        if not view.changed:
            return self
        reading = Document.__new__(Document)
        reading.text, reading.app_name, reading.phones, reading.paths = view.text, self.app_name, self.phones, []
        reading._channels, reading._channel_starts, reading.view = [], [], view
        heading_at = view.to_normalised_sorted([p for h in self.headings for p in (h.start, h.end)])
        reading.headings = [
            Heading(heading_at[2 * i], heading_at[2 * i + 1], h.level, _normalised_title(h.title))
            for i, h in enumerate(self.headings)
        ]
        reading._heading_starts = [h.start for h in reading.headings]
        sentence_at = view.to_normalised_sorted([p for s in self.sentences for p in (s.start, s.end)])
        reading.sentences = [Sentence(sentence_at[2 * i], sentence_at[2 * i + 1]) for i in range(len(self.sentences))]
        reading._sentence_starts = [s.start for s in reading.sentences]
        return reading

    def heading_at(self, pos: int) -> Heading | None:
        i = bisect.bisect_right(self._heading_starts, pos) - 1
        return self.headings[i] if i >= 0 else None

    def heading_chain(self, pos: int) -> list[Heading]:
        """The heading a position is under, then its parents (outer headings), nearest first."""
        chain = []
        i = bisect.bisect_right(self._heading_starts, pos) - 1
        level = 99
        while i >= 0:
            h = self.headings[i]
            if h.level < level:
                chain.append(h)
                level = h.level
                if level == 0:
                    break
            i -= 1
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
            start, end = self.headings[i].start, len(self.text)
            for h in self.headings[i + 1 :]:
                if h.level <= self.headings[i].level:
                    end = h.start
                    break
        return max(start, pos - limit), min(end, pos + limit)

    def sentence_at(self, pos: int) -> Sentence:
        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        return self.sentences[max(i, 0)]


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


def quote_span(text: str, sentence: Sentence, focus_start: int, focus_end: int) -> tuple[int, int]:
    """The sentence without its list marker and surrounding spaces; a very long one (a table without
    punctuation) is cut to the clauses around the focus."""
    start, end = sentence.start, sentence.end
    marker = _LEADING_MARKER.match(text, start, end)
    if marker and marker.end() <= focus_start:
        start = marker.end()
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start > _MAX_QUOTE:
        lo = max(start, focus_start - _MAX_QUOTE // 2)
        hi = min(end, focus_end + _MAX_QUOTE // 2)
        clause_start = max((m.end() for m in re.finditer(r"[，,；;]", text[start:focus_start])), default=0) + start
        lo = clause_start if clause_start >= lo else lo
        clause_end = re.search(r"[，,；;]", text[focus_end:hi])
        hi = focus_end + clause_end.end() if clause_end else hi
        start, end = lo, hi
    return start, end


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
        clause_start, clause_end = _clause_around(text, sentence, phrase.start, phrase.end)
        if grammar.period_kept(text, phrase, clause_start, clause_end):
            continue
        found = grammar.action_and_place(text, phrase.start, phrase.end, sentence.start, sentence.end)
        if found is None:
            continue
        action, verb_place = found
        rights, right_reasons = _rights_of_promise(reading, sentence, phrase.start)
        if not rights:
            continue
        trigger = grammar.clock_start_of(text, sentence.start, phrase.start)
        hedge, hedge_span = grammar.hedge_of(text, scope_start, phrase.start)
        start, end = quote_span(text, sentence, phrase.start, phrase.end)
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


def _clause_around(text: str, sentence: Sentence, start: int, end: int) -> tuple[int, int]:
    """The clause (between commas or semicolons) holding text[start:end], within its sentence."""
    clause_start = sentence.start
    for m in _CLAUSE_SEPARATOR.finditer(text, sentence.start, start):
        clause_start = m.end()
    m = _CLAUSE_SEPARATOR.search(text, end, sentence.end)
    return clause_start, m.start() if m else sentence.end


def _rights_of_promise(doc: Document, sentence: Sentence, deadline_start: int) -> tuple[list[str], list[str]]:
    """The rights a deadline sentence promises for, and the reasons (confidence.py) for reading them so.

    The sentence names them; or its paragraph's inline sub-title does ("【查阅】…", "更正：…"); or its heading
    does ("(四)注销您的账户"); or, when it names nothing and is no request in itself ("我们将在15个工作日内
    完成。"), the sentence before it. When both sentence and heading name rights, their common one wins.
    Cancelling an account implies deleting its data: a sentence naming both is about cancellation. A
    complaint or appeal filed about something (对注销结果有异议，可以提出申诉) is a complaint. A catch-all
    (除上述…外，您有任何其他要求) is for the requests it does not exclude, never the heading's. A promise for
    requests in general ("响应您的上述请求", "如何联系我们") is any_request. A deadline in neither kind of
    context (a refund, a security incident) is no rights promise."""
    text = doc.text
    catch = grammar.catch_all(text, sentence.start, deadline_start)
    if catch:
        own = [
            r
            for r in grammar.rights_in_order(text, sentence.start, catch.start) + grammar.rights_in_order(text, catch.end, sentence.end)
            if r not in catch.excluded
        ]
        own = list(dict.fromkeys(own))
        if 1 <= len(own) <= 2:
            return own, ["right_in_sentence"] + (["several_rights"] if len(own) > 1 else [])
        return [Right.ANY_REQUEST], ["catch_all"]

    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.start)
    title = grammar.inline_title(text, line_start, line_end if line_end >= 0 else len(text))
    heading = doc.heading_at(sentence.start)
    if title:
        in_heading, heading_reason = title[2], "right_in_inline_title"
    else:
        in_heading, heading_reason = (grammar.rights_in_order(heading.title) if heading else []), "right_from_heading"

    in_sentence = grammar.rights_in_order(text, sentence.start, sentence.end)
    sentence_reason = "right_in_sentence"
    request_here = grammar.is_request_context(text, sentence.start, sentence.end)
    context = [(sentence.start, sentence.end)]
    if not in_sentence and not request_here and not title:
        i = bisect.bisect_right(doc._sentence_starts, sentence.start) - 1
        section_start = doc.section(sentence.start)[0]
        if i > 0 and doc.sentences[i - 1].start >= section_start:
            previous = doc.sentences[i - 1]
            context.append((previous.start, previous.end))
            in_sentence = grammar.rights_in_order(text, previous.start, previous.end)
            sentence_reason = "right_from_previous_sentence"
    if set(in_sentence) == {Right.ACCOUNT_CANCELLATION, Right.DELETION}:
        in_sentence = [Right.ACCOUNT_CANCELLATION]
    if Right.COMPLAINT in in_sentence and sentence_reason == "right_in_sentence":
        if grammar.last_right_before(text, sentence.start, deadline_start) == Right.COMPLAINT:
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
    if doc._channels is None:
        doc._channels = _all_channels(doc)
        doc._channel_starts = [span[0] for _c, span in doc._channels]
    lo = bisect.bisect_left(doc._channel_starts, start)
    hi = bisect.bisect_left(doc._channel_starts, end)
    return [(c, span) for c, span in doc._channels[lo:hi] if span[1] <= end]


def _all_channels(doc: Document) -> list[tuple[dict, tuple[int, int]]]:
    text = doc.text
    found = [
        ({"kind": ChannelKind.PHONE, "value": f.value}, (f.start, f.end))
        for f in doc.found_phones
    ]
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
    channels = [c for c, _span in _channels_with_spans(doc, start, end)]
    if any(c["kind"] == ChannelKind.PHONE for c in channels):
        # The number itself is the channel; "客服电话" beside it says nothing more.
        channels = [c for c in channels if not (c["kind"] == ChannelKind.CUSTOMER_SERVICE and re.search(r"电话|热线", c["value"]))]
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


_CLAUSE_SEPARATOR = re.compile(r"[，,；;]")


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [start] + [m.end() for m in _CLAUSE_SEPARATOR.finditer(text, start, end)] + [end]
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1) if cuts[i] < cuts[i + 1]]


_REFERS_BACK = re.compile(r"上述(?:途径|方式|路径|操作|页面)|同样|同一(?:途径|路径|页面)")


def _rights_of_means(doc: Document, start: int, end: int, own_words: str) -> list[str]:
    """The rights a path or place serves: its own words say so ("…-注销账户"), or the words after it in its
    clause ("“我的-电影票”查阅或删除…", "…路径选择关闭") and in later clauses that refer back to it
    ("你也可通过上述途径更新"), or the words before it ("注销途径为:…"), its sentence, or its heading.
    Switching something off (关闭, 取消) counts as withdrawing consent only right next to the place."""
    text = doc.text
    sentence = doc.sentence_at(start)
    by_words = grammar.rights_in_order(own_words)
    after = [c for c in _clauses(text, end, sentence.end) if text[c[0] : c[1]].strip(" ，,；;”“\"")]
    after_rights: list[str] = []
    for i, (lo, hi) in enumerate(after):
        if i == 0 or _REFERS_BACK.search(text, lo, hi):
            after_rights += grammar.rights_in_order(text, lo, hi)
    if not after_rights and after and grammar.PATH_CONSENT_WITHDRAWAL.search(text, *after[0]):
        after_rights = [Right.CONSENT_WITHDRAWAL]
    clause_start = sentence.start + max(
        (m.end() for m in re.finditer(r"[，,；;。\n]", text[sentence.start : start])), default=0
    )
    before_rights = grammar.rights_in_order(text, clause_start, start)
    if not before_rights and grammar.PATH_CONSENT_WITHDRAWAL.search(text, clause_start, start):
        before_rights = [Right.CONSENT_WITHDRAWAL]
    context = after_rights or before_rights or grammar.rights_in_order(text, sentence.start, sentence.end)
    if not context:
        heading = doc.heading_at(start)
        context = grammar.rights_in_order(heading.title) if heading else []
    return list(dict.fromkeys(by_words + context))


def _rights_of_channel(doc: Document, start: int, end: int) -> list[str]:
    """The rights a channel is offered for: those named in its clause ("您可以 联系与您对接的产品人员
    申请注销账户"), else in its sentence ("…投诉渠道,您可以通过…电话…与我们联系")."""
    text = doc.text
    sentence = doc.sentence_at(start)
    for lo, hi in _clauses(text, sentence.start, sentence.end):
        if lo <= start < hi:
            rights = grammar.rights_in_order(text, lo, hi)
            if rights:
                return rights
    rights = grammar.rights_in_order(text, sentence.start, sentence.end)
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
        if _COOKIES.search(text, sentence.start, sentence.end):
            continue
        rights = _rights_of_means(doc, place.start, place.end, place.value)
        taken.update(range(place.start, place.end))
        if rights:
            means.append(Means(ChannelKind.SELF_SERVICE, place.value, place.start, place.end, tuple(rights)))
    # Channels a sentence offers for a right it names: "您可以 联系与您对接的产品人员 申请注销账户".
    for sentence in doc.sentences:
        if not _INSTRUCTION.search(text, sentence.start, sentence.end):
            continue
        if not grammar.rights_in(text, sentence.start, sentence.end):
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
    for means in all_means:
        section = doc.section(means.start)
        section_id = doc.section_id(means.start)
        sentence = doc.sentence_at(means.start)
        for right in means.rights:
            near = [p for p in promises if p.right == right and section[0] <= p.start < section[1]]
            if near:
                target = near[0]
            else:
                self_service = means.self_service or (sentence.start, right) in self_service_in_sentence
                key = (right, section_id, self_service)
                target = groups.get(key)
                if target is None:
                    start, end = quote_span(text, sentence, means.start, means.end)
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
                            "means_named" if right in grammar.rights_in(text, means.start, means.end) else "means_from_context"
                        ],
                    )
                else:
                    _extend_quote(text, target, sentence, means)
            _add_means(target, means)
    procedures = _without_repeats(doc, list(groups.values()))
    for procedure in procedures:
        i = bisect.bisect_left(self_service_starts, procedure.start)
        if not (i < len(self_service_starts) and self_service_starts[i] < procedure.end):
            _inherit_general_promise(doc, procedure, promises)
    return procedures


def _without_repeats(doc: Document, procedures: list[ProposedProcedure]) -> list[ProposedProcedure]:
    """A path given twice for one right (under 撤回同意 and again under 注销帐号) is one procedure, quoted
    where the heading names that right."""
    kept: list[ProposedProcedure] = []
    for procedure in sorted(procedures, key=lambda p: p.start):
        twin = next(
            (
                k
                for k in kept
                if (k.right, k.action, sorted(k.paths), k.channels)
                == (procedure.right, procedure.action, sorted(procedure.paths), procedure.channels)
            ),
            None,
        )
        if twin is None:
            kept.append(procedure)
        elif _heading_names(doc, procedure) and not _heading_names(doc, twin):
            kept[kept.index(twin)] = procedure
    return kept


def _heading_names(doc: Document, procedure: ProposedProcedure) -> bool:
    heading = doc.heading_at(procedure.start)
    return bool(heading) and procedure.right in grammar.rights_in(heading.title)


def _add_means(procedure: ProposedProcedure, means: Means) -> None:
    if means.self_service:
        if means.value not in procedure.paths:
            procedure.paths.append(means.value)
    else:
        channel = {"kind": means.kind, "value": means.value}
        if channel not in procedure.channels:
            procedure.channels.append(channel)
    procedure.facts.append(Fact("path" if means.self_service else "channel", means.start, means.end))


def _extend_quote(text: str, procedure: ProposedProcedure, sentence: Sentence, means: Means) -> None:
    """Quote every sentence a procedure is built from, while they are close together."""
    start, end = quote_span(text, sentence, means.start, means.end)
    new_start, new_end = min(start, procedure.start), max(end, procedure.end)
    if new_end - new_start <= 2 * _MAX_QUOTE:
        procedure.start, procedure.end, procedure.quote = new_start, new_end, text[new_start:new_end]


def _inherit_general_promise(doc: Document, procedure: ProposedProcedure, promises: list[ProposedProcedure]) -> None:
    """A request for a right made through a channel that a section offers is answered under that section's
    general promise ("如何联系我们 … 我们将在7-15个工作日内回复您的请求 … 投诉渠道"). A route offered to
    someone dissatisfied with that answer ("如您不满意，还可以通过客服投诉") escalates it: the promise that
    was not enough does not bind it."""
    section = doc.section(procedure.start)
    general = [p for p in promises if p.right == Right.ANY_REQUEST and section[0] <= p.start < section[1]]
    if not general:
        return
    promise = min(general, key=lambda p: abs(p.start - procedure.start))
    if promise.start < procedure.start and grammar.ESCALATION.search(doc.text, promise.end, procedure.end):
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
