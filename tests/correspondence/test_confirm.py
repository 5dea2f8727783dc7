"""One click confirms the event the desk proposes for a reply: the case page's mail panel offers it (POST, CSRF,
the person's permission), records it through the tracks' write path at the message's arrival time with the message
as evidence, and only then do the clocks move. An auditor gets 403 and nothing is written."""

import hashlib

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from complaints.models import Channel
from complaints.services import draft_complaint
from correspondence.confirming import ConfirmError, confirm_proposed
from correspondence.ingest import ingest_message
from correspondence.sending import send_complaint
from correspondence.tokens import reply_address
from rights.roles import AUDITOR, CASE_WORKER
from tests.factories import UserFactory, shanghai

from .conftest import message

pytestmark = pytest.mark.django_db
ARRIVED = shanghai(2026, 11, 12, 15, 5)
LATER = shanghai(2026, 11, 13, 9)  # when the person clicks


@pytest.fixture
def completed_reply(sent, draft):
    raw = message(to=reply_address(draft.pk), body="您好，您的账号已注销完成。").as_bytes()
    return ingest_message(raw, now=ARRIVED).mail


def page(request_id):
    return reverse("admin:rights_rightsrequest_change", args=[request_id])


def confirm_url(mail):
    return reverse("admin:correspondence_inboundmail_confirm", args=[mail.pk])


def test_the_panel_offers_the_proposed_event_and_one_click_records_it_at_the_arrival_time(
    completed_reply, draft, admin_client
):
    assert completed_reply.proposed_event == "complete"
    with time_machine.travel(LATER, tick=False):
        shown = admin_client.get(page(draft.pk)).content.decode()
        assert f'action="{confirm_url(completed_reply)}"' in shown and "Confirm: App completed" in shown
        draft.refresh_from_db()
        assert draft.state == "submitted"  # the reply alone moved nothing
        response = admin_client.post(confirm_url(completed_reply), {"expected_state": "submitted"})
        assert response.status_code == 302 and response["Location"].startswith(page(draft.pk))
        again = admin_client.get(page(draft.pk)).content.decode()
    draft.refresh_from_db()
    assert draft.state == "completed"
    entry = draft.log.get(transition="complete")
    assert entry.at == ARRIVED and completed_reply.message_id in entry.note and entry.recorded_at == LATER
    (evidence,) = entry.evidence.all()
    assert hashlib.sha256(evidence.file.read()).hexdigest() == completed_reply.sha256
    assert draft.clocks.get(action="completion").met_at == ARRIVED  # the clock moved, to the mail's own time
    assert confirm_url(completed_reply) not in again  # confirmed: not offered twice


def test_a_reply_is_confirmed_once(completed_reply):
    with time_machine.travel(LATER, tick=False):
        confirm_proposed(mail=completed_reply)
        with pytest.raises(ConfirmError, match="already recorded"):
            confirm_proposed(mail=completed_reply)


def test_an_auditor_gets_403_and_nothing_is_recorded(completed_reply, draft, roles):
    client = Client()
    client.force_login(UserFactory(username="auditor", role=AUDITOR))
    with time_machine.travel(LATER, tick=False):
        assert confirm_url(completed_reply) not in client.get(page(draft.pk)).content.decode()
        assert client.post(confirm_url(completed_reply)).status_code == 403
    draft.refresh_from_db()
    assert draft.state == "submitted" and not draft.log.filter(transition="complete").exists()


def test_the_button_needs_the_csrf_token(completed_reply, draft, roles):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="worker", role=CASE_WORKER, is_staff=True))
    with time_machine.travel(LATER, tick=False):
        assert client.post(confirm_url(completed_reply)).status_code == 403
    draft.refresh_from_db()
    assert draft.state == "submitted"


def test_a_case_worker_confirms_an_identity_request(sent, draft, roles):
    raw = message(to=reply_address(draft.pk), body="请提供身份证明以便核实身份。", message_id="<id@x>").as_bytes()
    mail = ingest_message(raw, now=ARRIVED).mail
    client = Client()
    client.force_login(UserFactory(username="worker", role=CASE_WORKER, is_staff=True))
    with time_machine.travel(LATER, tick=False):
        assert client.post(confirm_url(mail), {"expected_state": "submitted"}).status_code == 302
    draft.refresh_from_db()
    assert draft.state == "awaiting_identity" and draft.log.get(transition="request_identity").at == ARRIVED


def test_a_refusal_is_recorded_with_the_replys_words_as_its_reasons(sent, draft):
    raw = message(to=reply_address(draft.pk), body="很抱歉，我们无法注销您的账号：尚有未结清的订单。").as_bytes()
    mail = ingest_message(raw, now=ARRIVED).mail
    assert mail.proposed_event == "refuse"
    with time_machine.travel(LATER, tick=False):
        confirm_proposed(mail=mail)
    draft.refresh_from_db()
    assert draft.state == "refused" and "尚有未结清的订单" in draft.refusal_reason
    assert "尚有未结清的订单" in draft.log.get(transition="refuse").details["reason"]


def test_the_apps_answer_to_a_complaint_is_confirmed_on_the_complaint(sent, draft, inbox, admin_client):
    complaint = draft_complaint(
        request=draft,
        channel=Channel.objects.get(code="app"),
        at=shanghai(2026, 11, 20, 9),
        now=shanghai(2026, 11, 20, 9),
    )
    send_complaint(complaint=complaint, now=shanghai(2026, 11, 20, 10))
    raw = message(to=reply_address(complaint.pk, "complaint"), body="已收到投诉，正在处理。", message_id="<c@x>")
    mail = ingest_message(raw.as_bytes(), now=shanghai(2026, 11, 23, 11)).mail
    with time_machine.travel(shanghai(2026, 11, 24, 9), tick=False):
        assert f'action="{confirm_url(mail)}"' in admin_client.get(page(draft.pk)).content.decode()
        admin_client.post(confirm_url(mail), {"expected_state": "lodged"})
    complaint.refresh_from_db()
    assert complaint.state == "answered" and complaint.answered_at == shanghai(2026, 11, 23, 11)
    assert "正在处理" in complaint.log.get(event="answer").note
