"""Delivery in batches (issue 24, many recipients): on PostgreSQL a sweep's statements grow by one per batch of
DIGESTS_PER_TRANSACTION digests, not by two or three per digest, and every reminder is still marked sent once with
its own digest's recipient and Message-ID. In the send window each reminder is written once, already sent, by its
batch's INSERT: no ledger row is updated."""
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rights.models import Reminder, ReminderStatus
from rights.reminders import sweep_reminders
from rights.reminders.deliver import DIGESTS_PER_TRANSACTION
from tests.factories import UserFactory, file, shanghai

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def sweep_statements(catalog, recipients: int, first: int) -> tuple[int, int]:
    """(statements of the sweep, of them ledger writes) with `recipients` more clerks, each with an overdue
    request."""
    for n in range(first, first + recipients):
        clerk = UserFactory(username=f"clerk{n}", email=f"clerk{n}@example.com")
        file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), requester=f"请求人{n}", assignee=clerk)
    Reminder.objects.all().delete()
    mail.outbox = []
    with CaptureQueriesContext(connection) as queries:
        result = sweep_reminders(now=shanghai(2026, 11, 20, 9, 30))
    assert result.sent == len(mail.outbox) == Reminder.objects.count() == first + recipients
    writes = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "rights_reminder"')]
    assert not [q for q in queries.captured_queries if q["sql"].startswith('UPDATE "rights_reminder"')]
    return len(queries), len(writes)


def test_statements_grow_by_one_per_batch_of_digests_not_per_digest(catalog):
    assert DIGESTS_PER_TRANSACTION == 25
    few, few_writes = sweep_statements(catalog, 25, 0)  # one batch
    many, many_writes = sweep_statements(catalog, 75, 25)  # four batches of 25 (100 digests)
    assert (few_writes, many_writes) == (1, 4)
    assert many < 100 / 2  # fewer statements than digests (three per digest before)

    # Each row marked with its own digest: one recipient and one Message-ID per mail.
    by_recipient = {message.to[0]: message.extra_headers["Message-ID"] for message in mail.outbox}
    rows = Reminder.objects.values_list("recipient", "message_id", "status", "attempts")
    assert {(recipient, message_id) for recipient, message_id, _status, _attempts in rows} == set(by_recipient.items())
    assert {(status, attempts) for _recipient, _message_id, status, attempts in rows} == {(ReminderStatus.SENT, 1)}


def test_a_sweep_that_dies_before_its_commit_leaves_nothing_written_and_the_next_sends_under_the_same_message_id(catalog):
    """The one window at-least-once delivery has: the server accepted a digest, then the process died before the
    commit. The reminders it found due were never written (they are written with their digest), so the next sweep
    finds them due again and sends them under the same Message-ID, which mail systems show once."""
    from django.db import transaction

    clerk = UserFactory(username="clerk-died", email="clerk-died@example.com")
    file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), requester="请求人", assignee=clerk)
    mail.outbox = []

    class Died(Exception):
        pass

    with pytest.raises(Died), transaction.atomic():
        sweep_reminders(now=shanghai(2026, 11, 20, 9, 30))
        assert Reminder.objects.filter(status=ReminderStatus.SENT).exists()  # marked sent, not committed
        raise Died
    assert not Reminder.objects.exists() and len(mail.outbox) == 1
    result = sweep_reminders(now=shanghai(2026, 11, 20, 9, 45))
    assert result.sent == 1 and len(mail.outbox) == 2
    assert mail.outbox[0].extra_headers["Message-ID"] == mail.outbox[1].extra_headers["Message-ID"]
    assert list(Reminder.objects.values_list("status", "message_id")) == [
        (ReminderStatus.SENT, mail.outbox[1].extra_headers["Message-ID"])
    ]


def test_reminders_held_outside_the_send_window_are_written_pending_and_sent_by_the_next_sweep(catalog):
    """Before the send time the sweep writes what is due as pending (nothing is sent); the sweep in the window
    claims and marks those rows rather than writing them again."""
    clerk = UserFactory(username="clerk-held", email="clerk-held@example.com")
    file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), requester="请求人", assignee=clerk)
    mail.outbox = []
    held = sweep_reminders(now=shanghai(2026, 11, 20, 7, 0))
    rows = list(Reminder.objects.values_list("id", "status"))
    assert held.held == len(rows) >= 1 and {status for _id, status in rows} == {ReminderStatus.PENDING}
    assert mail.outbox == []
    sent = sweep_reminders(now=shanghai(2026, 11, 20, 9, 30))
    assert sent.sent == len(rows) and len(mail.outbox) == 1
    assert set(Reminder.objects.values_list("id", "status")) == {(pk, ReminderStatus.SENT) for pk, _status in rows}


def test_a_reminder_another_sweep_wrote_meanwhile_is_left_to_it_and_the_rest_of_the_digest_goes_out(catalog, monkeypatch):
    """A second sweep that got past the one-at-a-time lock wrote one of the reminders this sweep found due, between
    the finding and the delivery: this sweep's INSERT meets the ledger's unique key, writes the other rows, and mails
    only those (the other sweep mails its own)."""
    from rights.reminders import ledger, sweep

    clerk = UserFactory(username="clerk-race", email="clerk-race@example.com")
    for n in range(3):
        file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), requester=f"请求人{n}", assignee=clerk)
    mail.outbox = []
    found = ledger.record_due_reminders

    def found_then_written_elsewhere(**kwargs):
        recorded = found(**kwargs)
        request_id, _column, clock_id, kind, due, repeat, _source = next(iter(recorded.unwritten.values()))
        Reminder.objects.create(request_id=request_id, clock_id=clock_id, kind=kind, due=due, repeat=repeat,
                                status=ReminderStatus.SENT, recipient="other-sweep@example.com")  # fmt: skip
        return recorded

    monkeypatch.setattr(sweep, "record_due_reminders", found_then_written_elsewhere)
    result = sweep_reminders(now=shanghai(2026, 11, 20, 9, 30))
    assert result.recorded == 3 and result.sent == 2 and len(mail.outbox) == 1
    assert len(mail.outbox[0].extra_headers["X-RightsDesk-Reminders"].split(",")) == 2
    rows = Counter(Reminder.objects.values_list("recipient", flat=True))
    assert rows == {"clerk-race@example.com": 2, "other-sweep@example.com": 1}  # each reminder written once
