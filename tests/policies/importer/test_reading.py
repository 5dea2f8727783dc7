"""Reading bytes: UTF-8, UTF-16, GB18030 and HTML are read; empty, binary, undecodable and oversized input, and
input with a NUL anywhere, gets a clear one-line error (ReadError) and nothing else; stray control characters
are dropped whatever the encoding."""

import codecs
import io
import re

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.importer.errors import ReadError
from policies.importer.reading import html_to_text, max_policy_bytes, read_limited, read_policy

POLICY = "示例隐私政策\n我们将在15个工作日内答复您的请求。\n"


def test_utf8_text_is_kept_as_written():
    assert read_policy(POLICY.encode("utf-8")) == POLICY


def test_a_utf8_byte_order_mark_and_windows_line_endings_are_dropped():
    data = codecs.BOM_UTF8 + POLICY.replace("\n", "\r\n").encode("utf-8")
    assert read_policy(data) == POLICY


def test_gb18030_text_is_read_when_it_is_not_utf8():
    assert read_policy(POLICY.encode("gb18030")) == POLICY


def test_gbk_text_is_read_as_gb18030():
    assert read_policy(POLICY.encode("gbk")) == POLICY


def test_utf16_with_a_byte_order_mark_is_read():
    assert read_policy(POLICY.encode("utf-16")) == POLICY


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", "\ufeff".encode("utf-8")])
def test_an_empty_file_is_refused(data):
    with pytest.raises(ReadError, match="empty"):
        read_policy(data, source_name="policy.txt")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,  # an image
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(200),  # a zip / docx
        bytes(range(1, 32)) * 50,  # control characters without NUL
    ],
)
def test_binary_data_is_refused(data):
    with pytest.raises(ReadError, match="binary"):
        read_policy(data, source_name="policy.bin")


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused_with_the_encodings_tried():
    with pytest.raises(ReadError, match="UTF-8.*GB18030"):
        read_policy("隐私政策".encode() + b"\xff\xff\xff", source_name="policy.txt")


def test_a_ten_megabyte_file_is_refused_before_decoding():
    with pytest.raises(ReadError, match="big.txt is larger than 5 MB"):
        read_policy(b"a" * (10 * 1024 * 1024), source_name="big.txt")


def test_the_size_limit_leaves_room_for_any_real_policy():
    # The longest policies run to about 100,000 characters: 300 KB in UTF-8.
    assert max_policy_bytes() >= 1024 * 1024
    assert read_policy(("我们将在15天内回复。" * 30000).encode("utf-8"))


def test_pasted_text_is_read_without_decoding():
    assert read_policy(POLICY) == POLICY


def test_the_error_names_the_file():
    with pytest.raises(ReadError, match="policy.txt"):
        read_policy(b"", source_name="policy.txt")


HTML = """<!DOCTYPE html><html><head><title>示例隐私政策</title>
<style>p { color: red }</style><script>var x = "我们将在1天内回复";</script></head>
<body><h1>示例隐私政策</h1><div><p>发布日期&#xff1a;2021年10月20日</p>
<p>我们将在<b>15</b>个工作日内&nbsp;答复您的请求。</p><table><tr><td>热线</td><td>400-113-9001</td></tr></table>
</div></body></html>"""


def test_html_is_stripped_to_its_text_one_line_per_block():
    text = read_policy(HTML.encode("utf-8"))
    assert "我们将在15个工作日内 答复您的请求。" in text.split("\n")
    assert "发布日期：2021年10月20日" in text  # entities decoded
    assert "400-113-9001" in text


def test_scripts_and_styles_are_not_part_of_the_text():
    text = html_to_text(HTML)
    assert "var x" not in text and "color" not in text


def test_html_in_gb18030_is_read():
    assert "答复您的请求" in read_policy(HTML.encode("gb18030"))


@settings(max_examples=200)
@given(st.binary(max_size=2000))
def test_any_bytes_are_read_or_refused_with_a_read_error(data):
    try:
        text = read_policy(data)
    except ReadError as e:
        assert str(e)
    else:
        assert isinstance(text, str) and text.strip()


