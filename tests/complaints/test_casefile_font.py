"""The case files' Chinese font cut down to the common characters (complaints.fonts): fpdf2 parses the whole font
for every PDF, so the cut-down copy makes a case file in a third of the CPU (bench/load). A PDF whose text needs a
character outside the copy is made again in the whole font: the reader never sees a missing glyph."""

from pathlib import Path

import pytest

from complaints.casefile import render_pdf
from complaints.fonts import build_common_font, cjk_font, common_characters, common_font, common_font_path

from .pdftext import pdf_text

COPY = "申请人注销账号已完成RightsDesk0123456789 ·:"


@pytest.fixture
def small_copy(settings, tmp_path):
    """A copy of the installed font cut down to a few characters, in a cache of the test's own."""
    settings.RIGHTSDESK_FONT_CACHE = tmp_path
    path, index = cjk_font()
    assert common_font(path, index) is None  # an empty cache: every PDF uses the whole font
    build_common_font(path, index, characters=COPY)
    return path, index


def written_with(text: str) -> tuple[list[tuple[str, list[int]]], bytes]:
    """The PDF of `text`, and each attempt's font file with the code points it was missing."""
    attempts = []

    def build(pdf):
        pdf.multi_cell(0, 6, text)
        attempts.append((str(pdf.fonts["cjk"].ttffile), list(pdf.fonts["cjk"].missing_glyphs)))

    return attempts, render_pdf(build)


def test_a_text_in_the_common_characters_is_written_once_in_the_cut_down_copy(small_copy):
    attempts, data = written_with("申请人注销账号 0123")
    assert attempts == [(common_font(*small_copy), [])]
    assert "申请人注销账号0123" in pdf_text(data)


def test_a_character_outside_the_copy_makes_the_pdf_again_in_the_whole_font(small_copy):
    path, _index = small_copy
    attempts, data = written_with("申请人龘")
    assert [font for font, _missing in attempts] == [common_font(*small_copy), path]
    assert attempts[0][1] == [ord("龘")] and attempts[1][1] == []
    assert "申请人龘" in pdf_text(data)


def test_without_a_copy_the_whole_font_is_used(settings, tmp_path):
    settings.RIGHTSDESK_FONT_CACHE = tmp_path
    path, _index = cjk_font()
    attempts, _data = written_with("申请人")
    assert attempts == [(path, [])]


def test_the_copy_is_named_after_its_source_so_another_font_never_finds_it(settings, tmp_path):
    settings.RIGHTSDESK_FONT_CACHE = tmp_path
    path, index = cjk_font()
    assert common_font_path(path, index) != common_font_path(path, index + 1)
    assert common_font_path(path, index).parent == tmp_path


def test_the_common_characters_cover_gb2312_and_the_punctuation_of_a_case_file():
    common = set(common_characters())
    assert len([c for c in common if "\u4e00" <= c <= "\u9fff"]) == 6763  # GB 2312's hanzi
    assert set("注销账号删除更正“”‘’「」（）《》、。，；：！？·—…→①") <= common
    assert "龘" not in common


def test_the_font_command_prints_the_copy_and_keeps_one_already_made(small_copy):
    """`manage.py complaints font` (bin/setup runs it) makes the copy once: a copy already there is used as it is."""
    from io import StringIO

    from django.core.management import call_command

    made = common_font(*small_copy)
    before = Path(made).stat().st_mtime_ns
    out = StringIO()
    call_command("complaints", "font", stdout=out)
    assert out.getvalue().startswith(made) and Path(made).stat().st_mtime_ns == before


def test_the_font_command_without_a_font_says_so_in_one_line(monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    monkeypatch.setenv("RIGHTSDESK_CJK_FONT", "/nonexistent/font.ttc")
    cjk_font.cache_clear()
    try:
        with pytest.raises(CommandError, match="not a font file") as failure:
            call_command("complaints", "font")
        assert "\n" not in str(failure.value) and failure.value.returncode == 2
    finally:
        cjk_font.cache_clear()
