"""Periods: the deadline phrase (a number or a range, a unit, bounded by 内 or introduced by 不超过), and the
periods that have that shape but are no promise (how long data is kept, automatic deletion)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from policies.models import Unit

from ..spans import TextIndex, searcher
from .numerals import CN_NUMERAL_CHARS, NUMERAL, parse_numeral
from .promise import ACTION, COMPLETION_VERBS, REPLY_VERBS

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
# The number's first character comes first in the pattern, and the word before it is looked at from there: a
# pattern that opens with a character class lets the regex engine skip to the next numeral at C speed (one that
# opens with a lookbehind is entered at every position: seven times slower on a whole policy). The number is
# digits or Chinese numerals, not both (NUMERAL).
_NUMBER_AT_ITS_START = (
    rf"[0-9０-９{CN_NUMERAL_CHARS}](?<![每第同唯统之任某逐年月\d０-９{CN_NUMERAL_CHARS}×*xX.].)"
    rf"(?:(?<=[0-9０-９])[0-9０-９]*|(?<![0-9０-９])[{CN_NUMERAL_CHARS}]*)"
)
_DEADLINE = re.compile(
    rf"(?P<a>{_NUMBER_AT_ITS_START})\s*{_RESTATED}(?:(?:(?P<ga>个)\s*)?(?P<ua>{_UNIT})\s*)?"
    rf"(?:{_RANGE_SEPARATOR}\s*(?P<b>{NUMERAL})\s*{_RESTATED})?"
    rf"(?:(?P<g>个)\s*)?(?P<u>{_UNIT})(?!年|历|期|岁)"
)
# A deadline is bounded by 内 ("within") ...
# (a remark may come between: 15个工作日（不含法定节假日）内)
# (or after the law's period offered as the other bound: 15个工作日或法律法规规定的时限内)
_WITHIN_AFTER = re.compile(
    r"\s*(?:[（(][^（()）\n]{0,20}[)）]\s*)?(?:或[^，。；,;\n内]{0,14}?(?:期限|时限))?"
    r"(?:之内|以内|内|(?:的)?(?:期限|时限|时间)内|为限)"
)
# ... or introduced by a limit word ("不超过15天", "最长30日", "期限为15个工作日") ...
_LIMIT_BEFORE = re.compile(
    r"(?:不超过|不超|不得超过|不会超过|不多于|不晚于|最长|最迟|最多|至多|最晚|期限为|时限为|期限是|时限是|为期)"
    r"\s*(?:为|是|在|于)?\s*$"
)
# ... or stated as "在15个工作日完成" (在 / 于 + deadline + verb).
_AT_BEFORE = re.compile(r"(?:在|于)\s*$")
# Not a promise to a user: advance notice of a change (提前三十日通知).
_NOT_A_PROMISE_BEFORE = re.compile(r"提前\s*(?:至少)?\s*$|至少\s*提前\s*$")
# Nor a count of events in a period ("3个月内累计超过5次", "7天内连续3次"): a condition, not a time to answer in.
_COUNT_AFTER = re.compile(
    rf"\s*(?:累计|连续|共计|合计|总计|(?:(?:超过|达到|满)\s*)?[0-9０-９{CN_NUMERAL_CHARS}]+\s*次)"
)


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
        if not (_AT_BEFORE.search(before) and ACTION.match(text, m.end())):
            return None
    if within and _COUNT_AFTER.match(text, within.end()):
        return None
    phrase_end = within.end() if within else m.end()
    return DeadlinePhrase(m.start(), phrase_end, low, high, _UNIT_WORDS[unit_word])


# --- Periods that are no promise --------------------------------------------------------------------------

# Keeping data is not answering a request: "保存不超过30天", "最多保存3个月", "在6个月内保留您的交易记录".
_KEEPING = r"保存|保留|留存|存储|储存|存放|保管|备份|缓存|备查"
# The keeping verb governs the period when at most a few words (不超过, 期限为, 时间最长为) stand between.
_KEEPING_BEFORE = re.compile(rf"(?:{_KEEPING})[^，。；,;\n{CN_NUMERAL_CHARS}0-9]{{0,6}}$")
_VERB_AFTER = re.compile(rf"(?P<keeping>{_KEEPING})|{REPLY_VERBS}|{COMPLETION_VERBS}")
# Data that deletes itself is no answer to a request either: "72小时内自动删除", "由系统自动清除".
_AUTOMATIC = re.compile(r"自动(?:地)?(?:删除|清除|清理|销毁|失效|撤回|过期|注销)")
# Copies in backup systems purged after the user deleted something themselves ("从备用的系统中删除其副本"):
# housekeeping after a self-service deletion, no answer to a request.
_BACKUP_COPIES = re.compile(r"备(?:用|份)[^，。；,;\n]{0,8}?删除(?:其|相应的?|这些)?(?:副本|备份)")
_EVIDENCE = re.compile(r"注销")
_CAP_WORD = re.compile(r"不超过|不得超过|最长|最多|至多")


def period_kept(
    text: str, phrase: DeadlinePhrase, clause_start: int, clause_end: int, *, index: TextIndex | None = None
) -> str | None:
    """Why the period at `phrase` in its clause text[clause_start:clause_end] is not a request deadline:
    "auto_deletion", "evidence_keeping" (data kept after the account is cancelled), "storage_cap" (kept at
    most so long) or "retention"; None when it may be one. (`index`: the text's TextIndex, for a clause
    with many deadlines.)"""
    search = searcher(text, index)
    if search(_AUTOMATIC, clause_start, clause_end) or search(_BACKUP_COPIES, phrase.end, clause_end):
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
