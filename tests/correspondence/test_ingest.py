"""Receiving: every message is kept as it arrived, threaded by the verified reply token, then by the thread, then
left for triage; auto-replies and bounces are told apart; nothing moves a clock by itself."""

import hashlib
import io
import json
import sys
from email.message import EmailMessage

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from correspondence.ingest import IngestError, ingest_message
from correspondence.models import InboundMail
from correspondence.tokens import reply_address
from tests.factories import shanghai

from .conftest import message

pytestmark = pytest.mark.django_db

ARRIVED = shanghai(2026, 11, 11, 15, 5)


def test_a_reply_to_the_token_address_attaches_to_its_request_and_keeps_the_raw_bytes(sent, draft):
    raw = message(to=reply_address(draft.pk), body="您的账号已注销完成。").as_bytes()
    result = ingest_message(raw, now=ARRIVED)
    mail = result.mail
    assert result.as_dict()["kind"] == "reply" and mail.request == draft and mail.matched_by == "token"
    assert bytes(mail.raw) == raw and mail.sha256 == hashlib.sha256(raw).hexdigest()
    assert mail.received_at == ARRIVED and mail.proposed_event == "complete"
    draft.refresh_from_db()
    assert draft.state == "submitted"  # clocks move only when a person confirms the proposed event


def test_a_forged_or_altered_token_never_attaches(sent, draft):
    token = reply_address(draft.pk)
    forged = token.replace(token[token.index("-") + 1 : token.index("@")], "0" * 20)
    other = token.replace(f"+r{draft.pk}-", f"+r{draft.pk + 1}-")  # another request's number, this one's HMAC
    for n, address in enumerate((forged, other)):
        result = ingest_message(message(to=address, message_id=f"<forged-{n}@evil.example>").as_bytes(), now=ARRIVED)
        assert result.mail.request is None and result.as_dict()["kind"] == "unmatched"


def test_a_reply_without_the_token_threads_by_in_reply_to(sent, draft):
    raw = message(In_Reply_To=sent.message_id, body="请提供身份证明。").as_bytes()
    mail = ingest_message(raw, now=ARRIVED).mail
    assert mail.request == draft and mail.matched_by == "thread" and mail.letter == sent
    assert mail.proposed_event == "request_identity"


