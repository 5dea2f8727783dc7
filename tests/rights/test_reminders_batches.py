"""Delivery in batches (issue 24, many recipients): on PostgreSQL a sweep's statements grow by one per batch of
DIGESTS_PER_TRANSACTION digests, not by two or three per digest, and every reminder is still marked sent once with
its own digest's recipient and Message-ID."""
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
    """(statements of the sweep, of them claims) with `recipients` more clerks, each with an overdue request."""
    for n in range(first, first + recipients):
        clerk = UserFactory(username=f"clerk{n}", email=f"clerk{n}@example.com")
        file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), requester=f"请求人{n}", assignee=clerk)
    Reminder.objects.all().delete()
    mail.outbox = []
    with CaptureQueriesContext(connection) as queries:
        result = sweep_reminders(now=shanghai(2026, 11, 20, 9, 30))
    assert result.sent == len(mail.outbox) == Reminder.objects.count() == first + recipients
    claims = [q for q in queries.captured_queries if "FOR UPDATE SKIP LOCKED" in q["sql"]]
    return len(queries), len(claims)


def test_statements_grow_by_one_per_batch_of_digests_not_per_digest(catalog):
    assert DIGESTS_PER_TRANSACTION == 25
    few, few_claims = sweep_statements(catalog, 25, 0)  # one batch
    many, many_claims = sweep_statements(catalog, 75, 25)  # four batches of 25 (100 digests)
    assert (few_claims, many_claims) == (1, 4)
    assert many < 100 / 2  # fewer statements than digests (three per digest before)

    # Each row marked with its own digest: one recipient and one Message-ID per mail.
    by_recipient = {message.to[0]: message.extra_headers["Message-ID"] for message in mail.outbox}
    rows = Reminder.objects.values_list("recipient", "message_id", "status", "attempts")
    assert {(recipient, message_id) for recipient, message_id, _status, _attempts in rows} == set(by_recipient.items())
    assert {(status, attempts) for _recipient, _message_id, status, attempts in rows} == {(ReminderStatus.SENT, 1)}
