"""Two case workers record an event on the same complaint at the same moment, on PostgreSQL: one wins, the other
is told, and the history has one row."""
import threading

import pytest
from django.db import connection
from django.utils import translation

from complaints.models import Channel, Complaint, ComplaintLog
from complaints.services import ComplaintError, draft_complaint, record_complaint_event
from tests.factories import file, shanghai

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_sessions_lodge_and_withdraw_one_draft_one_wins(catalog):
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10), requester_contact="13812345678")
    seen = draft_complaint(request=request, channel=Channel.objects.get(code="app"), at=shanghai(2026, 10, 14, 9))
    barrier = threading.Barrier(2)
    outcomes = {}

    def worker(name, event, **inputs):
        try:
            translation.activate("en")
            barrier.wait(timeout=5)
            record_complaint_event(complaint=seen, event=event, expected_state="drafted", at=shanghai(2026, 10, 14, 10), **inputs)
            outcomes[name] = "won"
        except ComplaintError as error:
            outcomes[name] = str(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=("lodger", "lodge")),
               threading.Thread(target=worker, args=("withdrawer", "withdraw"), kwargs={"note": "不再投诉"})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcomes) == ["lodger", "withdrawer"]
    assert sorted(o == "won" for o in outcomes.values()) == [False, True]
    assert "changed by someone else" in next(o for o in outcomes.values() if o != "won")
    final = Complaint.objects.get(pk=seen.pk)
    assert ComplaintLog.objects.filter(complaint=final).exclude(event="draft").count() == 1
    assert final.state in ("lodged", "withdrawn")
