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


def test_a_regulator_lodging_and_a_request_event_at_the_same_moment_never_deadlock(catalog):
    """Lodging with 12315 locks the request (it escalates it) and the complaint; a case worker records the app's
    acknowledgement on the same request at that moment. Every writer locks the request first, so neither waits on
    the other in a cycle: both finish, each either recorded or told why not, and the records agree."""
    from rights.models import RightsRequest, TransitionLog
    from rights.services import RequestError, record_event

    app = catalog["卢米埃影城"]
    app.addresses = ["北京市东城区测试路1号（测试地址）"]
    app.save()
    request = file(app, at=shanghai(2026, 9, 28, 10), requester_contact="13812345678")
    from complaints.services import update_requester_details

    update_requester_details(request=request, changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"})
    seen = draft_complaint(request=request, channel=Channel.objects.get(code="12315"), at=shanghai(2026, 10, 14, 9))
    barrier = threading.Barrier(2)
    outcomes = {}

    def worker(name, record):
        try:
            translation.activate("en")
            barrier.wait(timeout=5)
            record()
            outcomes[name] = "won"
        except (ComplaintError, RequestError) as error:
            outcomes[name] = str(error)
        except Exception as error:  # noqa: BLE001 - a deadlock would land here; the assertion below names it
            outcomes[name] = f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=("lodge", lambda: record_complaint_event(
            complaint=seen, event="lodge", expected_state="drafted", at=shanghai(2026, 10, 14, 10)))),
        threading.Thread(target=worker, args=("acknowledge", lambda: record_event(event="acknowledge", 
            request=request, expected_state="submitted", at=shanghai(2026, 10, 14, 10)))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcomes) == ["acknowledge", "lodge"]
    assert not any("deadlock" in o.lower() or "Error:" in o for o in outcomes.values()), outcomes
    assert outcomes["lodge"] == "won"  # the complaint's state was as seen: nothing else touched it
    final = RightsRequest.objects.get(pk=request.pk)
    assert final.state == "escalated" and TransitionLog.objects.filter(request=final, transition="escalate").count() == 1
