"""The clock trigger before a deadline: the event that starts its clock (收到…后, 验证您的身份后, 注销账户之后,
提出申请…)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from policies.models import ClockStart

_AFTER = r"(?:之后|以后|后|之日|起|时)"
_ACCOUNT = r"(?:账户|帐户|账号|帐号|帐户)"
_DONE = r"(?:成功|完成|完毕|生效)"
_CLOCK_TRIGGERS = [
    (
        ClockStart.IDENTITY_VERIFIED,
        re.compile(
            r"(?:验证|核实|核验|确认|认证|核对|审核|校验)[^，。；,;]{0,10}?身份(?:信息)?[^，。；,;后]{0,4}?"
            r"(?:之后|以后|后|之日|起|通过|无误|完成|然后)"
            r"|身份(?:验证|核实|核验|认证|确认|校验)(?:通过|完成|成功)?"
            + _AFTER
            # "我们可能会先要求您验证自己的身份……通过验证后，我们将…": the verification named before, without 身份
            + r"|(?:通过验证|验证通过|验证成功)(?:之后|以后|后|之日)"
            # "经我们核实后，我们将在核实之日起…": the day of the check the requester's proof waits for; so is
            # "我们会进行查证，并在核实后于…内完成处理"
            + r"|核实(?:身份)?(?:之日|之后|以后|后)"
            # Checking the requester's proof (通过核验后) or reviewing the request itself (申请审核通过后) is the
            # same check. Not 核查后: "核查后会在…内反馈您的投诉" investigates the complaint, which is its handling.
            + r"|核验(?:通过|完成|成功)?(?:之日|之后|以后|后)|审核(?:通过|完成)(?:之日|之后|以后|后)"
        ),
    ),
    (
        ClockStart.ACCOUNT_CANCELLED,
        re.compile(
            rf"注销(?:您的)?{_ACCOUNT}{_DONE}?(?:之后|以后|后|之日)|{_ACCOUNT}(?:被)?注销{_DONE}?(?:之后|以后|后|之日)"
            rf"|注销{_DONE}(?:之后|以后|后|之日)"
            # "注销之日起6个月内删除": the day of the cancellation (提出注销之日 is the application's, read longer)
            r"|(?<![申请提出交])注销之日"
            # "注销后，我们会在…内删除", "完成注销后", "注销手续办理完成后" (提出注销后 / 申请注销后: the application)
            + rf"|(?<![申请提出交])注销(?:之后|以后|后)|(?:完成|办理完?)(?:您的)?{_ACCOUNT}?注销(?:手续)?(?:之后|以后|后|之日)"
            + rf"|注销(?:手续|流程|程序)(?:办理)?{_DONE}(?:之后|以后|后|之日)"
        ),
    ),
    (
        ClockStart.RECEIPT,
        # "收到您反馈并验证您的身份后": the clause after 并 is a second event; do not read across it.
        re.compile(rf"(?:收到|接到|收悉|接收到|受理)[^，。；,;并和及且、]{{0,24}}?{_AFTER}|(?:收到|接到)(?=之日)"),
    ),
    (
        ClockStart.APPLICATION,
        # "提出申请的15个工作日内" has no 后 / 之日: without one, the filing must lead straight into the deadline
        # ("您提出的查阅请求，处理时限为…" describes the request, it does not start a clock).
        re.compile(
            rf"(?:提出|提交|发出|发起|递交)[^，。；,;并和及且]{{0,16}}?(?:申请|请求|要求|注销)(?P<after>{_AFTER})?"
            rf"|(?:申请|请求)(?:提交|提出)?(?P<after2>之日|之后|以后|后)"
            # "您申请注销后": filing the cancellation, as 提出注销后
            rf"|申请注销(?:您的)?{_ACCOUNT}?(?P<after3>之日|之后|以后|后)"
            # "您的注销申请将在15天内生效": the application takes effect a period after it is filed
            r"|申请(?:将|会)(?:在|于)(?=[^，。；,;\n]{1,12}?内\s*(?:正式)?生效)"
        ),
    ),
]


@dataclass(frozen=True)
class Trigger:
    start: int
    end: int
    clock_start: str
    anchored: bool = True  # ends in 后 / 之日 / 起; an unanchored trigger must lead straight into the deadline


class ClockTriggers:
    """The clock triggers in text[start:end], read once and then asked, for each deadline in that stretch
    (a sentence), which one starts its clock (clock_start_of): a sentence with thousands of deadlines is not
    read again for each."""

    def __init__(self, text: str, start: int, end: int):
        self.text = text
        found = []
        for clock, pattern in _CLOCK_TRIGGERS:
            for m in pattern.finditer(text, start, end):
                anchored = clock != ClockStart.APPLICATION or bool(m["after"] or m["after2"] or m["after3"])
                found.append(Trigger(m.start(), m.end(), clock, anchored))
        self._found = found
        # A trigger inside a longer one (收到您的注销申请后 is receipt, not the application inside it) does not
        # count once the longer one is read: from the longer one's end on.
        self._counted_until = _counted_until(found)
        self._sorted = {}
        for anchored in (True, False):
            order = sorted(
                (i for i, t in enumerate(found) if t.anchored == anchored),
                key=lambda i: (found[i].end, found[i].end - found[i].start, -i),
            )
            self._sorted[anchored] = (order, [found[i].end for i in order])

    @property
    def triggers(self) -> list[Trigger]:
        """Every trigger not inside a longer one."""
        return [t for i, t in enumerate(self._found) if self._counted_until[i] is None]

    def start_of(self, deadline_start: int) -> Trigger | None:
        """The trigger that starts the clock of the deadline at deadline_start (see clock_start_of)."""
        text = self.text
        run_start = deadline_start
        while run_start > 0 and text[run_start - 1] in " 的":
            run_start -= 1
        best = None
        for anchored, lowest_end in ((True, -1), (False, run_start)):
            order, ends = self._sorted[anchored]
            k = bisect.bisect_right(ends, deadline_start) - 1
            while k >= 0 and ends[k] >= lowest_end:
                i = order[k]
                until = self._counted_until[i]
                if until is None or until > deadline_start:
                    t = self._found[i]
                    key = (t.end, t.end - t.start, -i)
                    if best is None or key > best[0]:
                        best = (key, t)
                    break
                k -= 1
        return best[1] if best else None


def _counted_until(found: list[Trigger]) -> list[int | None]:
    """For each trigger, the end of the first longer trigger that contains it (None: none does)."""
    longest = max((t.end - t.start for t in found), default=0)
    by_start = sorted(range(len(found)), key=lambda i: found[i].start)
    starts = [found[i].start for i in by_start]
    until: list[int | None] = []
    for t in found:
        lo = bisect.bisect_left(starts, t.end - longest)
        hi = bisect.bisect_right(starts, t.start)
        ends = [
            found[j].end
            for j in by_start[lo:hi]
            if found[j].end >= t.end and (found[j].end - found[j].start) > (t.end - t.start)
        ]
        until.append(min(ends) if ends else None)
    return until


def clock_triggers(text: str, start: int, end: int) -> list[Trigger]:
    """Every clock trigger in text[start:end], without those inside a longer one (收到您的注销申请后 is
    receipt, not the application inside it)."""
    return ClockTriggers(text, start, end).triggers


def clock_start_of(
    text: str, sentence_start: int, deadline_start: int, *, triggers: ClockTriggers | None = None
) -> Trigger | None:
    """The event that starts the clock of the deadline at deadline_start: the trigger nearest before it in
    its sentence. When several events must happen (收到您反馈并验证您的身份后), the last one starts the clock,
    and it is the one written nearest the deadline. An unanchored trigger (no 后 / 之日) counts only when it
    leads straight into the deadline. (`triggers`: the sentence's, read once for many deadlines.)"""
    triggers = triggers or ClockTriggers(text, sentence_start, deadline_start)
    return triggers.start_of(deadline_start)
