"""Numerals as policies write them: Arabic, full-width and Chinese (七, 十五, 一十五, 三十, 两)."""

from __future__ import annotations

# Each digit's characters, everyday and financial (大写) forms: 零〇○ are 0, 一壹 are 1, 二贰两 are 2 ...
_CN_DIGITS = {
    char: value
    for value, chars in enumerate(["零〇○", "一壹", "二贰两", "三叁", "四肆", "五伍", "六陆", "七柒", "八捌", "九玖"])
    for char in chars
}
_CN_MULTIPLIERS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
CN_NUMERAL_CHARS = "".join(_CN_DIGITS) + "".join(_CN_MULTIPLIERS)
NUMERAL = rf"(?:[0-9０-９]+|[{CN_NUMERAL_CHARS}]+)"


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
