"""`complaints send`: the complaint to the app goes by e-mail the way the request letter does (From the desk, Reply-To
the complaint's own token address, the Message-ID kept, its lodging recorded at the moment of sending with the .eml
as evidence), and the app's replies thread into the complaint's record. Refusals are one line, exit 2."""

import hashlib
import io
import json
import sys

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from complaints.models import Channel
from complaints.services import draft_complaint, record_complaint_event
from correspondence.ingest import ingest_message
from correspondence.letters import LetterError
from correspondence.models import Letter
from correspondence.sending import send_complaint
from correspondence.tokens import reply_address
from policies.models import App, Procedure
from tests.factories import shanghai

from .conftest import message

pytestmark = pytest.mark.django_db
DRAFTED = shanghai(2026, 11, 20, 9)  # the day after the promise's last day (2026-11-19): admissible
SENT_AT = shanghai(2026, 11, 20, 10)
ARRIVED = shanghai(2026, 11, 23, 11)


@pytest.fixture
def to_the_app(sent, draft):
    return draft_complaint(request=draft, channel=Channel.objects.get(code="app"), at=DRAFTED, now=DRAFTED)


def test_the_complaint_goes_to_the_app_from_the_desk_with_its_own_reply_address(to_the_app, inbox):
    letter = send_complaint(complaint=to_the_app, now=SENT_AT)
    received = inbox.messages[-1]
    assert received["To"] == "min.jiang@cmgplex.com" and received["From"] == "RightsDesk <desk@example.org>"
    assert received["Reply-To"] == reply_address(to_the_app.pk, "complaint") != reply_address(to_the_app.request_id)
    assert received["Message-ID"] == letter.message_id and letter.complaint == to_the_app
    assert to_the_app.text.strip()[:20] in received.get_content()


def test_its_lodging_is_recorded_at_the_moment_of_sending_with_the_eml_as_evidence(to_the_app, inbox):
    letter = send_complaint(complaint=to_the_app, now=SENT_AT)
    to_the_app.refresh_from_db()
    assert to_the_app.state == "lodged" and to_the_app.lodged_at == SENT_AT
    entry = to_the_app.log.get(event="lodge")
    assert entry.at == SENT_AT and letter.message_id in entry.note and letter.sha256 in entry.note
    (evidence,) = entry.evidence.all()
    assert hashlib.sha256(evidence.file.read()).hexdigest() == letter.sha256 == evidence.sha256
    assert to_the_app.clocks.exists()  # the app's answer clock started


def test_complaints_send_prints_the_letters_json(to_the_app, inbox, capsys):
    with time_machine.travel(SENT_AT, tick=False):
        call_command("complaints", "send", str(to_the_app.pk), "--json")
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"message_id", "to", "reply_to", "subject", "sent_at"}
    assert data["reply_to"] == reply_address(to_the_app.pk, "complaint")


@pytest.mark.parametrize(
    "how, refusal",
    [
        ("twice", "already sent"),
        ("withdrawn", "is closed"),
        ("regulator", "not by e-mail to the app"),
    ],
)
def test_refusals_are_one_line_exit_2_and_send_nothing(to_the_app, inbox, how, refusal):
    complaint = to_the_app
    if how == "twice":
        send_complaint(complaint=complaint, now=SENT_AT)
    elif how == "withdrawn":
        record_complaint_event(complaint=complaint, event="withdraw", note="不再需要", at=SENT_AT, now=SENT_AT)
    else:
        complaint = draft_complaint(
            request=complaint.request, channel=Channel.objects.get(code="isc"), at=DRAFTED, now=DRAFTED
        )
    letters, mails = Letter.objects.count(), len(inbox.messages)
    with time_machine.travel(SENT_AT, tick=False), pytest.raises(CommandError, match=refusal) as refused:
        call_command("complaints", "send", str(complaint.pk))
    assert refused.value.returncode == 2 and "\n" not in str(refused.value)
    assert Letter.objects.count() == letters and len(inbox.messages) == mails


def test_an_app_without_an_e_mail_address_is_refused_and_the_complaint_stays_drafted(to_the_app, inbox):
    app = to_the_app.request.app
    App.objects.filter(pk=app.pk).update(emails=[])
    for procedure in Procedure.objects.filter(policy_version__app=app):
        Procedure.objects.filter(pk=procedure.pk).update(
            channels=[c for c in procedure.channels if c.get("kind") != "email"]
        )
    with pytest.raises(LetterError, match="no e-mail address"):
        send_complaint(complaint=to_the_app, now=SENT_AT)
    to_the_app.refresh_from_db()
    assert to_the_app.state == "drafted"


def test_a_reply_threads_into_the_complaint_by_its_token_and_by_in_reply_to(to_the_app, inbox, capsys):
    letter = send_complaint(complaint=to_the_app, now=SENT_AT)
    by_token = ingest_message(
        message(to=reply_address(to_the_app.pk, "complaint"), body="已收到您的投诉，我们将尽快处理。").as_bytes(),
        now=ARRIVED,
    )
    assert by_token.as_dict()["complaint"] == to_the_app.pk and by_token.as_dict()["request"] == to_the_app.request_id
    assert by_token.mail.matched_by == "token" and by_token.mail.proposed_event == "answer"
    raw = message(In_Reply_To=letter.message_id, message_id="<reply-2@cmgplex.com>").as_bytes()
    stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(raw))
    try:
        call_command("mail", "ingest", "--json")
    finally:
        sys.stdin = stdin
    data = json.loads(capsys.readouterr().out)
    assert data["complaint"] == to_the_app.pk and data["kind"] == "reply"
    to_the_app.refresh_from_db()
    assert to_the_app.state == "lodged"  # nothing moves until a person confirms


def test_a_complaint_token_is_not_a_request_token(to_the_app, inbox):
    send_complaint(complaint=to_the_app, now=SENT_AT)
    address = reply_address(to_the_app.pk, "complaint").replace("+c", "+r", 1)  # the complaint's HMAC, as a request
    result = ingest_message(message(to=address, message_id="<swap@cmgplex.com>").as_bytes(), now=ARRIVED)
    assert result.mail.request is None and result.mail.complaint is None


def test_the_case_pages_button_sends_the_complaint_through_the_same_service(to_the_app, inbox, admin_client):
    page = reverse("admin:rights_rightsrequest_change", args=[to_the_app.request_id])
    send = reverse("admin:correspondence_complaint_send", args=[to_the_app.pk])
    with time_machine.travel(SENT_AT, tick=False):
        assert f'action="{send}"' in admin_client.get(page).content.decode()
        assert admin_client.post(send).status_code == 302
        assert f'action="{send}"' not in admin_client.get(page).content.decode()  # sent: lodged, no button
    to_the_app.refresh_from_db()
    assert to_the_app.state == "lodged" and to_the_app.letters.get().kind == "complaint"
