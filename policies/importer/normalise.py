"""Surface normalisation: the policy text as the promise grammar reads it, with a map back to what is written.

Policies copied from templates, PDFs and web pages write the same promise in many surface forms. Before the
deadline grammar reads a text, these are taken away (each rule knows nothing about any particular policy):

- full-width digits become ASCII digits (１５ -> 15), one character for one;
- a number in template brackets loses its brackets when a unit follows: 【15】个工作日, [７]天, 〔十五〕日; so
  does a whole period in them: 【15工作日】, 【十五个工作日】;
- a unit typed twice loses its second word: 15个工作日天内, 15个工作日日内 (a working day is the unit);
- spaces between two Chinese characters, which PDF and HTML conversion leave inside words and phrases
  (申请 后, 工作 日, 验证 您的身份), are dropped;
- markdown emphasis inside a phrase (的 **十五天内** 予以回复) is dropped with the spaces around it;
- the aspect particle 了 after a verb that starts a clock (注销了账号, 收到了您的请求) is dropped; 了解 stays;
- a line break between a deadline's 内 and the verb after it (…十五天内⏎予以回复), left by line wrapping.

Only characters are removed (and digits replaced one for one), so every position of the normalised text
comes from one position of the original: quotes and highlights are always cut from the original text.
All patterns are linear: single character classes or fixed words, no nested quantifiers.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FULLWIDTH_RUN = re.compile(r"[０-９][０-９]*")  # (a class first: the engine skips to it at C speed)
_CN_NUMERAL = "零〇一二三四五六七八九十百千两壹贰叁肆伍陆柒捌玖拾佰仟"
# The deadline units of grammar/periods.py, as they may follow a bracketed number.
_UNIT_AHEAD = r"(?=[ \t\u3000]*(?:个[ \t\u3000]*)?(?:工作日|自然日|日历日|天|日|小时|钟头|星期|礼拜|周|个月|月)|[ \t\u3000]*(?:-|–|—|－|~|～|〜|至|到))"
_BRACKETED_NUMBER = re.compile(
    r"(?P<open>[【\[［〔「『][ \t\u3000]*)(?:[0-9０-９]{1,5}|["
    + _CN_NUMERAL
    + r"]{1,6})(?P<close>[ \t\u3000]*[】\]］〕」』])"
    + _UNIT_AHEAD
)
# A whole period in template brackets: 【15工作日】, 【十五个工作日】, 〔30天〕 (the brackets go, the period stays).
_BRACKETED_PERIOD = re.compile(
    r"(?P<open>[【\[［〔「『][ \t\u3000]*)(?:[0-9０-９]{1,5}|["
    + _CN_NUMERAL
    + r"]{1,6})[ \t\u3000]*(?:个[ \t\u3000]*)?(?:工作日|自然日|日历日|天|日|小时|钟头|星期|礼拜|周|个月|月)"
    r"(?P<close>[ \t\u3000]*[】\]］〕」』])"
)
# Each pattern starts with a literal or a character class, never a lookaround, so the engine can skip
# ahead to where it may match; the group "drop" is what is removed.
_DOUBLED_UNIT = re.compile(r"(?:工作日|自然日|日历日)(?P<drop>[天日])(?=以内|之内|内|的)")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# Spaces between two Chinese characters. It opens with the space, not the character before it (looked at from
# the space): almost every character of a policy is Chinese, and each one was a match attempt (four times slower).
_SPACE_IN_PHRASE = re.compile(rf"(?P<drop>[ \t\u3000\xa0](?<=[{_CJK}].)[ \t\u3000\xa0]*)(?=[{_CJK}])")
# Two-character verbs whose completed event starts a clock or ends a request. (It opens with 了 and looks behind
# for the verb: the engine skips to a literal at C speed, ten times faster than to any first character of 16.)
_ASPECT = re.compile(
    r"(?P<drop>了)(?<=(?:注销|收到|接到|收悉|提交|提出|递交|发出|验证|核实|核验|确认|认证|完成|受理|删除|申请)了)(?!解)"
)
# Markdown emphasis left inside a phrase by conversion ("身份后的 ** **十五天内**** 予以回复"): the asterisks
# (and the spaces around them) between two characters of the phrase. The pattern starts with its literal, so
# the engine skips to each asterisk; the characters on both sides are checked in _emphasis_drops.
_EMPHASIS = re.compile(r"\*[* \t\u3000]{0,12}")
_PHRASE_CHAR = re.compile(rf"[{_CJK}0-9０-９]")
_SPACES_BEFORE = 3


def _emphasis_drops(text: str) -> list[tuple[int, int]]:
    drops = []
    for m in _EMPHASIS.finditer(text):
        start, end = m.start(), m.end()
        lo = max(start - _SPACES_BEFORE, 0)
        while start > lo and text[start - 1] in " \t\u3000":
            start -= 1
        if start and end < len(text) and _PHRASE_CHAR.match(text, start - 1) and _PHRASE_CHAR.match(text, end):
            drops.append((start, end))
    return drops


# A line wrapped by conversion between a deadline and its verb ("在十五天内" / "予以回复。").
WRAPPED_DEADLINE = re.compile(
    r"内(?P<drop>[ \t\u3000]*\n[ \t\u3000]*)(?=予以|给予|向您|回复|答复|反馈|处理|完成|作出|做出)"
)

# Which rule removed characters, by name (for the reasons the review page shows).
RULES = (
    ("bracketed_number", _BRACKETED_NUMBER),
    ("bracketed_number", _BRACKETED_PERIOD),
    ("doubled_unit", _DOUBLED_UNIT),
    ("space_in_phrase", _SPACE_IN_PHRASE),
    ("aspect_particle", _ASPECT),
    ("wrapped_deadline", WRAPPED_DEADLINE),
)


@dataclass(frozen=True)
class Normalised:
    """The normalised text and, for each kept run of characters, where it is in the original."""

    original: str
    text: str
    # Parallel lists: the normalised text is original[orig_starts[i] : orig_starts[i] + lengths[i]] for each
    # run i, placed at norm_starts[i] (digits translated).
    norm_starts: tuple[int, ...]
    orig_starts: tuple[int, ...]
    removed: tuple[tuple[int, int, str], ...]  # (start, end, rule) in the original

    @property
    def changed(self) -> bool:
        return bool(self.removed) or self.text != self.original

    def to_original(self, pos: int) -> int:
        """The original position of the character at normalised position pos (len(text) maps to the end)."""
        if not self.removed:
            return pos
        if pos >= len(self.text):
            return len(self.original)
        i = bisect.bisect_right(self.norm_starts, pos) - 1
        return self.orig_starts[i] + (pos - self.norm_starts[i])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """A normalised span [start, end) as the original span from its first to its last character."""
        if not self.removed:
            return start, end
        if end <= start:
            o = self.to_original(start)
            return o, o
        return self.to_original(start), self.to_original(end - 1) + 1

    def to_normalised(self, pos: int) -> int:
        """The normalised position of original position pos (a removed character maps to the next kept one)."""
        if not self.removed:
            return pos
        i = bisect.bisect_right(self.orig_starts, pos) - 1
        if i < 0:
            return 0
        run_length = (self.norm_starts[i + 1] if i + 1 < len(self.norm_starts) else len(self.text)) - self.norm_starts[
            i
        ]
        offset = pos - self.orig_starts[i]
        return self.norm_starts[i] + min(offset, run_length)

    def to_normalised_sorted(self, positions: list[int]) -> list[int]:
        """to_normalised of many ascending positions in one walk over the runs (no search per position)."""
        if not self.removed:
            return list(positions)
        out, i, runs = [], 0, len(self.orig_starts)
        for pos in positions:
            while i + 1 < runs and self.orig_starts[i + 1] <= pos:
                i += 1
            run_length = (self.norm_starts[i + 1] if i + 1 < runs else len(self.text)) - self.norm_starts[i]
            out.append(self.norm_starts[i] + min(max(pos - self.orig_starts[i], 0), run_length))
        return out

    def rules_between(self, start: int, end: int) -> list[str]:
        """The rules that removed characters inside the original span [start, end)."""
        # Removals are sorted and do not overlap: those overlapping the span are a run found by bisection.
        i = max(bisect.bisect_right(self.removed, (start,)) - 1, 0)
        rules = set()
        while i < len(self.removed) and self.removed[i][0] < end:
            s, e, rule = self.removed[i]
            if start < e:
                rules.add(rule)
            i += 1
        return sorted(rules)


def normalised(text: str) -> Normalised:
    removed: list[tuple[int, int, str]] = []
    for rule, pattern in RULES:
        for m in pattern.finditer(text):
            if rule == "bracketed_number":
                removed.append((m.start("open"), m.end("open"), rule))
                removed.append((m.start("close"), m.end("close"), rule))
            else:
                removed.append((m.start("drop"), m.end("drop"), rule))
    removed += [(s, e, "emphasis_in_phrase") for s, e in _emphasis_drops(text)]
    removed.sort()
    # Keep the first of overlapping removals (a space inside 【 15 】 is the bracket rule's).
    merged: list[tuple[int, int, str]] = []
    for s, e, rule in removed:
        if merged and s < merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e, merged[-1][2])
            continue
        merged.append((s, e, rule))
    parts, norm_starts, orig_starts = [], [], []
    pos = length = 0
    for s, e, _rule in merged + [(len(text), len(text), "")]:
        if s > pos:
            norm_starts.append(length)
            orig_starts.append(pos)
            parts.append(text[pos:s])
            length += s - pos
        pos = e
    normal = "".join(parts) if merged else text
    # str.translate walks every character in Python; full-width digits are rare, so translate only them.
    normal = _FULLWIDTH_RUN.sub(lambda m: m.group().translate(_FULLWIDTH_DIGITS), normal)
    if not merged:
        norm_starts, orig_starts = [0], [0]
    return Normalised(text, normal, tuple(norm_starts), tuple(orig_starts), tuple(merged))
