"""Reading any bytes: a message, or Unreadable (one line) — never a traceback, whatever a mail server pipes in."""

from email.message import EmailMessage

from hypothesis import given, settings
from hypothesis import strategies as st

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
