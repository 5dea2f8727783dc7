"""What a received message shows: its HTML sanitised (no script, no event handler, no remote image), and its
attachments served only as downloads (Content-Disposition: attachment, nosniff, an opaque type), to staff who may
read mail."""

from email.message import EmailMessage

import pytest
from django.test import Client
from django.urls import reverse

from correspondence.ingest import ingest_message
from correspondence.tokens import reply_address
from tests.factories import UserFactory, shanghai

pytestmark = pytest.mark.django_db
ARRIVED = shanghai(2026, 11, 11, 15, 5)
HOSTILE = (
    '<p onclick="steal()">您的请求已受理</p><script>alert("x")</script>'
    '<img src="https://tracker.example/pixel.gif?u=1"><img src="cid:logo@x" alt="logo">'
    '<a href="javascript:alert(1)">点此</a>'
)


def hostile_mail(to):
    mail = EmailMessage()
    mail["From"] = "客服 <min.jiang@cmgplex.com>"
    mail["To"] = to
    mail["Subject"] = "Re: 注销"
    mail["Message-ID"] = "<html-1@cmgplex.com>"
    mail.set_content("您的请求已受理")
    mail.add_alternative(HOSTILE, subtype="html")
    mail.add_attachment(b"<html><script>alert(1)</script></html>", maintype="text", subtype="html", filename="x.html")
    mail.add_attachment(b"%PDF-1.4\n%%EOF\n", maintype="application", subtype="pdf", filename="回执.pdf")
    return mail


@pytest.fixture
def received(sent, draft):
    return ingest_message(hostile_mail(reply_address(draft.pk)).as_bytes(), now=ARRIVED).mail


def test_the_html_body_is_shown_sanitised_without_script_handlers_or_remote_images(received, admin_client):
    shown = admin_client.get(reverse("admin:correspondence_inboundmail_change", args=[received.pk])).content.decode()
    assert "您的请求已受理" in shown
    assert 'alert("x")' not in shown and "steal()" not in shown and "javascript:alert" not in shown
    assert "tracker.example" not in shown  # no remote image is loaded
    assert 'src="cid:logo@x"' in shown  # an image carried in the message itself may stay


def test_an_attachment_is_served_as_a_download_with_nosniff(received, admin_client):
    served = {a.name: a for a in received.attachments.all()}
    assert set(served) == {"回执.pdf", "x.html"}
    page = admin_client.get(reverse("admin:correspondence_inboundmail_change", args=[received.pk])).content.decode()
    pdf = served["回执.pdf"]
    url = reverse("admin:correspondence_mailattachment_download", args=[pdf.pk])
    assert url in page
    response = admin_client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"  # never rendered, whatever the file claims


def test_an_attachment_is_refused_to_a_user_without_the_mail_permission(received, roles):
    client = Client()
    client.force_login(UserFactory(username="nobody", is_staff=True))
    (attachment, *_rest) = received.attachments.all()
    assert client.get(reverse("admin:correspondence_mailattachment_download", args=[attachment.pk])).status_code == 403


def test_a_refused_attachment_is_not_served(received, admin_client):
    refused = [a for a in received.attachments.all() if not a.file]
    for attachment in refused:
        url = reverse("admin:correspondence_mailattachment_download", args=[attachment.pk])
        assert admin_client.get(url).status_code == 404
