"""Reading any bytes: a message, or Unreadable (one line) — never a traceback, whatever a mail server pipes in."""

from email.message import EmailMessage

from hypothesis import given, settings
from hypothesis import strategies as st

from correspondence import lifting
from correspondence.reading import ReadMessage, Unreadable, read

HEADERS = st.sampled_from(
    [b"From: ", b"To: ", b"Subject: ", b"Date: ", b"Message-ID: ", b"Content-Type: ", b"Content-Transfer-Encoding: ",
     b"MIME-Version: 1.0", b"\r\n", b"\n", b"=?gbk?b?", b"=?utf-8?q?", b"multipart/report; boundary=", b"--", b"<", b">",
     b"@", b"Auto-Submitted: ", b"charset=gb2312", b"base64", b"quoted-printable"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(HEADERS, st.binary(max_size=20)), max_size=40))
def test_any_bytes_are_read_as_a_message_or_refused_as_unreadable(pieces):
    try:
        result = read(b"".join(pieces))
    except Unreadable as refused:
        assert "\n" not in str(refused)
    else:
        assert isinstance(result, ReadMessage) and result.sender


def test_a_message_with_an_undecodable_charset_is_still_read():
    mail = EmailMessage()
    mail["From"] = "a@b.example"
    mail["Subject"] = "x"
    text = "您好，您的账号注销申请已经处理完成，相关个人信息已按照法律规定删除。如有疑问请联系客服。"
    mail.set_content(text.encode("gbk"), maintype="text", subtype="plain", cte="base64")
    mail.set_param("charset", "x-unknown-charset")
    assert read(mail.as_bytes()).body_text == text  # GBK bytes, found by detection


def large_message(*, text_lines="", cte="base64"):
    mail = EmailMessage()
    mail["From"] = "客服 <min.jiang@cmgplex.com>"
    mail["To"] = "desk@example.org"
    mail["Subject"] = "附件"
    mail["Message-ID"] = "<large@cmgplex.com>"
    mail.set_content(
        ("您的请求已受理。\n" * 30_000 + text_lines).encode("gbk"), maintype="text", subtype="plain", cte=cte
    )
    mail.set_param("charset", "gbk")
    mail.add_alternative("<p>您的请求<b>已受理</b></p>" * 2000, subtype="html", cte="base64")
    for n in range(3):
        data = bytes(range(256)) * (1200 + n)  # not a multiple of 3 bytes: base64 padding
        mail.add_attachment(data, maintype="application", subtype="pdf", filename=f"回执{n}.pdf")
    mail.add_attachment(b"small", maintype="application", subtype="octet-stream", filename="small.bin")
    return mail.as_bytes()


def read_without_lifting(raw, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(lifting, "LIFT_FROM", 1 << 62)
        return read(raw)


def test_a_large_message_reads_the_same_with_its_bodies_lifted_as_when_parsed_line_by_line(monkeypatch):
    raw = large_message()
    assert len(raw) > lifting.LIFT_FROM
    structure, bodies = lifting.lift(raw)
    assert len(bodies) == 5 and len(structure) < 10_000  # text, HTML and three attachments; the small one stays
    fast, slow = read(raw), read_without_lifting(raw, monkeypatch)
    assert fast.body_text == slow.body_text and fast.body_text.startswith("您的请求已受理。")
    assert fast.body_html == slow.body_html and "<b>已受理</b>" in fast.body_html
    assert [(a.name, a.data) for a in fast.attachments] == [(a.name, a.data) for a in slow.attachments]
    assert fast.attachments[0].data == bytes(range(256)) * 1200 and fast.headers == slow.headers


def test_words_that_look_like_a_header_in_a_body_are_not_lifted(monkeypatch):
    looks_like = "\n--\nContent-Transfer-Encoding: base64\n\n" + "QUJD\n" * 20_000 + "--\n"
    raw = large_message(text_lines=looks_like, cte="8bit")
    assert b"\n--\nContent-Transfer-Encoding: base64\n\nQUJD" in raw
    fast, slow = read(raw), read_without_lifting(raw, monkeypatch)
    assert fast.body_text == slow.body_text and "QUJD" in fast.body_text
