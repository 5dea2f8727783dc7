"""Input at the boundary: linear-time patterns on 100k-character texts, the font, and a template that tries to
reach beyond the facts it is given."""
import time

import pytest

from complaints.admissibility import POSTCODE
from complaints.drafting import BLANKS, UNFILLED, DraftError, render_body
from complaints.facts import PHONE
from complaints.fonts import FontMissing, cjk_font

LONG = [
    "【待填写：" + "x" * 100_000,  # an opening that never closes, on one line
    "【待补：" + "x" * 100_000,
    "一" * 100_000,  # one sentence
    " " * 100_000,  # only spaces
    "[to fill in: " * 8_000,
    "1" * 100_000,
]


@pytest.mark.parametrize("text", LONG, ids=["open-placeholder", "open-blank", "one-sentence", "spaces", "repeated-openers", "digits"])
def test_patterns_run_in_linear_time_on_100k_characters(text):
    started = time.perf_counter()
    UNFILLED.search(text)
    BLANKS.findall(text)
    POSTCODE.fullmatch(text)
    PHONE.fullmatch(text)
    # Generous: a backtracking pattern takes minutes here; these take milliseconds.
    assert time.perf_counter() - started < 2


def test_an_unfilled_placeholder_is_found_and_named(english):
    match = UNFILLED.search("地址：【待填写：被申诉人地址】")
    assert match.group(1) == "被申诉人地址"
    with pytest.raises(DraftError, match="unfilled placeholder: respondent.adress"):
        render_body("Address: {{ respondent.adress }}", {"respondent": {"address": "北京"}})


def test_a_missing_detail_is_a_marked_blank_listed_once_at_the_end():
    text = render_body("Address: {{ respondent.address }}\nAgain: {{ respondent.address }}",
                       {"language": "en", "respondent": {"address": "[to fill in: respondent's address]"}})
    assert text.endswith("To fill in before lodging:\n1. respondent's address\n")
    assert text.count("1. respondent's address") == 1 and "2." not in text


def test_a_template_can_only_arrange_the_facts_it_is_given(english):
    # An unknown variable renders as a placeholder and refuses the draft; tags that load or include are unknown.
    with pytest.raises(DraftError, match="unfilled placeholder: settings.SECRET_KEY"):
        render_body("{{ settings.SECRET_KEY }}", {})
    for body in ('{% load static %}', '{% include "admin/base.html" %}x'):
        with pytest.raises(DraftError):
            render_body(body, {})


def test_a_missing_font_is_one_clear_line(monkeypatch):
    cjk_font.cache_clear()
    try:
        with pytest.raises(FontMissing, match="not a font file"):
            cjk_font("/nonexistent/font.ttc")
    finally:
        cjk_font.cache_clear()
