"""Reading bytes: UTF-8, GB18030 and HTML are read; empty, binary, undecodable and oversized input gets a
clear error (ReadError) and nothing else."""
import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.importer.errors import ReadError
from policies.importer.reading import MAX_BYTES, html_to_text, read_policy

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
        read_policy("隐私政策".encode("utf-8") + b"\xff\xff\xff", source_name="policy.txt")


def test_a_ten_megabyte_file_is_refused_before_decoding():
    with pytest.raises(ReadError, match="at most"):
        read_policy(b"a" * (10 * 1024 * 1024), source_name="big.txt")


def test_the_size_limit_leaves_room_for_any_real_policy():
    # The longest policies run to about 100,000 characters: 300 KB in UTF-8.
    assert MAX_BYTES >= 1024 * 1024
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
