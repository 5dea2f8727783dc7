"""The scope of a sentence: a catch-all that excludes what was said before (除上述…外), and a paragraph's
inline sub-title (【查阅】, 更正：, 撤回同意——)."""

from __future__ import annotations

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
