"""The scope of a sentence: a catch-all that excludes what was said before (除上述…外), a paragraph's inline
sub-title (【查阅】, 更正：, 撤回同意——), and the items above a sentence names by number (上述3、4项)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .rights import rights_in, rights_in_order

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


# "在响应您上述3、4项要求前": the requests of the items numbered 3 and 4 above (a range: 上述1至3项).
_NUMBERED_ITEMS = re.compile(
    r"(?:上述|以上|前述)(?:第)?(?P<numbers>\d{1,2}(?:\s?[、,，和及与至~-]\s?\d{1,2}){0,5})\s?(?:项|条|点|款)"
)
_ITEM_NUMBER = re.compile(r"\d{1,2}|[至~-]")


def numbers_referred(text: str, start: int, end: int) -> list[int]:
    """The item numbers text[start:end] refers back to ("上述3、4项" -> [3, 4]; "以上1至3项" -> [1, 2, 3])."""
    m = _NUMBERED_ITEMS.search(text, start, end)
    if not m:
        return []
    numbers: list[int] = []
    ranged = False
    for token in _ITEM_NUMBER.findall(m["numbers"]):
        if not token.isdigit():
            ranged = True
            continue
        n = int(token)
        if ranged and numbers and numbers[-1] < n <= numbers[-1] + 20:
            numbers.extend(range(numbers[-1] + 1, n))
        numbers.append(n)
        ranged = False
    return list(dict.fromkeys(numbers))


# A line that opens with an item number: "3、", "3.", "（3）", "3）" (not 3.5 nor a date).
_ITEM_REACH = 300  # characters of an item read for its rights
_ITEM_LINE = re.compile(r"(?m)^[ \t]*[（(]?(\d{1,2})\s?[)）、.．](?!\d)")


class NumberedLines:
    """Where each numbered line of a text starts and ends, read once: the lines an item number refers to."""

    def __init__(self, text: str):
        self.text = text
        self._starts: dict[int, list[int]] = {}
        for m in _ITEM_LINE.finditer(text):
            self._starts.setdefault(int(m[1]), []).append(m.start())

    def lines(self, start: int, end: int, numbers: list[int]) -> list[tuple[int, int]]:
        """The line of text[start:end] that opens with each number, the nearest before `end`, in the order of
        the numbers."""
        found = []
        for n in numbers:
            starts = self._starts.get(n, [])
            i = bisect.bisect_left(starts, end) - 1
            if i >= 0 and starts[i] >= start:
                # an item is a line or its first few sentences: a text on one line is not read again for each
                item_end = min(end, starts[i] + _ITEM_REACH)
                line_end = self.text.find("\n", starts[i], item_end)
                found.append((starts[i], item_end if line_end < 0 else line_end))
        return found
