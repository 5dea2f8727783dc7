"""The dashboard's pictures (issue 19, item 4): kept / missed / refused as one SVG bar per app, and the median
working days to completion against the promise; SVG with classes, never a style attribute (the CSP)."""
import re

import pytest

from rights.charts import Completion, completions, days_bar, verdict_bar
from rights.presenters import AppRecord
from rights.services import record_event
from tests.factories import file, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_verdict_bar_is_each_share_of_the_decided_requests(catalog):
    record = AppRecord(app=catalog["卢米埃影城"], open=0, overdue=0, breach=0, kept=2, missed=1, refused=1)
    svg = str(verdict_bar(record))
    parts = dict(re.findall(r'data-part="(\w+)" x="[\d.]+" y="0" width="([\d.]+)"', svg))
    assert parts == {"kept": "50.00", "missed": "25.00", "refused": "25.00"}
    assert "style=" not in svg and 'aria-label="kept 2, missed 1, refused 1"' in svg


def test_the_days_bar_marks_the_promise_and_turns_red_when_later():
    on_time = str(days_bar(Completion(count=3, taken=3, allowed=7), scale=14))
    late = str(days_bar(Completion(count=3, taken=19, allowed=15), scale=19))
    assert 'class="rd-svg__taken" data-part="taken" x="0" y="2" width="21.43"' in on_time
    assert 'x1="50.00"' in on_time
    assert 'class="rd-svg__late"' in late and "style=" not in late


def test_medians_in_working_days_over_the_latest_completions(catalog):
    lumiere = catalog["卢米埃影城"]  # account cancellation: 7 working days
    # Filed Monday 11-30: the last day is Wednesday 12-09. Completed after 2, 3 and 9 working days.
    for done in (shanghai(2026, 12, 2, 10), shanghai(2026, 12, 3, 10), shanghai(2026, 12, 11, 10)):
        record_event(request=file(lumiere, at=shanghai(2026, 11, 30, 10), now=done), event="complete", at=done, now=done)
    found = completions(now=shanghai(2026, 12, 14, 10))
    assert found[lumiere.pk] == Completion(count=3, taken=3, allowed=7)
    assert not found[lumiere.pk].late
    # Only what was met by `now`, and at most `sample` per app (the latest).
    assert completions(now=shanghai(2026, 12, 4, 10))[lumiere.pk] == Completion(count=2, taken=2.5, allowed=7)
    assert completions(now=shanghai(2026, 12, 14, 10), sample=1)[lumiere.pk] == Completion(count=1, taken=9, allowed=7)
