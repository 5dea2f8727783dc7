"""Two clerks move the same request at the same moment, on PostgreSQL: one wins, the other is told."""
import threading

import pytest
from django.db import connection
from django.utils import translation

from rights.models import RightsRequest, State, TransitionLog
from rights.services import RequestError, record_event
from tests.factories import file, shanghai

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_sessions_transition_one_request_one_wins_the_other_gets_a_conflict(catalog):
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10))
    seen = RightsRequest.objects.get(pk=request.pk)  # both clerks loaded the page in state "submitted"
    barrier = threading.Barrier(2)
    outcomes = {}

    def clerk(name, operation):
        try:
            translation.activate("en")  # each thread has its own language too
            barrier.wait(timeout=5)
            operation(request=seen, expected_state=State.SUBMITTED, at=shanghai(2026, 10, 9, 10))
            outcomes[name] = "won"
        except RequestError as error:
            outcomes[name] = str(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [
        threading.Thread(target=clerk, args=("completer", lambda **kw: record_event(event="complete", **kw))),
        threading.Thread(target=clerk, args=("refuser", lambda **kw: record_event(event="refuse", reason="不符合条件", **kw))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) == ["completer", "refuser"]
    winners = [name for name, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1
    loser = next(outcome for outcome in outcomes.values() if outcome != "won")
    assert "changed by someone else" in loser
    final = RightsRequest.objects.get(pk=request.pk)
    assert final.state == (State.COMPLETED if winners == ["completer"] else State.REFUSED)
    closing = TransitionLog.objects.filter(request=request).exclude(transition__in=["file", "submit"])
    assert closing.count() == 1


def test_the_model_itself_refuses_a_stale_save(catalog):
    """ConcurrentTransitionMixin: a save from a stale instance does not overwrite a newer state."""
    from django.db import transaction
    from django_fsm import ConcurrentTransition

    request = file(catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10))
    stale = RightsRequest.objects.get(pk=request.pk)
    record_event(event="complete", request=request, at=shanghai(2026, 10, 9, 10))
    stale.acknowledge()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()
    assert RightsRequest.objects.get(pk=request.pk).state == State.COMPLETED


def test_a_move_locks_only_its_request_so_filing_on_the_same_app_does_not_wait(catalog):
    """bench/load found filings failing with "deadlock detected": a move locked its request FOR UPDATE joined to
    the app, which in PostgreSQL locks the app's row too, and a filing's foreign-key check on that app waited for
    it. While one clerk's move holds its request, another clerk files on the same app at once."""
    from django.db import transaction

    app = catalog["卢米埃影城"]
    request = file(app, at=shanghai(2026, 9, 28, 10))
    holding, release = threading.Event(), threading.Event()

    def mover():
        try:
            with transaction.atomic():
                RightsRequest.objects.locked_for_write().get(pk=request.pk)
                holding.set()
                release.wait(timeout=20)
        finally:
            connection.close()

    thread = threading.Thread(target=mover)
    thread.start()
    try:
        assert holding.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")  # waiting on the app's row would fail, not hang
        filed = file(app, at=shanghai(2026, 9, 28, 11))
    finally:
        release.set()
        thread.join(timeout=20)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    assert filed.app_id == app.pk and filed.state == State.SUBMITTED
