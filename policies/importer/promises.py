"""Promises: the deadline sentences that promise a reply or completion of a request, with the rights each
is for and the reasons for reading them so."""

from __future__ import annotations

import bisect
import re

from policies.models import ClockStart, Right

from . import grammar
from .channels import channels_in
from .document import Document, Sentence
from .proposals import Fact, ProposedProcedure


def deadline_promises(doc: Document, reading: Document) -> list[ProposedProcedure]:
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
        if reading.index.search(_EXTENSION, clause_start, phrase.start):
            # "如需延长，延长期限不超过30日", "可以延长至30个工作日内", "在延长后的15个工作日内": how far the
            # first deadline may be stretched, no deadline of its own
            continue
        found = grammar.action_and_place(
            text, phrase.start, phrase.end, sentence.start, sentence.end, index=reading.index
        )
        if found is None:
            continue
        passage = reading.remember(
            ("closing down", sentence.start), lambda sentence=sentence: _closing_down_passage(reading, sentence)
        )
        if passage == "closing_down":
            continue
        action, verb_place = found
        rights, right_reasons = rights_of_promise(reading, sentence, phrase.start)
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
        if passage:
            reasons.append(passage)
        if Right.CONSENT_WITHDRAWAL in rights and reading.remember(
            ("unsubscribing", sentence.start), lambda sentence=sentence: _only_unsubscribing(reading, sentence)
        ):
            reasons.append("unsubscribing")
        if view is not None:
            start, end = view.span_to_original(start, end)
            facts = [Fact(f.kind, *view.span_to_original(f.start, f.end)) for f in facts]
            # A doubt only where the promise itself was read after normalising (a space elsewhere in the
            # sentence changes nothing a reviewer must check).
            lo = min(f.start for f in facts)
            hi = max(f.end for f in facts)
            if view.rules_between(lo, hi):
                reasons.append("normalised")
        channels = channels_in(doc, *doc.section(start))
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


_EXTENSION = re.compile(r"延长")
_AUTOMATED_DECISION = re.compile(r"自动(?:化)?决策")
# Unsubscribing (退订) from messages or a subscription is read as withdrawing consent, but only that word says so.
_UNSUBSCRIBING = re.compile(r"退订")
_CONSENT_WORDS = re.compile(r"撤回|撤销|收回|授权|同意")


def _only_unsubscribing(doc: Document, sentence: Sentence) -> bool:
    return bool(
        doc.index.search(_UNSUBSCRIBING, sentence.start, sentence.end)
        and not doc.index.search(_CONSENT_WORDS, sentence.start, sentence.end)
    )


_PARAGRAPH_REACH = 400  # characters of a paragraph before a sentence read for a closing-down passage


def _closing_down_passage(doc: Document, sentence: Sentence) -> str | None:
    """ "closing_down" when the sentence, the one before it in its paragraph or its heading speaks of closing
    down ("停止运营时，我们将通知您，并在90天内删除您的个人信息"): no request deadline, however it is worded;
    "closing_down_nearby" when only the paragraph further back does (the promise is read, never confident)."""
    text, index = doc.text, doc.index
    if grammar.closing_down(text, sentence.start, sentence.end, index=index):
        return "closing_down"
    previous = doc.sentence_before(sentence, same_line=True)
    if previous is not None and grammar.closing_down(text, previous.start, previous.end, index=index):
        return "closing_down"
    heading = doc.heading_at(sentence.start)
    if heading and grammar.closing_down(heading.title, 0, len(heading.title)):
        return "closing_down"
    lo = max(doc.line_of(sentence.start)[0], sentence.start - _PARAGRAPH_REACH)
    if lo < sentence.start and grammar.closing_down(text, lo, sentence.start, index=index):
        return "closing_down_nearby"
    return None


class _PromiseWords:
    """What a deadline sentence says about its rights that depends on where the deadline is: the first
    catch-all in it (除上述…外) and where each right is named."""

    def __init__(self, doc: Document, sentence: Sentence):
        self.catch = grammar.catch_all(doc.text, sentence.start, sentence.end)
        # "如果您对答复不满意，……可以投诉": the route after an escalation word is not what the promise answers
        self.escalation = grammar.ESCALATION.search(doc.text, sentence.start, sentence.end)
        self.mentions = grammar.right_mentions(doc.text, sentence.start, sentence.end, index=doc.index)
        self._starts = [pos for pos, _right in self.mentions]
        self.first_named: dict[str, int] = {}
        for pos, right in self.mentions:
            self.first_named.setdefault(right, pos)

    def key(self, deadline_start: int) -> tuple[bool, bool, bool]:
        """(a catch-all is written before the deadline, the right named last before it is a complaint, an
        escalation follows it)."""
        i = bisect.bisect_left(self._starts, deadline_start) - 1
        last_before = self.mentions[i][1] if i >= 0 else None
        return (
            self.catch is not None and self.catch.start < deadline_start,
            last_before == Right.COMPLAINT,
            self.escalation is not None and self.escalation.start() > deadline_start,
        )