# --- Control characters and NUL, in every encoding (issue 11: a NUL after the first 64 KB reached PostgreSQL) ----

LONG = "示例应用隐私政策\n" + "我们将在15个工作日内答复您的请求。\n" * 4000  # 136 KB in UTF-8: past the first 64 KB

ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8 with a byte-order mark": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "utf-16 le with a byte-order mark": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16 be with a byte-order mark": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "gb18030": lambda text: text.encode("gb18030"),
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_a_nul_anywhere_is_refused_with_its_line_whatever_the_encoding(encoding):
    data = ENCODINGS[encoding](LONG + "注销\x00账号\n")
    assert len(data) > 65536
    with pytest.raises(ReadError, match=r"policy.txt contains a NUL character \(line 4002\)"):
        read_policy(data, source_name="policy.txt")


def test_a_nul_in_pasted_text_is_refused():
    with pytest.raises(ReadError, match="NUL"):
        read_policy(LONG + "\x00")


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_stray_control_characters_are_dropped_whatever_the_encoding(encoding):
    # ESC, BEL, DEL, a vertical tab and C1 controls (NEL, CSI) from a copy-paste: invisible, and not text.
    dirty = LONG + "注销\x1b账号\x07在\x7f15天\x0b内\x85完成\x9b。\n"
    assert read_policy(ENCODINGS[encoding](dirty)) == LONG + "注销账号在15天内完成。\n"


def test_control_characters_from_character_references_in_html_are_dropped():
    assert read_policy("<p>注销&#x8d;账号&#0;</p>".encode()) == "注销账号\ufffd"


def test_utf16_that_is_not_valid_utf16_is_refused_in_words():
    with pytest.raises(ReadError, match="not valid UTF-16"):
        read_policy(codecs.BOM_UTF16_LE + "隐私政策".encode("utf-16-le") + b"\x00\xd8", source_name="p.txt")


_UNWANTED = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["隐私政策", "我们将在15天内回复。", "\n", " ", "a", "\x00", "\x01", "\x1b", "\x7f", "\x85", "\t"]
        )
    ),
    st.sampled_from(sorted(ENCODINGS)),
)
def test_what_is_read_never_holds_a_control_character(pieces, encoding):
    try:
        text = read_policy(ENCODINGS[encoding]("".join(pieces)))
    except ReadError as e:
        assert str(e) and "\n" not in str(e)
    else:
        assert not _UNWANTED.search(text)


# --- One size limit, checked while reading ------------------------------------------------------------------


class Endless(io.RawIOBase):
    """A stream that never ends (like /dev/zero), counting what is read from it."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        buffer[:] = b"a" * len(buffer)
        self.read_bytes += len(buffer)
        return len(buffer)


def test_an_endless_stream_is_refused_after_reading_one_byte_more_than_the_limit():
    stream = Endless()
    with pytest.raises(ReadError, match="larger than 5 MB"):
        read_limited(stream, source_name="/dev/zero")
    assert stream.read_bytes == max_policy_bytes() + 1


@override_settings(POLICY_IMPORT_MAX_BYTES=1000)
def test_the_limit_is_the_setting_for_files_and_pasted_text_alike():
    assert read_limited(io.BytesIO(b"a" * 1000)) == b"a" * 1000
    with pytest.raises(ReadError, match="larger than"):
        read_limited(io.BytesIO(b"a" * 1001))
    with pytest.raises(ReadError, match="larger than"):
        read_policy(b"a" * 1001)
    with pytest.raises(ReadError, match="The pasted text is larger than"):
        read_policy("政" * 334, source_name="The pasted text")  # 1,002 bytes in UTF-8
    assert read_policy("政" * 333)


def test_the_readme_states_the_limit_the_code_enforces():
    from pathlib import Path

    readme = (Path(django_settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    importer = readme[readme.index("## Policy importer") :]
    importer = importer[: importer.index("\n## ", 1)]
    stated = {int(n) for n in re.findall(r"(\d+) MB", importer)}
    assert stated == {django_settings.POLICY_IMPORT_MAX_BYTES // (1024 * 1024)} == {5}
