"""Sending through a real SMTP server (aiosmtpd): the letter arrives from the desk with the request's reply address,
the submit event is recorded at the moment of sending with the .eml as evidence, and a follow-up stays in the
thread. Refusals are one line, exit 2, and send nothing."""

import hashlib
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from correspondence.letters import LetterError
from correspondence.models import Letter
from correspondence.sending import send_letter
from correspondence.tokens import reply_address
from tests.factories import file, shanghai

from .conftest import SENT

pytestmark = pytest.mark.django_db


def test_the_letter_goes_to_the_apps_address_from_the_desk_with_the_requests_reply_address(draft, inbox):
    letter = send_letter(request=draft, now=SENT)
    (received,) = inbox.messages
    assert received["To"] == "min.jiang@cmgplex.com"
    assert received["From"] == "RightsDesk <desk@example.org>"
    assert received["Reply-To"] == reply_address(draft.pk)
    assert received["Message-ID"] == letter.message_id
    assert "本人张三向贵方提出注销账号请求" in received.get_content()


def test_the_submit_event_is_recorded_at_the_moment_of_sending_with_the_sent_eml_as_evidence(draft, inbox):
    letter = send_letter(request=draft, now=SENT)
    draft.refresh_from_db()
    assert draft.state == "submitted" and draft.submitted_at == SENT
    entry = draft.log.get(transition="submit")
    assert entry.at == SENT and letter.message_id in entry.note and letter.sha256 in entry.note
    (evidence,) = entry.evidence.all()
    sent_bytes = evidence.file.read()
    assert hashlib.sha256(sent_bytes).hexdigest() == letter.sha256
    assert letter.message_id.encode() in sent_bytes
    assert draft.clocks.filter(action="completion").get().due.isoformat() == "2026-11-19"  # the clock started


def test_send_prints_the_letters_json_and_show_lists_it(draft, inbox, capsys):
    with time_machine.travel(SENT, tick=False):
        call_command("requests", "send", str(draft.pk), "--json")
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"message_id", "to", "reply_to", "subject", "sent_at"}
    assert data["to"] == "min.jiang@cmgplex.com" and data["reply_to"] == reply_address(draft.pk)
    call_command("requests", "show", str(draft.pk), "--json")
    (mail,) = json.loads(capsys.readouterr().out)["mail"]
    assert mail["direction"] == "out" and mail["message_id"] == data["message_id"] and mail["delivered"] is True


def test_a_request_already_sent_is_refused_without_follow_up_and_nothing_is_sent(draft, inbox):
    send_letter(request=draft, now=SENT)
    with pytest.raises(CommandError, match="already sent.*--follow-up") as refused:
        call_command("requests", "send", str(draft.pk))
    assert refused.value.returncode == 2
    assert len(inbox.messages) == 1 and Letter.objects.count() == 1


def test_a_closed_request_is_refused(catalog, inbox):
    request = file(catalog["卢米埃影城"], at=SENT, now=SENT)
    from rights.services import record_event

    record_event(request=request, event="withdraw", note="不再需要", at=SENT, now=SENT)
    with pytest.raises(CommandError, match="is closed") as refused:
        call_command("requests", "send", str(request.pk), "--follow-up")
    assert refused.value.returncode == 2 and inbox.messages == []


def test_an_app_without_an_e_mail_address_for_the_right_is_refused_naming_its_channel(catalog, inbox):
    request = file(catalog["艾米聊"], at=SENT, now=SENT, submit=False)
    with pytest.raises(CommandError, match="Self-service path: 艾米聊-我的-点击头像-账号注销") as refused:
        call_command("requests", "send", str(request.pk))
    assert refused.value.returncode == 2 and inbox.messages == []
    request.refresh_from_db()
    assert request.state == "draft"


def test_the_follow_up_on_an_overdue_request_goes_out_in_the_same_thread(draft, inbox):
    first = send_letter(request=draft, now=SENT)
    follow_up = send_letter(request=draft, follow_up=True, now=shanghai(2026, 11, 24, 9))
    received = inbox.messages[-1]
    assert received["In-Reply-To"] == first.message_id and first.message_id in received["References"]
    assert received["Reply-To"] == reply_address(draft.pk)
    assert "已逾期3个工作日" in received.get_content()
    assert follow_up.kind == "follow_up" and draft.log.filter(transition="submit").count() == 1


def test_a_letter_the_server_refuses_records_nothing(draft, inbox):
    inbox.refuse.add("min.jiang@cmgplex.com")
    with pytest.raises(LetterError, match="not sent"):
        send_letter(request=draft, now=SENT)
    draft.refresh_from_db()
    assert draft.state == "draft" and not Letter.objects.exists() and not draft.log.filter(transition="submit").exists()
