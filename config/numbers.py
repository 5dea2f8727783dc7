"""Whole numbers as people type them into a URL or a command line: ASCII digits only.

`"²".isdigit()` is True and `int("²")` raises; `int("٣")` is 3 and `int(" 7 ")` is 7. A superscript, a circled
or another script's digit, a sign or spaces in an id or a count is a typo, not a number: such text is no
number at all, and the caller answers with an empty result or a one-line message.
"""

from __future__ import annotations

# More digits than any database integer holds (bigint: 19): such a "number" finds nothing anyway.
MAX_DIGITS = 19


def whole_number(text: str | None) -> int | None:
    """`text` as an int >= 0 when it is 1 to 19 ASCII digits, else None."""
    if text and len(text) <= MAX_DIGITS and text.isascii() and text.isdecimal():
        return int(text)
    return None
