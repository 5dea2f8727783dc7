"""TextIndex answers exactly what the pattern itself answers, whether it searches a span directly (a pattern
asked about little text) or from its index (a pattern asked about more than the text holds): the importer's
reading must not depend on which."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from policies.importer import grammar
from policies.importer.spans import TextIndex

PATTERNS = [
    grammar.REPLY_OR_COMPLETION,
    grammar.CLAUSE_END,
    grammar.GENERIC_REQUEST,
    grammar.ESCALATION,
    grammar.RIGHT_TERMS[0][1],
    re.compile(r"与您联系|联系您"),  # overlapping matches: 与您联系您
]
ALPHABET = list("与您联系我们将在内答复完成处理删除注销请求申请，。；不满意") + [" ", "\n"]


def _last(pattern, text, lo, hi):
    """The match starting last in text[lo:hi], overlapping ones included (what TextIndex.last promises)."""
    for pos in range(hi - 1, lo - 1, -1):
        m = pattern.match(text, pos, hi)
        if m is not None:
            return m
    return None


def _span(m):
    return (m.start(), m.end(), m.group()) if m else None


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(ALPHABET), max_size=120),
    st.lists(st.tuples(st.integers(0, 130), st.integers(0, 130)), min_size=1, max_size=30),
    st.sampled_from([0, 40, None]),
)
def test_search_and_last_are_the_pattern_s_own_answers_directly_or_from_the_index(text, spans, budget):
    index = TextIndex(text, direct_budget=budget)
    for pattern in PATTERNS:
        for a, b in spans:
            lo, hi = min(a, b, len(text)), min(max(a, b), len(text))
            assert _span(index.search(pattern, lo, hi)) == _span(pattern.search(text, lo, hi))
            assert _span(index.last(pattern, lo, hi)) == _span(_last(pattern, text, lo, hi))


def test_a_pattern_is_indexed_once_it_has_been_asked_about_more_than_the_text():
    text = "我们将在15天内答复。" * 10
    index = TextIndex(text)
    pattern = grammar.REPLY_OR_COMPLETION
    for _ in range(10):
        index.search(pattern, 0, 11)
    assert id(pattern) not in index._starts  # 110 characters asked about: searched directly
    index.search(pattern, 0, len(text))
    assert id(pattern) in index._starts  # past the text's 110: indexed
