"""The language of promises in Chinese privacy policies, as small rules.

A promise has the shape  (hedge) (clock trigger) 在 NUMBER (–NUMBER) UNIT 内 VERB, for example
"一般情况下，我们将在收到您的请求并验证您的身份后的十五个工作日内答复您". Each rule below recognises one
part of that shape and knows nothing about any particular policy:

- numerals: Arabic, full-width and Chinese (七, 十五, 一十五, 三十, 两), see parse_numeral;
- the deadline phrase: a number or a range (7-15, 1–7, 七至十五) and a unit (工作日 / 天 / 日 / 自然日 /
  小时 / 周 / 个月, with or without 个), bounded by 内 / 以内 or introduced by 不超过 / 最长, see find_deadlines;
- the clock trigger before it (收到…后, 验证您的身份后, 注销账户之后, 提出申请…), see clock_start_of;
- the hedge (一般情况下, 原则上, 尽最大努力 soften a promise; 最长, 特殊情形下 make it an outer cap);
- the promised action after it: a reply (答复 / 回复) or completion (完成 / 处理 / 删除), see action_of;
- the rights a sentence or heading speaks of (注销, 删除, 更正, 查询, 副本, 撤回, 投诉, 申诉), see rights_in;
- what is no promise although it has that shape: how long data is kept (保存不超过30天, 在6个月内保留),
  automatic deletion (72小时内自动删除), see period_kept;
- the scope of a sentence: a catch-all that excludes what was said before (除上述…外), see catch_all, and
  a paragraph's inline sub-title (【查阅】, 更正：, 撤回同意——), see inline_title.

The text these rules read is normalised first (normalise.py: 【15】天, 15个工作日天, 申请 后, 注销了账号).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from policies.models import Action, ClockStart, Hedge, Right, Unit

from .spans import TextIndex

# --- Numerals ---------------------------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_CN_MULTIPLIERS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_NUMERAL_CHARS = "".join(_CN_DIGITS) + "".join(_CN_MULTIPLIERS)
NUMERAL = rf"(?:[0-9０-９]+|[{_CN_NUMERAL_CHARS}]+)"


def parse_numeral(numeral: str) -> int:
    """'15', '１５', '十五', '一十五', '三十', '二十四', '一百零五', '两' -> int. ValueError if it is none of these."""
    s = numeral.strip().translate(_FULLWIDTH_DIGITS)
    if not s:
        raise ValueError("empty numeral")
    if s.isascii() and s.isdigit():
        return int(s)
    if any(ch not in _CN_DIGITS and ch not in _CN_MULTIPLIERS for ch in s):
        raise ValueError(f"not a numeral: {numeral!r}")
    if all(ch in _CN_DIGITS for ch in s):
        # Digit by digit, as in years (二〇二一); a single digit is just itself.
        return int("".join(str(_CN_DIGITS[ch]) for ch in s))
    total = digit = 0
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            # 十五: a multiplier without a digit before it counts once (一十五 and 十五 are both 15).
            total += (digit or 1) * _CN_MULTIPLIERS[ch]
            digit = 0
    return total + digit


# --- Units ------------------------------------------------------------------------------------------------

_UNIT_WORDS = {
    "工作日": Unit.WORKING_DAY,
    "自然日": Unit.CALENDAR_DAY,
    "日历日": Unit.CALENDAR_DAY,
    "天": Unit.CALENDAR_DAY,
    "日": Unit.CALENDAR_DAY,
    "小时": Unit.HOUR,
    "钟头": Unit.HOUR,
    "星期": Unit.WEEK,
    "礼拜": Unit.WEEK,
    "周": Unit.WEEK,
    "月": Unit.MONTH,
}
_UNIT = "(?:" + "|".join(sorted(_UNIT_WORDS, key=len, reverse=True)) + ")"
_RANGE_SEPARATOR = r"(?:-|–|—|－|~|～|〜|至|到)"
# Legal style restates a number in digits: 十五（15）个工作日. (It follows the spaces after the number.)
_RESTATED = rf"(?:[（(]\s*{NUMERAL}\s*[)）]\s*)?"

# The number must not continue a word (每15天 "every", 第15个工作日 "the 15th", 同一天, 统一) or a date (11月1日).
# Every element ends with its own \s* and none begins with one, so a run of spaces is read by one \s* (written
# as "\s*(?:个)?\s*" the runs were split between up to four \s*: "15" and 100,000 spaces never finished).
_DEADLINE = re.compile(
    rf"(?<![每第同唯统之任某逐年月\d０-９{_CN_NUMERAL_CHARS}×*xX.])"
    rf"(?P<a>{NUMERAL})\s*{_RESTATED}(?:(?:(?P<ga>个)\s*)?(?P<ua>{_UNIT})\s*)?"
    rf"(?:{_RANGE_SEPARATOR}\s*(?P<b>{NUMERAL})\s*{_RESTATED})?"
    rf"(?:(?P<g>个)\s*)?(?P<u>{_UNIT})(?!年|历|期|岁)"
)
# A deadline is bounded by 内 ("within") ...
# (a remark may come between: 15个工作日（不含法定节假日）内)
_WITHIN_AFTER = re.compile(r"\s*(?:[（(][^（()）\n]{0,20}[)）]\s*)?(?:之内|以内|内|(?:的)?(?:期限|时限|时间)内|为限)")
# ... or introduced by a limit word ("不超过15天", "最长30日", "期限为15个工作日") ...
_LIMIT_BEFORE = re.compile(
    r"(?:不超过|不超|不得超过|不会超过|不多于|不晚于|最长|最迟|最多|至多|最晚|期限为|时限为|期限是|时限是|为期)"
    r"\s*(?:为|是|在|于)?\s*$"
)
# ... or stated as "在15个工作日完成" (在 / 于 + deadline + verb).
_AT_BEFORE = re.compile(r"(?:在|于)\s*$")
# Not a promise to a user: advance notice of a change (提前三十日通知).
_NOT_A_PROMISE_BEFORE = re.compile(r"提前\s*(?:至少)?\s*$|至少\s*提前\s*$")


@dataclass(frozen=True)
class DeadlinePhrase:
    """'7-15个工作日内' at start..end of the text, read as (min, max, unit)."""

    start: int
    end: int
    min: int
    max: int
    unit: str


def find_deadlines(text: str, start: int = 0, end: int | None = None) -> list[DeadlinePhrase]:
    end = len(text) if end is None else end
    found = []
    for m in _DEADLINE.finditer(text, start, end):
        phrase = _deadline_from_match(text, m)
        if phrase is not None:
            found.append(phrase)
    return found


def _deadline_from_match(text: str, m: re.Match) -> DeadlinePhrase | None:
    unit_word = m["u"]
    # A bare 月 is a month of the year (3月内 is ambiguous); a number of months says 个月.
    if unit_word == "月" and not m["g"]:
        return None
    if m["ua"] and _UNIT_WORDS[m["ua"]] != _UNIT_WORDS[unit_word]:
        return None
    if m["ua"] and not m["b"]:
        return None
    try:
        low = parse_numeral(m["a"])
        high = parse_numeral(m["b"]) if m["b"] else low
    except ValueError:
        return None
    if low <= 0 or high < low or high > 10000:
        return None
    before = text[max(0, m.start() - 8) : m.start()]
    if _NOT_A_PROMISE_BEFORE.search(before):
        return None
    within = _WITHIN_AFTER.match(text, m.end())
    if within is None and not _LIMIT_BEFORE.search(before):
        if not (_AT_BEFORE.search(before) and _ACTION.match(text, m.end())):
            return None
    phrase_end = within.end() if within else m.end()
    return DeadlinePhrase(m.start(), phrase_end, low, high, _UNIT_WORDS[unit_word])


# --- Who "we" are ------------------------------------------------------------------------------------------

# How a policy names its author: platforms write 我们 or 平台, banks 我行 or 本行, companies 本公司 or 我司.
SELF = r"(?:我们|我司|我行|本行|本公司|我公司|本平台|平台|本网站|本站|本应用)"

# --- Promised action --------------------------------------------------------------------------------------

_REPLY_VERBS = r"答复|答覆|回复|回覆|回应|反馈|告知|通知您|响应|受理|联系您|与您联系|联系你|与你联系"
# Sending the data (a copy to the mailbox) completes a request as much as deleting it does.
_COMPLETION_VERBS = (
    r"完成|处理|删除|注销|停止|匿名化|更正|修改|核实|核查|审核|办理|办结|执行|清除|销毁|提供|导出|处置|解决|关闭"
    r"|发送|发给|寄送|寄给|邮寄|传送"
)
_ACTION = re.compile(rf"\s*(?:[给予作做出进行为向您对]{{1,4}}\s*)?(?P<verb>{_REPLY_VERBS}|{_COMPLETION_VERBS})")
_REPLY_OR_COMPLETION = re.compile(rf"(?P<reply>{_REPLY_VERBS})|(?P<completion>{_COMPLETION_VERBS})")
CLAUSE_END = re.compile(r"[，,；;。！？!?\n]")


# What the user does (or fails to do) within a period is no promise: "15天内重新登录，将视为撤销注销申请"
# is a cooling-off period, "30日内未登录" an inactivity rule.
_USER_CONDITION = re.compile(r"登录|登陆|使用|未|没有|视为|逾期")
# A deadline written first and its verb in the next clause: "15个工作日内，我们将予以答复".
_NEXT_CLAUSE_SUBJECT = re.compile(rf"\s*{SELF}")


def action_of(
    text: str,
    deadline_start: int,
    deadline_end: int,
    sentence_start: int,
    sentence_end: int,
    *,
    index: TextIndex | None = None,
) -> str | None:
    """What is promised within the deadline: the first verb after it in its clause, else in the next clause
    when we are its subject, else the last verb before it. None when the sentence promises neither a reply
    nor completion, or when the period is the user's. (`index`: the text's TextIndex, for many deadlines.)"""
    found = action_and_place(text, deadline_start, deadline_end, sentence_start, sentence_end, index=index)
    return found[0] if found else None


def action_and_place(
    text: str,
    deadline_start: int,
    deadline_end: int,
    sentence_start: int,
    sentence_end: int,
    *,
    index: TextIndex | None = None,
) -> tuple[str, str] | None:
    """action_of, with where its verb is: "after" the deadline (its clause or the next) or "before" it."""
    index = index or TextIndex(text)
    clause_end = index.search(CLAUSE_END, deadline_end, sentence_end)
    own_end = clause_end.start() if clause_end else sentence_end
    m = index.search(_REPLY_OR_COMPLETION, deadline_end, own_end)
    if m:
        if index.search(_USER_CONDITION, deadline_end, m.start()):
            return None
        return (Action.REPLY if m["reply"] else Action.COMPLETION), "after"
    if index.search(_USER_CONDITION, deadline_end, own_end):
        return None
    if clause_end and index.match(_NEXT_CLAUSE_SUBJECT, clause_end.end()):
        next_end = index.search(CLAUSE_END, clause_end.end(), sentence_end)
        m = index.search(_REPLY_OR_COMPLETION, clause_end.end(), next_end.start() if next_end else sentence_end)
        if m:
            return (Action.REPLY if m["reply"] else Action.COMPLETION), "after"
    before = index.last(_REPLY_OR_COMPLETION, sentence_start, deadline_start)
    if before:
        return (Action.REPLY if before["reply"] else Action.COMPLETION), "before"
    return None


# --- Clock start ------------------------------------------------------------------------------------------

_AFTER = r"(?:之后|以后|后|之日|起|时)"
_ACCOUNT = r"(?:账户|帐户|账号|帐号|帐户)"
_CLOCK_TRIGGERS = [
    (
        ClockStart.IDENTITY_VERIFIED,
        re.compile(
            r"(?:验证|核实|核验|确认|认证|核对|审核|校验)[^，。；,;]{0,10}?身份(?:信息)?[^，。；,;后]{0,4}?"
            r"(?:之后|以后|后|之日|起|通过|无误|完成|然后)"
            r"|身份(?:验证|核实|核验|认证|确认|校验)(?:通过|完成|成功)?" + _AFTER
        ),
    ),
    (
        ClockStart.ACCOUNT_CANCELLED,
        re.compile(
            rf"注销(?:您的)?{_ACCOUNT}(?:成功)?(?:之后|以后|后|之日)|{_ACCOUNT}(?:被)?注销(?:成功|完成)?(?:之后|以后|后|之日)"
            rf"|注销(?:成功|完成)(?:之后|以后|后|之日)"
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
            rf"(?:提出|提交|发出|发起|递交)[^，。；,;并和及且]{{0,16}}?(?:申请|请求|要求)(?P<after>{_AFTER})?"
            rf"|(?:申请|请求)(?:提交|提出)?(?P<after2>之日|之后|以后|后)"
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
                anchored = clock != ClockStart.APPLICATION or bool(m["after"] or m["after2"])
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


# --- Hedges -----------------------------------------------------------------------------------------------

CAP_WORDS = re.compile(r"最长|最迟|最晚|最多|至多|特殊情[况形]下|复杂情[况形]下|情况复杂|特殊情况|延长")
SOFT_WORDS = re.compile(
    r"一般情况下|一般而言|一般来说|一般|通常情况下|通常|原则上|正常情况下|尽最大(?:的)?努力|尽力|尽量|尽可能|力争|争取|努力"
)


def hedge_of(text: str, start: int, end: int) -> tuple[str, tuple[int, int] | None]:
    """How firmly the promise in text[start:end] (its clause up to the deadline) is worded, and where the
    hedge is. An outer cap wins over a softener ("原则上最长不超过30天" is a cap)."""
    for pattern, hedge in ((CAP_WORDS, Hedge.CAP), (SOFT_WORDS, Hedge.SOFT)):
        matches = list(pattern.finditer(text, start, end))
        if matches:
            return hedge, matches[-1].span()
    return Hedge.FIRM, None


# --- Rights -----------------------------------------------------------------------------------------------

_PERSONAL_DATA = r"[^，。；,;\n]{0,12}?(?:信息|资料|记录|数据|订单|内容)"
# Ordered: a sentence about cancelling an account also mentions deletion of data; cancellation comes first.
RIGHT_TERMS = [
    (Right.ACCOUNT_CANCELLATION, re.compile(r"注销")),
    (Right.COPY, re.compile(r"副本|复制|转移至|转移到|导出|可携带?|转移(?:您的)?个人信息")),
    (Right.DELETION, re.compile(r"删除|清除")),
    (Right.CORRECTION, re.compile(r"更正|修改|修正|补充|编辑|更改|更新(?:您的)?(?:个人)?(?:信息|资料)")),
    # 访问 and 查看 also mean "unauthorised access" and "read this policy": only with personal data after them.
    (Right.ACCESS, re.compile(rf"查询|查阅|调阅|(?:访问|查看){_PERSONAL_DATA}|获取(?:您的)?个人信息(?!副本)")),
    (
        Right.CONSENT_WITHDRAWAL,
        re.compile(
            r"撤回|撤销(?:同意|授权)|收回(?:您的)?(?:同意|授权)|改变(?:您)?授权|授权同意的范围|取消[^，。；,;]{0,4}?授权|退订"
        ),
    ),
    # 举报 alone reports unlawful content to the platform; it is a complaint about one's data only with 投诉.
    # An appeal (申诉) against a decision about one's account or data is a complaint.
    (Right.COMPLAINT, re.compile(r"投诉|申诉")),
]
# Words of a request or a contact route that make a deadline a rights promise even when no right is named.
GENERIC_REQUEST = re.compile(
    rf"请求|申请|反馈|联系{SELF}|与{SELF}(?:取得)?联系|联系方式|疑问|意见|建议|咨询|权利|管理您的|管理个人信息|上述"
)
# Deadlines that are not answers to a user's request: incidents, refunds, deliveries, retention.
NOT_A_REQUEST = re.compile(
    r"安全事件|泄露|退款|退票|退货|换货|商品|售后|发货|配送|物流|优惠|积分|保存期限|保留期限|存储期限|留存"
)
# Dissatisfied with the answer, a person escalates: a route offered then is not held to the first promise.
ESCALATION = re.compile(r"不满意|不服|仍有异议|仍有疑问|未(?:能)?(?:获得|得到)(?:满意的?)?(?:答复|回复)")
# Switching a setting off is how many policies let users withdraw consent, but only on a path.
PATH_CONSENT_WITHDRAWAL = re.compile(r"关闭|不同意|拒绝|取消|退订")


def rights_in(text: str, start: int = 0, end: int | None = None, *, index: TextIndex | None = None) -> list[str]:
    """The specific rights text[start:end] speaks of, in the order of RIGHT_TERMS."""
    end = len(text) if end is None else end
    search = index.search if index else lambda pattern, lo, hi: pattern.search(text, lo, hi)
    return [right for right, pattern in RIGHT_TERMS if search(pattern, start, end)]


def rights_in_order(text: str, start: int = 0, end: int | None = None, *, index: TextIndex | None = None) -> list[str]:
    """The specific rights in the order they are first written."""
    end = len(text) if end is None else end
    search = index.search if index else lambda pattern, lo, hi: pattern.search(text, lo, hi)
    firsts = []
    for right, pattern in RIGHT_TERMS:
        m = search(pattern, start, end)
        if m:
            firsts.append((m.start(), right))
    return [right for _, right in sorted(firsts)]


# Verifying someone's identity only happens when they have asked for something.
_IDENTITY = re.compile(r"(?:验证|核实|核验|确认|认证)[^，。；,;]{0,10}?身份|身份(?:验证|核实|核验|认证)")


def is_request_context(text: str, start: int = 0, end: int | None = None) -> bool:
    end = len(text) if end is None else end
    return any(p.search(text, start, end) for p in (GENERIC_REQUEST, _IDENTITY)) or bool(rights_in(text, start, end))


def right_mentions(text: str, start: int, end: int, *, index: TextIndex | None = None) -> list[tuple[int, str]]:
    """Where each right is named in text[start:end]: (position, right), in text order (one reading of the
    stretch; which right is named last before a deadline is then a bisection)."""
    found = [(m.start(), right) for right, pattern in RIGHT_TERMS for m in pattern.finditer(text, start, end)]
    return sorted(found)


# --- Periods that are no promise --------------------------------------------------------------------------

# Keeping data is not answering a request: "保存不超过30天", "最多保存3个月", "在6个月内保留您的交易记录".
_KEEPING = r"保存|保留|留存|存储|储存|存放|保管|备份|缓存|备查"
# The keeping verb governs the period when at most a few words (不超过, 期限为, 时间最长为) stand between.
_KEEPING_BEFORE = re.compile(rf"(?:{_KEEPING})[^，。；,;\n{_CN_NUMERAL_CHARS}0-9]{{0,6}}$")
_VERB_AFTER = re.compile(rf"(?P<keeping>{_KEEPING})|{_REPLY_VERBS}|{_COMPLETION_VERBS}")
# Data that deletes itself is no answer to a request either: "72小时内自动删除", "由系统自动清除".
_AUTOMATIC = re.compile(r"自动(?:地)?(?:删除|清除|清理|销毁|失效|撤回|过期|注销)")
_EVIDENCE = re.compile(r"注销")
_CAP_WORD = re.compile(r"不超过|不得超过|最长|最多|至多")


def period_kept(
    text: str, phrase: DeadlinePhrase, clause_start: int, clause_end: int, *, index: TextIndex | None = None
) -> str | None:
    """Why the period at `phrase` in its clause text[clause_start:clause_end] is not a request deadline:
    "auto_deletion", "evidence_keeping" (data kept after the account is cancelled), "storage_cap" (kept at
    most so long) or "retention"; None when it may be one. (`index`: the text's TextIndex, for a clause
    with many deadlines.)"""
    search = index.search if index else lambda pattern, lo, hi: pattern.search(text, lo, hi)
    if search(_AUTOMATIC, clause_start, clause_end):
        return "auto_deletion"
    window = text[max(clause_start, phrase.start - 12) : phrase.start]
    keeping = _KEEPING_BEFORE.search(window)
    if not keeping:
        first = search(_VERB_AFTER, phrase.end, clause_end)
        keeping = first if first and first["keeping"] else None
    if not keeping:
        return None
    if search(_EVIDENCE, clause_start, phrase.start):
        return "evidence_keeping"
    return "storage_cap" if _CAP_WORD.search(window) else "retention"


# --- Scope of a sentence ----------------------------------------------------------------------------------

# "除上述注销事项外, 您有任何其他主张、要求的…": a catch-all after the heading's own promise excludes what came
# before (上述, 前述, 以上, 此) or the rights it names. "除法律法规另有规定外" is an exception, not a catch-all.
_CATCH_ALL = re.compile(r"除(?:了)?(?P<what>[^，。；,;\n]{0,24}?)(?:以外|之外|外)")
_REFERS_BACK = re.compile(r"上述|前述|以上|前款|本条|本节|此|前面")


@dataclass(frozen=True)
class CatchAll:
    start: int
    end: int
    excluded: tuple[str, ...]  # the rights the exclusion names


def catch_all(text: str, start: int, end: int) -> CatchAll | None:
    for m in _CATCH_ALL.finditer(text, start, end):
        excluded = tuple(rights_in(m["what"]))
        if excluded or _REFERS_BACK.search(m["what"]):
            return CatchAll(m.start(), m.end(), excluded)
    return None


# A paragraph that opens with its own short title: "【查阅】…", "更正：…", "撤回同意——…", "（2）副本:…".
_INLINE_TITLE = re.compile(
    # possessive (*+): the bullets are never given back, so a long run of spaces is read once
    r"[\s\-·•●○◆■□▪*]*+(?:[（(]?\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）、.．]\s*)?"
    r"(?:【(?P<bracketed>[^【】\n]{1,16})】|(?P<plain>[^，。；：:,;\n【】—]{1,16}?)\s*(?:[:：]|——|—|--))"
)


def inline_title(text: str, line_start: int, line_end: int) -> tuple[int, int, list[str]] | None:
    """The sub-title a line opens with and the rights it names, if it names any."""
    m = _INLINE_TITLE.match(text, line_start, line_end)
    if not m:
        return None
    group = "bracketed" if m["bracketed"] else "plain"
    rights = rights_in_order(text, m.start(group), m.end(group))
    return (m.start(group), m.end(group), rights) if rights else None
