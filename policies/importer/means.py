"""Means: the self-service paths and places, and the channels a sentence offers for a right, attached to the
promise for that right in their section or gathered into procedures of their own."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from policies.models import Action, ChannelKind, ClockStart, Hedge, Right

from . import grammar
from .channels import channels_with_spans
from .document import MAX_QUOTE, Document, Sentence
from .paths import find_self_service_places, path_kind
from .pointers import CONTACTS_REFERENCE, pointer_after_granted_rights, policy_contacts
from .proposals import Fact, ProposedProcedure

# "您可以…", "请通过…"; also a right the reader has by calling or going somewhere ("您有权通过拨打客服热线查询";
# not "有权通过本政策的联系方式要求…", which asks for more than it names) and a route the reader needs
# ("注销账号需联系示例客服人员").
# (One leading class, then a lookbehind for each word: searched as fast as a pattern with one first literal.)
_INSTRUCTION = re.compile(
    r"[您请可有需须](?:(?<=您)(?:也|还|均)?(?:可以|可)|(?<=请)(?:您)?(?:通过|联系|与|向)|(?<=可)(?:以)?(?:随时)?(?:通过|联系)"
    r"|(?<=有)权(?:通过)?(?:拨打|致电|前往)|(?<=[需须])(?<![无不].)要?(?:联系|拨打|致电|前往))"
)


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


def _clauses(doc: Document, sentence: Sentence) -> _Clauses:
    return doc.remember(("clauses", sentence.start), lambda: _Clauses(doc, sentence))


_GOES_ON = re.compile(r"\s*(?:并且?|以及|还可以|也可以)")
_ONE_VERB = re.compile(rf"[\s，,]*{grammar.RIGHT_WORD}[\s，,]*")
# What is left of a clause without these is no clause ("，”" after a path).
_CLAUSE_PADDING = ' ，,；;”“"'


class _Clauses:
    """A sentence cut into clauses at ，/；, with what the words around a path or channel ask of them: the
    rights each names, whether it refers back (上述途径), and the first clause after a position."""

    def __init__(self, doc: Document, sentence: Sentence):
        self.doc, self.sentence = doc, sentence
        text = doc.text
        breaks = doc.quote_breaks
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
        rights = first_rights + self.referred_rights[k + 1]
        # "…中查询相关信息，并对部分信息更正、删除": a clause going on with 并 is still about the place; so is the
        # rest of a list of verbs written with commas ("…，查询，补充或更正您的信息")
        following = self.next_with_text[k + 1] if k + 1 < len(self.spans) else len(self.spans)
        if following < len(self.spans) and (
            _GOES_ON.match(self.doc.text, self.spans[following][0]) or _ONE_VERB.fullmatch(self.doc.text, *first)
        ):
            rights = rights + self.rights(following)
        return list(dict.fromkeys(rights)), first


def _rights_of_means(doc: Document, start: int, end: int, own_words: str) -> list[str]:
    """The rights a path or place serves: its own words say so ("…-注销账户"), or the words after it in its
    clause ("“我的-电影票”查阅或删除…", "…路径选择关闭") and in later clauses that refer back to it
    ("你也可通过上述途径更新"), or the words before it ("注销途径为:…"), its sentence, or its heading.
    Switching something off (关闭, 取消) counts as withdrawing consent only right next to the place."""
    text, index = doc.text, doc.index
    sentence = doc.sentence_at(start)
    by_words = grammar.rights_in_order(own_words)
    after_rights, first_after = _clauses(doc, sentence).after(end)
    if not after_rights and first_after and index.search(grammar.PATH_CONSENT_WITHDRAWAL, *first_after):
        after_rights = [Right.CONSENT_WITHDRAWAL]
    clause_start = doc.clause_start(sentence, start)
    before_rights = grammar.rights_in_order(text, clause_start, start, index=index)
    if not before_rights and index.search(grammar.PATH_CONSENT_WITHDRAWAL, clause_start, start):
        before_rights = [Right.CONSENT_WITHDRAWAL]
    context = after_rights or before_rights or doc.sentence_rights(sentence)
    if set(context) <= set(by_words):
        # Nothing but the means' own words: an item of a list that a sentence before introduced.
        context = context + _introduced_rights(doc, sentence)
    if not context:
        heading = doc.heading_at(start)
        context = grammar.rights_in_order(heading.title) if heading else []
    if not context and first_after and _VISITED.match(text, end, first_after[1]):
        # "通过【帐号→个人中心】访问、登录您的帐号": what a path is followed to look at, the reader has access to
        context = [Right.ACCESS]
    return list(dict.fromkeys(by_words + context))


_VISITED = re.compile(r"[】」』”\"\s*]{0,4}(?:来|以|中|里|内)?(?:访问|查看|查阅|浏览)")
# A sentence that introduces a list of ways ("您可通过以下途径查询、更正您的个人信息：").
_INTRODUCES_WAYS = re.compile(r"(?:以下|下述|如下|下列|下面的?)(?:列明的)?(?:途径|方式|路径|渠道|指引|步骤)")
_INTRO_LOOKBACK = 6  # sentences (list items) back from a path to the sentence that introduced the list
_INTRO_REACH = 800  # characters


def _introduced_rights(doc: Document, sentence: Sentence) -> list[str]:
    """The rights of the sentence that introduced the list a path or channel stands in: one naming ways to
    come ("以下途径", "如下方式") and ending in a colon, a few lines before it, in the same section. The items
    of "您可通过以下途径查询、更正您的个人信息：" are ways to have access and correction."""
    i = bisect.bisect_right(doc.sentence_starts, sentence.start) - 1
    section_id = doc.section_id(sentence.start)
    for k in range(i - 1, max(i - 1 - _INTRO_LOOKBACK, -1), -1):
        before = doc.sentences[k]
        if sentence.start - before.end > _INTRO_REACH or doc.section_id(before.start) != section_id:
            break
        if doc.text[before.start : before.end].rstrip().endswith(("：", ":")) and doc.index.search(
            _INTRODUCES_WAYS, before.start, before.end
        ):
            return doc.sentence_rights(before)
    return []


def _rights_of_channel(doc: Document, start: int, end: int) -> list[str]:
    """The rights a channel is offered for: those named in its clause ("您可以 联系与您对接的产品人员
    申请注销账户"), else in its sentence ("…投诉渠道,您可以通过…电话…与我们联系")."""
    sentence = doc.sentence_at(start)
    clauses = _clauses(doc, sentence)
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
    contacts = policy_contacts(doc)
    for sentence in doc.sentences:
        if not _INSTRUCTION.search(text, sentence.start, sentence.end):
            # "您可以通过以下途径注销已注册的账号：" then "发送邮件至：…": an item of a list of ways
            listed = channels_with_spans(doc, sentence.start, sentence.end)
            introduced = _introduced_rights(doc, sentence) if listed and not doc.sentence_rights(sentence) else []
            for channel, span in listed if introduced else ():
                if not overlaps(*span):
                    means.append(Means(channel["kind"], channel["value"], span[0], span[1], tuple(introduced)))
            continue
        if not doc.sentence_rights(sentence):
            pointer = pointer_after_granted_rights(doc, sentence) if contacts else None
            if pointer and not overlaps(*pointer[0].span()):
                m, rights = pointer
                means.extend(Means(kind, value, m.start(), m.end(), tuple(rights)) for kind, value in contacts)
            continue
        for channel, span in channels_with_spans(doc, sentence.start, sentence.end):
            if overlaps(*span):
                continue
            rights = _rights_of_channel(doc, *span)
            if rights:
                means.append(Means(channel["kind"], channel["value"], span[0], span[1], tuple(rights)))
        # "您可以通过本政策第九条的联系方式联系我们更正": the policy's own contacts, for the rights named
        if contacts:
            for m in CONTACTS_REFERENCE.finditer(text, sentence.start, sentence.end):
                if overlaps(*m.span()):
                    continue
                rights = _rights_of_channel(doc, *m.span())
                means.extend(
                    Means(kind, value, m.start(), m.end(), tuple(rights)) for kind, value in contacts if rights
                )
    means += _means_by_reference(doc, means)
    return sorted(means, key=lambda m: m.start)


# A way given by pointing to another part of the policy by its title: "通过“（一）访问您的个人信息”中罗列的
# 方式更正", "通过前款“查询、更正和补充您的信息”中列明的方式删除".
_SECTION_REFERENCE = re.compile(
    r"[“\"「](?P<title>[^”\"」\n]{2,30})[”\"」]\s{0,2}(?:部分|章节|一节|条款)?(?:中|里|内)?(?:所)?"
    r"(?:罗列|列明|说明|所述|载明|提及|列出|描述|提供|介绍)的?(?:方式|途径|路径|渠道|方法)"
)
_NUMBER = re.compile(r"^\s*[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]?\s*")
# A title quoted a little differently from its heading ("查询、更正和补充您的信息" for "查询、更正、补充您的个人信息")
# is the same title: compared without its list marks, conjunctions, possessives and "个人".
_TITLE_NOISE = re.compile(r"[\s、，,和及与或]|您的|你的|个人")


def _title_key(title: str) -> str:
    return _TITLE_NOISE.sub("", _NUMBER.sub("", title))


def _means_by_reference(doc: Document, means: list[Means]) -> list[Means]:
    """The paths and channels of the section a sentence points to by its title, for the rights the sentence
    names (beside the words of the title itself)."""
    text, found = doc.text, []
    titles = [_title_key(h.title) for h in doc.headings]
    starts = [m.start for m in means]
    for ref in _SECTION_REFERENCE.finditer(text):
        title = _title_key(ref["title"])
        target = next((i for i, t in enumerate(titles) if len(title) >= 4 and t and title in t), None)
        if target is None:
            continue
        rights = _rights_of_channel(doc, *ref.span())
        own = grammar.rights_in(title)
        rights = [r for r in rights if r not in own] or rights
        if not rights:
            continue
        lo, hi = doc.section(doc.headings[target].end)
        offered = dict.fromkeys(
            (m.kind, m.value) for m in means[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]
        )
        found.extend(Means(kind, value, ref.start(), ref.end(), tuple(rights)) for kind, value in offered)
    return found


def attach_means(doc: Document, promises: list[ProposedProcedure]) -> list[ProposedProcedure]:
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
    if new_end - new_start <= 2 * MAX_QUOTE:
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
    heading = doc.heading_at(procedure.start)
    if heading and grammar.ANSWERS_REQUESTS.search(heading.title):
        # Under "响应您的请求" the rights a channel is offered for are what may be asked; the section's promise
        # answers any of them as one request (it is not a promise per right).
        return
    promise = promises[min(general, key=lambda i: (abs(promises[i].start - procedure.start), i))]
    if promise.start < procedure.start and doc.index.search(grammar.ESCALATION, promise.end, procedure.end):
        return
    start, end = min(promise.start, procedure.start), max(promise.end, procedure.end)
    if end - start > 2 * MAX_QUOTE:
        return  # too far apart to quote together; the general promise itself still stands for any request
    procedure.deadline, procedure.clock_start, procedure.hedge = promise.deadline, promise.clock_start, promise.hedge
    procedure.action = promise.action
    procedure.rule = "general_promise"
    procedure.reasons = procedure.reasons + ["general_promise"]
    procedure.start, procedure.end, procedure.quote = start, end, doc.text[start:end]
    procedure.facts.extend(f for f in promise.facts if f.kind != "channel")
