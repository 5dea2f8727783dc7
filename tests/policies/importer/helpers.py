"""Builders for test phrasings (Chinese numerals written as policies write them), and what the importer's rule
tests read of an extraction."""

from __future__ import annotations

from policies.importer.extract import extract

DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int, *, explicit_ten: bool = False, liang: bool = False) -> str:
    """15 -> 十五 (or 一十五 with explicit_ten), 30 -> 三十, 105 -> 一百零五, 2 -> 两 (with liang)."""
    assert 0 < n < 10000
    if n == 2 and liang:
        return "两"
    parts = []
    for value, name in ((1000, "千"), (100, "百"), (10, "十")):
        digit, n = divmod(n, value)
        if digit:
            if value == 10 and digit == 1 and not parts and not explicit_ten:
                parts.append("十")
            else:
                parts.append(DIGITS[digit] + name)
        elif parts and n:
            if not parts[-1].endswith("零"):
                parts.append("零")
    if n:
        parts.append(DIGITS[n])
    return "".join(parts)


def fullwidth(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def proposals_with_deadline(text: str) -> list:
    """The proposed procedures of text that carry a deadline, in text order."""
    return [p for p in extract(text).procedures if p.deadline]


def promises(text: str) -> list[tuple]:
    """(right, action, (min, max, unit), clock start) of each proposal with a deadline, in text order."""
    return [(p.right, p.action, p.deadline, p.clock_start) for p in proposals_with_deadline(text)]


def means_of(text: str) -> dict:
    """right -> the paths and channel values of its proposed procedures."""
    out = {}
    for p in extract(text).procedures:
        out.setdefault(p.right, set()).update(p.paths + [c["value"] for c in p.channels])
    return out