def rights_of_promise(doc: Document, sentence: Sentence, deadline_start: int) -> tuple[list[str], list[str]]:
    """_rights_of_promise for the deadline at deadline_start: the sentence is read once; what differs from
    one deadline to the next (is a catch-all written before it, is a complaint the last right before it)
    is looked up, so at most four readings are made per sentence whatever the number of deadlines."""
    words = doc.remember(("promise words", sentence.start), lambda: _PromiseWords(doc, sentence))
    key = words.key(deadline_start)
    rights, reasons = doc.remember(
        ("promise", sentence.start, key), lambda: _rights_of_promise(doc, sentence, words, *key)
    )
    if reasons[:1] == ["right_in_sentence"] and _named_only_after(doc, sentence, words, rights, deadline_start):
        # "您有权要求我们做出解释，我们将在15个工作日内回复您的请求，为您提供申诉方法": the request is made
        # before the deadline; a right named only in a clause after it is what the answer offers.
        return [Right.ANY_REQUEST], ["request_in_sentence"]
    return rights, reasons


def _named_only_after(
    doc: Document, sentence: Sentence, words: _PromiseWords, rights: list[str], deadline_start: int
) -> bool:
    """Whether every right was first named in a clause after the deadline's, with a request before it."""
    clause_end = doc.clause_around(sentence, deadline_start, deadline_start)[1]
    return all(words.first_named.get(r, -1) >= clause_end for r in rights) and any(
        doc.index.search(pattern, sentence.start, deadline_start) for pattern in (grammar.GENERIC_REQUEST, _ASKED)
    )


_ASKED = re.compile(rf"要求{grammar.SELF}")


