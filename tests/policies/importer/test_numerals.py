"""Numerals: policies write deadlines in Arabic, full-width and Chinese numerals (七, 十五, 一十五, 三十, 两)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies.importer.grammar import parse_numeral

from .helpers import chinese_numeral, fullwidth


@pytest.mark.parametrize(
    "numeral, value",
    [
        ("7", 7),
        ("15", 15),
        ("１５", 15),
        ("七", 7),
        ("十", 10),
        ("十五", 15),
        ("一十五", 15),
        ("三十", 30),
        ("二十四", 24),
        ("四十八", 48),
        ("一百零五", 105),
        ("两", 2),
        ("〇", 0),
        ("二〇二一", 2021),
        ("壹拾伍", 15),
    ],
)
def test_numerals_read_as_written(numeral, value):
    assert parse_numeral(numeral) == value


@pytest.mark.parametrize("not_a_numeral", ["", "十a", "五天", "x"])
def test_anything_else_is_not_a_numeral(not_a_numeral):
    with pytest.raises(ValueError):
        parse_numeral(not_a_numeral)


@given(st.integers(min_value=1, max_value=9999), st.booleans())
def test_every_chinese_numeral_reads_back_as_its_number(n, explicit_ten):
    assert parse_numeral(chinese_numeral(n, explicit_ten=explicit_ten)) == n


@given(st.integers(min_value=0, max_value=10**6))
def test_arabic_and_full_width_digits_read_the_same(n):
    assert parse_numeral(str(n)) == parse_numeral(fullwidth(n)) == n
