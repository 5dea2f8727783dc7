"""Shared by the correspondence tests: a draft request to an app with a privacy e-mail address, a real SMTP server
(aiosmtpd on loopback, as the reminder tests use) and messages built as a mail server would hand them over."""

from email.message import EmailMessage

import pytest
from django.test import override_settings

from tests.factories import file, shanghai
from tests.rights.test_reminders_smtp import Inbox, free_port, smtp_server

FILED = shanghai(2026, 11, 10, 9)
SENT = shanghai(2026, 11, 10, 10)  # 卢米埃影城 promises completion in 7 working days: last day 2026-11-19


@pytest.fixture
def draft(catalog):
    """A cancellation for 卢米埃影城 (min.jiang@cmgplex.com), filed and not yet sent."""
    return file(catalog["卢米埃影城"], at=FILED, now=FILED, submit=False, requester_contact="13800000000")


@pytest.fixture
def inbox():
    port = free_port()
    with (
        smtp_server(port, Inbox()) as handler,
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=port,
            EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="", EMAIL_USE_TLS=False, EMAIL_USE_SSL=False, EMAIL_TIMEOUT=5,
        ),
    ):  # fmt: skip
        yield handler


def message(
    *,
    to="desk@example.org",
    sender="客服 <min.jiang@cmgplex.com>",
    subject="Re: 注销",
    body="您好",
    message_id="<reply-1@cmgplex.com>",
    **headers,
) -> EmailMessage:
    """A message as an app's mail server would send it; header names in `headers` use _ for -."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = "Wed, 11 Nov 2026 15:00:00 +0800"
    if message_id:
        mail["Message-ID"] = message_id
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    return mail


@pytest.fixture
def sent(draft, inbox):
    """The request letter, sent at SENT."""
    from correspondence.sending import send_letter

    return send_letter(request=draft, now=SENT)


@pytest.fixture(autouse=True)
def _messages_in_english(english):
    """The refusals are asserted in English, the source language (the Chinese catalog has them too)."""