def _rights_of_promise(
    doc: Document,
    sentence: Sentence,
    words: _PromiseWords,
    after_catch_all: bool,
    complaint_last: bool,
    escalation_after: bool,
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

    numbered = _rights_of_numbered_items(doc, sentence)
    if numbered:
        # "在响应您上述3、4项要求前…": the items named by number give the rights, whatever the heading says
        return numbered, ["right_from_numbered_items"] + (["several_rights"] if len(numbered) > 1 else [])

    title = doc.remember(
        ("inline title", doc.line_of(sentence.start)), lambda: grammar.inline_title(text, *doc.line_of(sentence.start))
    )
    heading = doc.heading_at(sentence.start)
    if title:
        in_heading, heading_reason = title[2], "right_in_inline_title"
    else:
        in_heading, heading_reason = (grammar.rights_in_order(heading.title) if heading else []), "right_from_heading"

    if escalation_after:
        in_sentence = grammar.rights_in_order(text, sentence.start, words.escalation.start(), index=doc.index)
    else:
        in_sentence = doc.sentence_rights(sentence)
    sentence_reason = "right_in_sentence"
    request_here = grammar.is_request_context(text, sentence.start, sentence.end)
    context = [(sentence.start, sentence.end)]
    if not in_sentence and grammar.ABOVE_REQUESTS.search(text, sentence.start, sentence.end):
        # "对于以上您的请求，我们将…": every right above, whatever the heading it stands under
        return [Right.ANY_REQUEST], ["request_in_sentence"]
    if not in_sentence and not title:
        section_start = doc.section(sentence.start)[0]
        previous = doc.sentence_before(sentence)
        # The sentence before counts when this one is no request in itself, or when it opens this one's
        # paragraph ("6.您有权获取您的个人信息副本……。我们在验证您的身份后，将在15个工作日内回复您"): a
        # paragraph's own right is nearer than its heading's.
        if (
            previous is not None
            and previous.start >= section_start
            and (not request_here or doc.line_of(sentence.start)[0] == previous.start)
        ):
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
            # The heading's right written in a list of rights ("若您无法访问、更正或删除…，我们将…回复"): the
            # promise answers each right of the list.
            lo, hi = context[-1]
            listed = next((r for _, _, r in grammar.right_lists(text, lo, hi) if common[0] in r), None)
            if listed:
                chosen = listed
        elif len(in_sentence) == 1:
            chosen, reasons = in_sentence, [sentence_reason]
        elif len(in_heading) == 1:
            chosen, reasons = in_heading, [heading_reason]
        else:
            chosen, reasons = [], []
    elif in_sentence:
        chosen, reasons = (in_sentence, [sentence_reason]) if len(in_sentence) <= 2 else ([], [])
        if not chosen and sentence_reason == "right_in_sentence" and _one_list(text, context[0], in_sentence):
            # "您的访问、更正、删除、注销请求，我们将…": the promise answers each right of the list.
            chosen, reasons = in_sentence, [sentence_reason]
        elif not chosen and sentence_reason == "right_in_sentence" and len(in_sentence) <= _NAMED_IN_TURN:
            # "您可以自己删除内容，或要求我们修改；如想删除账号，请写信，我们将…处理": rights named one after
            # another, each a thing the reader may ask, are each answered by the promise after them.
            chosen, reasons = in_sentence, [sentence_reason]
    else:
        chosen, reasons = (in_heading, [heading_reason]) if len(in_heading) <= 2 else ([], [])
    if chosen == [Right.COMPLAINT] and any(
        grammar.asks_and_complains(text, lo, hi) or grammar.contact_through_complaint_channel(text, lo, hi)
        for lo, hi in context
    ):
        # "如您有任何投诉、建议或疑问，我们将…答复": questions are answered as well as complaints (asked in
        # this sentence or in the one before that gave it its right); so are they when the way to contact us
        # is a channel named for complaints ("通过隐私投诉平台与我们联系").
        chosen = [Right.ANY_REQUEST, Right.COMPLAINT]
    if Right.COMPLAINT in chosen and any(_AUTOMATED_DECISION.search(text, lo, hi) for lo, hi in context):
        # "要求我们作出解释或对自动决策结果进行投诉，我们将…处理": a request about an automated decision (its
        # explanation, an appeal against it) is answered as a request, as the labels read it
        chosen = [Right.ANY_REQUEST] + [r for r in chosen if r not in (Right.COMPLAINT, Right.ANY_REQUEST)]
        reasons = reasons + ["automated_decision"]
    if chosen and heading and not title and grammar.ANSWERS_REQUESTS.search(heading.title):
        # Under "响应您的（上述）请求" a promise answers every request, whatever right its sentence names (the
        # list it repeats is what may be asked); a complaint it names is answered too.
        chosen = [Right.ANY_REQUEST] + ([Right.COMPLAINT] if Right.COMPLAINT in chosen else [])
    if chosen:
        return chosen, reasons + (["several_rights"] if len(chosen) > 1 else [])
    if any(grammar.is_request_context(text, lo, hi) for lo, hi in context):
        # "如有任何疑问，请发送邮件至…，我们会在15日内回复": a sentence that names what it asks is its own
        # invitation; an earlier one that named complaints does not reach it.
        own_asking = doc.index.search(grammar.OWN_INVITATION, sentence.start, sentence.end)
        invitation = None if own_asking else _asked_with_complaints_before(doc, sentence)
        if invitation is not None:
            # "…投诉、建议或需要删除所有记录时，请联系我们": the deletion the invitation names is asked too
            needed = [r for r in grammar.needed_rights(text, invitation.start, invitation.end) if r != Right.COMPLAINT]
            return [Right.ANY_REQUEST, Right.COMPLAINT, *needed], ["request_in_sentence", "several_rights"]
        return [Right.ANY_REQUEST], ["request_in_sentence"]
    if any(grammar.is_request_context(h.title) for h in doc.heading_chain(sentence.start)):
        return [Right.ANY_REQUEST], ["request_from_heading"]
    return [], []


def _rights_of_numbered_items(doc: Document, sentence: Sentence) -> list[str]:
    """The rights of the items above that the sentence names by number ("上述3、4项要求"), searched back to the
    outermost heading it is under (the items may be headings of their own), at most 2,500 characters."""
    numbers = grammar.numbers_referred(doc.text, sentence.start, sentence.end)
    if not numbers:
        return []
    chain = doc.heading_chain(sentence.start)
    lo = max(chain[-1].start if chain else 0, sentence.start - 2500)
    rights: list[str] = []
    numbered = doc.remember(("numbered lines",), lambda: grammar.NumberedLines(doc.text))
    for line in numbered.lines(lo, sentence.start, numbers):
        rights += doc.remember(("item rights", line), lambda line=line: grammar.rights_in_order(doc.text, *line))
    return list(dict.fromkeys(rights))


_NAMED_IN_TURN = 4  # rights named one by one in a sentence; more is a summary of every right (any request)


def _one_list(text: str, span: tuple[int, int], rights: list[str]) -> bool:
    """Whether the rights are all written in one list of rights in text[span] ("查询、更正、删除或复制")."""
    return any(set(rights) <= set(listed) for _, _, listed in grammar.right_lists(text, *span))


def _asked_with_complaints_before(doc: Document, sentence: Sentence, back: int = 4) -> Sentence | None:
    """The nearest of the few sentences (or contact lines) before this one in its section that invites
    questions and complaints in one breath ("如您有任何疑问、建议或投诉，请通过以下方式联系我们：" then the
    addresses): the general promise that follows answers both."""
    i = bisect.bisect_right(doc.sentence_starts, sentence.start) - 1
    section_start = doc.section(sentence.start)[0]
    for previous in reversed(doc.sentences[max(0, i - back) : i]):
        if previous.start >= section_start and grammar.invites_complaints(doc.text, previous.start, previous.end):
            return previous
    return None