def test_an_unmatched_message_goes_to_triage_with_a_suggestion_from_the_subject_and_the_senders_domain(
    sent, draft, capsys
):
    ingest_message(message(subject=f"关于您的请求 #{draft.pk}", message_id="<a@cmgplex.com>").as_bytes(), now=ARRIVED)
    ingest_message(
        message(sender="x@elsewhere.example", subject=f"#{draft.pk}", message_id="<b@x>").as_bytes(), now=ARRIVED
    )
    call_command("mail", "triage", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [(r["message_id"], r["suggested_request"]) for r in rows] == [("<a@cmgplex.com>", draft.pk), ("<b@x>", None)]
    assert set(rows[0]) == {"message_id", "from", "subject", "received_at", "suggested_request"}


def test_a_second_delivery_of_the_same_message_is_stored_once(sent, draft):
    raw = message(to=reply_address(draft.pk)).as_bytes()
    ingest_message(raw, now=ARRIVED)
    again = ingest_message(raw, now=shanghai(2026, 11, 11, 16))
    assert again.as_dict() == {**again.as_dict(), "kind": "duplicate", "request": draft.pk}
    assert InboundMail.objects.count() == 1


def test_an_auto_reply_is_marked_and_proposed_only_as_an_acknowledgement(sent, draft):
    raw = message(to=reply_address(draft.pk), Auto_Submitted="auto-replied", body="我们已删除您的信息").as_bytes()
    mail = ingest_message(raw, now=ARRIVED).mail
    assert mail.kind == "auto_reply" and mail.auto and mail.proposed_event == "acknowledge"


def test_a_delivery_report_marks_the_letter_not_delivered(sent, draft, capsys):
    report = EmailMessage()
    report["From"] = "MAILER-DAEMON@cmgplex.com"
    report["To"] = "desk@example.org"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<bounce-1@cmgplex.com>"
    report.set_content(
        "This is the mail system. I'm sorry to have to inform you that your message could not be delivered."
    )
    returned = EmailMessage()
    returned["Message-ID"] = sent.message_id
    returned["Subject"] = sent.subject
    returned.set_content("…")
    report.add_attachment(returned)  # the returned letter, as message/rfc822
    report.set_type("multipart/report")
    report.set_param("report-type", "delivery-status")
    mail = ingest_message(report.as_bytes(), now=ARRIVED).mail
    assert mail.kind == "bounce" and mail.letter == sent and mail.request == draft and mail.proposed_event == ""
    call_command("requests", "show", str(draft.pk), "--json")
    out, bounce = json.loads(capsys.readouterr().out)["mail"]
    assert out["delivered"] is False and bounce["kind"] == "bounce" and bounce["direction"] == "in"


def test_a_gbk_body_in_base64_is_read_as_text():
    mail = EmailMessage()
    mail["From"] = "客服 <service@migu.cn>"
    mail["Subject"] = "答复"
    mail["Message-ID"] = "<gbk@migu.cn>"
    mail.set_content("您的注销申请已受理，請耐心等待。".encode("gbk"), maintype="text", subtype="plain", cte="base64")
    mail.set_param("charset", "gb2312")  # declared narrower than it is, as mail often does (請 is not in GB2312)
    stored = ingest_message(mail.as_bytes(), now=ARRIVED).mail
    assert stored.body_text == "您的注销申请已受理，請耐心等待。"


def test_an_html_body_is_read_as_text_and_kept_sanitised_without_remote_images():
    mail = EmailMessage()
    mail["From"] = "service@migu.cn"
    mail["Subject"] = "答复"
    mail["Message-ID"] = "<html@migu.cn>"
    mail.set_content(
        '<p>您好&nbsp;张三</p><script>alert(1)</script><img src="https://track.example/p.gif">'
        '<p>已删除 <img src="cid:logo"></p>',
        subtype="html", cte="quoted-printable",
    )  # fmt: skip
    stored = ingest_message(mail.as_bytes(), now=ARRIVED).mail
    assert stored.body_text == "您好\xa0张三\n已删除"
    assert (
        "script" not in stored.body_html and "track.example" not in stored.body_html and "cid:logo" in stored.body_html
    )


@override_settings(RIGHTSDESK_MAX_UPLOAD_BYTES=1000)
def test_an_attachment_over_the_upload_limit_is_refused_and_the_message_kept():
    mail = message(message_id="<att@cmgplex.com>")
    mail.add_attachment(b"%PDF-1.4\n" + b"0" * 2000, maintype="application", subtype="pdf", filename="答复.pdf")
    mail.add_attachment("注销回执".encode(), maintype="text", subtype="plain", filename="回执.txt")
    stored = ingest_message(mail.as_bytes(), now=ARRIVED).mail
    big, small = stored.attachments.order_by("id")
    assert big.name == "答复.pdf" and not big.file and big.size > 1000
    assert "“答复.pdf”" in big.refused  # the upload check's own one-line refusal, naming the file
    assert small.file and small.refused == "" and small.file.read() == "注销回执".encode()


def test_garbage_on_standard_input_is_one_line_exit_2_and_kept_as_unreadable(monkeypatch):
    garbage = b"\x89\x00\x13 not a message at all"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(garbage)))
    with pytest.raises(CommandError, match="not an RFC 5322 message") as refused:
        call_command("mail", "ingest", "--json")
    assert refused.value.returncode == 2
    kept = InboundMail.objects.get()
    assert kept.unreadable and bytes(kept.raw) == garbage and kept.kind == "unmatched"
    with pytest.raises(IngestError):
        ingest_message(garbage, now=ARRIVED)  # again: kept once
    assert InboundMail.objects.count() == 1


def test_ingest_reads_standard_input_and_prints_json(sent, draft, monkeypatch, capsys):
    raw = message(Delivered_To=reply_address(draft.pk)).as_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    call_command("mail", "ingest", "--json")
    data = json.loads(capsys.readouterr().out)
    assert {k: data[k] for k in ("message_id", "request", "complaint", "kind")} == {
        "message_id": "<reply-1@cmgplex.com>",
        "request": draft.pk,
        "complaint": None,
        "kind": "reply",
    }


def test_a_person_attaches_a_message_from_triage_and_it_joins_the_requests_mail(sent, draft, capsys):
    ingest_message(message(message_id="<lost@cmgplex.com>").as_bytes(), now=ARRIVED)
    ingest_message(message(message_id="<spam@x>", sender="x@spam.example").as_bytes(), now=ARRIVED)
    call_command("mail", "attach", "<lost@cmgplex.com>", str(draft.pk))
    call_command("mail", "discard", "<spam@x>")
    capsys.readouterr()
    call_command("mail", "triage", "--json")
    assert json.loads(capsys.readouterr().out) == []
    call_command("requests", "show", str(draft.pk), "--json")
    assert [m["message_id"] for m in json.loads(capsys.readouterr().out)["mail"]] == [
        sent.message_id,
        "<lost@cmgplex.com>",
    ]
    with pytest.raises(CommandError, match="already sorted"):
        call_command("mail", "discard", "<lost@cmgplex.com>")
