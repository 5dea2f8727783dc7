"""Reminders through Django's SMTP backend to a real SMTP server (aiosmtpd on loopback): the digest arrives as
text and HTML; with the server down the failure is recorded and a later sweep delivers, once."""
import email
import email.policy
import socket
from contextlib import contextmanager
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import override_settings

from rights.models import Reminder, ReminderStatus
from rights.reminders import sweep_reminders
from tests.factories import UserFactory, file, shanghai

pytestmark = pytest.mark.django_db

FILED = shanghai(2026, 11, 10, 10)  # 卢米埃影城 cancellation, last day 2026-11-19
MORNING = shanghai(2026, 11, 20, 9, 30)


class Inbox:
    """An SMTP server's handler that keeps what it accepts; addresses in `refuse` are rejected with a 550."""

    def __init__(self, refuse=()):
        self.messages = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(port, handler):
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def port():
    return free_port()


@pytest.fixture
def smtp_backend(port):
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=5,
    ):
        yield port


@pytest.fixture
def clerk(db):
    return UserFactory(username="wang", email="wang@example.com")


def test_the_digest_reaches_a_real_smtp_server_as_text_and_html(catalog, clerk, smtp_backend):
    request = file(catalog["卢米埃影城"], at=FILED, assignee=clerk)
    with smtp_server(smtp_backend, Inbox()) as inbox:
        result = sweep_reminders(now=MORNING)
    assert result.sent == 1 and result.failed == 0
    (message,) = inbox.messages
    assert message["To"] == "wang@example.com"
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert f"/admin/rights/rightsrequest/{request.pk}/change/" in message.get_body(("plain",)).get_content()
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.SENT and reminder.message_id == message["Message-ID"]
    assert mail.outbox == []  # it really went over SMTP


def test_with_the_server_down_the_failure_is_recorded_and_a_later_sweep_delivers_once(catalog, clerk, smtp_backend):
    file(catalog["卢米埃影城"], at=FILED, assignee=clerk)

    down = sweep_reminders(now=MORNING)  # nothing listens on the port
    assert down.sent == 0 and down.failed == 1
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.FAILED and reminder.attempts == 1
    assert "Connection refused" in reminder.last_error or "ConnectionRefusedError" in reminder.last_error

    with smtp_server(smtp_backend, Inbox()) as inbox:
        up = sweep_reminders(now=shanghai(2026, 11, 20, 10, 0))  # the next hourly sweep
        again = sweep_reminders(now=shanghai(2026, 11, 20, 11, 0))
    assert up.sent == 1 and again.sent == 0
    assert len(inbox.messages) == 1
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.last_error) == (ReminderStatus.SENT, 2, "")


def test_a_refused_recipient_fails_alone_and_the_other_digests_still_go(catalog, clerk, smtp_backend):
    other = UserFactory(username="li", email="li@example.com")
    file(catalog["卢米埃影城"], at=FILED, assignee=clerk)
    file(catalog["卢米埃影城"], at=FILED, assignee=other, requester="李四")
    with smtp_server(smtp_backend, Inbox(refuse={"li@example.com"})) as inbox:
        result = sweep_reminders(now=MORNING)
    assert {(r.recipient, r.status) for r in result.reminders} == {
        ("li@example.com", ReminderStatus.FAILED),
        ("wang@example.com", ReminderStatus.SENT),
    }
    assert [m["To"] for m in inbox.messages] == ["wang@example.com"]
    failed = Reminder.objects.get(recipient="li@example.com")
    assert failed.status == ReminderStatus.FAILED and "No such mailbox" in failed.last_error


def test_an_overdue_reminder_that_failed_during_a_long_outage_is_sent_as_it_is_not_a_later_repeat(catalog, clerk, smtp_backend):
    file(catalog["卢米埃影城"], at=FILED, assignee=clerk)
    sweep_reminders(now=MORNING)  # server down: the first overdue reminder failed
    with smtp_server(smtp_backend, Inbox()) as inbox:
        sweep_reminders(now=shanghai(2026, 11, 25, 9, 30))  # back up three working days later
    statuses = dict(Reminder.objects.filter(kind="overdue").values_list("repeat", "status"))
    assert statuses == {0: ReminderStatus.SENT}  # nobody has read one yet: this is the first, retried
    assert len(inbox.messages) == 1
    assert Reminder.objects.get(kind="overdue").due == date(2026, 11, 19)
