"""Fuzzing the importer (issue 11): generated texts (fuzz_texts.py) that mix policy phrases, numbers in every
notation, control characters, NUL, long runs and title-like lines with random Unicode, pasted or as file bytes.

Properties, for every input:
- reading and extracting raise nothing but the documented ImporterError (ReadError), with a one-line message;
- every proposal's quote is a passage of the text as read (what the version stores and the review highlights),
  verbatim, at the offsets the proposal gives, and so is every fact inside it;
- every deadline amount is a positive integer, min <= max <= 10,000;
- the same input gives the same text and the same proposals;
- storing a draft version of it raises nothing but ImportRefused (the procedures pass their model validation).

Settings come from a hypothesis profile: a few hundred examples, each with a budget of 1 s (hypothesis'
`deadline`: a guard against a text that makes the importer hang, not a speed target; typical examples take
1-40 ms, and bench/fuzz_importer.py times 10,000 larger texts, see README "Importer robustness"). With CI=true the
profile is derandomized: the same examples on every run, so a failure in CI reproduces locally with
CI=true. Elsewhere each run explores new examples, and hypothesis' example database replays a failure found.
"""

import os
from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.importer.errors import ImporterError, ImportRefused
from policies.importer.extract import extract
from policies.importer.reading import read_policy
from policies.importer.store import import_policy_version

from .fuzz_texts import FORMS, as_input, texts

_COMMON = dict(
    deadline=timedelta(seconds=1),
    print_blob=True,
    # Generated texts are large on purpose (runs of 2,000 characters); that is not a problem with the strategy.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
settings.register_profile("importer-fuzz", max_examples=300, **_COMMON)
settings.register_profile("importer-fuzz-ci", max_examples=300, derandomize=True, database=None, **_COMMON)
FUZZ = settings.get_profile("importer-fuzz-ci" if os.environ.get("CI") == "true" else "importer-fuzz")
# Storing writes to the database: fewer examples, the same budget per text.
FUZZ_STORE = settings(FUZZ, max_examples=60)

MAX_AMOUNT = 10_000  # grammar/periods.py refuses larger amounts


def read_and_extract(data):
    """The importer as the admin and `import_policy` run it: read, then extract. (None, error) on refusal."""
    try:
        text = read_policy(data, source_name="fuzz.txt")
    except ImporterError as e:
        return None, e
    return (text, extract(text)), None


def assert_one_line(error: ImporterError):
    message = str(error)
    assert message.strip() and "\n" not in message and "\r" not in message, repr(message)
    assert "Traceback" not in message


@FUZZ
@given(texts(), st.sampled_from(FORMS))
def test_any_text_is_read_and_extracted_or_refused_with_one_line(text, form):
    data = as_input(text, form)
    result, error = read_and_extract(data)
    if error is not None:
        assert_one_line(error)
        return
    read, extraction = result
    assert read.strip() and "\x00" not in read
    for p in extraction.procedures:
        # Verbatim: cut from the text as read, at the proposal's own offsets.
        assert p.quote and read[p.start : p.end] == p.quote, (p.start, p.end, p.quote)
        for fact in p.facts:
            assert 0 <= fact.start < fact.end <= len(read), fact
        if p.deadline is not None:
            low, high, unit = p.deadline
            assert type(low) is int and type(high) is int, p.deadline
            assert 0 < low <= high <= MAX_AMOUNT, (p.deadline, p.quote)
            assert unit, p.deadline


@FUZZ
@given(texts(), st.sampled_from(FORMS))
def test_the_same_input_gives_the_same_text_and_proposals(text, form):
    data = as_input(text, form)
    first, first_error = read_and_extract(data)
    again, again_error = read_and_extract(data)
    if first_error is not None:
        assert again_error is not None and str(again_error) == str(first_error)
        return
    assert again[0] == first[0]
    assert again[1].as_dict() == first[1].as_dict()


@pytest.mark.django_db
@FUZZ_STORE
@given(texts(max_pieces=15, max_run=500))
def test_storing_any_read_text_raises_nothing_but_a_refusal(text):
    result, error = read_and_extract(text)
    if error is not None:
        return
    read, extraction = result
    try:
        with transaction.atomic():
            version = import_policy_version(text=read, app_name="模糊测试", extraction=extraction)
            stored = list(version.procedures.order_by("pk").values_list("quote", "deadline_min", "deadline_max"))
            assert [q for q, _low, _high in stored] == [p.quote for p in extraction.procedures]
            assert all(q in version.source_text for q, _low, _high in stored)
            transaction.set_rollback(True)  # each example starts from the same database
    except ImportRefused as e:
        assert_one_line(e)
