"""Reminders that read right (issue 10): working days as on the list, no forged lines from names, the embedded
mail default writes one .eml file per message, Chinese subjects use Chinese punctuation."""
import email
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command

from rights.mail import EmlFileBackend
from rights.models import ReminderPreference
from rights.reminders import one_line
from tests.factories import UserFactory, file, shanghai

pytestmark = pytest.mark.django_db


def send(now: str) -> dict:
    out = StringIO()
    call_command("send_reminders", "--now", now, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def clerk(db):
    user = UserFactory(username="wang", email="wang@example.com")
    ReminderPreference.objects.create(user=user, language="en")
    return user


@pytest.mark.parametrize("breaker", ["\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"])  # NUL cannot be stored at all (PostgreSQL refuses it; the services refuse control characters)
def test_a_requester_name_with_a_line_break_cannot_forge_a_line_in_the_digest(catalog, clerk, breaker):
    forged = f"张三{breaker}Overdue: #999 all clear"
    file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), assignee=clerk, requester="张三")
    from rights.models import RightsRequest

    # The name came in before the boundary checks (imported, or an old row): the mail must still hold.
    RightsRequest.objects.update(requester_name=forged)
    send("2026-11-24T09:30")
    (message,) = mail.outbox
    lines = message.body.splitlines()
    assert not any(line.startswith("Overdue: #999") for line in lines), "the name started a line of its own"
    assert any("张三 Overdue: #999 all clear" in line for line in lines)


def test_one_line_replaces_every_line_breaker_and_keeps_text():
    assert one_line("a\r\nb\u2028c\x00d") == "a  b c d"
    assert one_line("欧阳娜娜") == "欧阳娜娜"


def test_one_line_breaks_exactly_unicodes_control_and_separator_characters():
    # The regex stands for Unicode's categories Cc, Zl and Zp: every code point is checked against unicodedata.
    import sys
    import unicodedata

    for point in range(sys.maxunicode + 1):
        char = chr(point)
        breaker = unicodedata.category(char) in {"Cc", "Zl", "Zp"}
        assert (one_line(char) == " ") is breaker or char == " ", f"U+{point:04X}"


def test_the_digest_counts_overdue_in_working_days_as_the_list_does(catalog, clerk):
    # 卢米埃影城 7 working days from 2026-11-10 -> last day 2026-11-19 (Thursday); on Tuesday 11-24 it is overdue
    # by 3 working days (11-20, 11-23, 11-24), which the request list says too.
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), assignee=clerk)
    send("2026-11-24T09:30")
    assert "overdue by 3 working days" in mail.outbox[0].body
    from rights.admin import PageClock

    page = PageClock()
    page.now = shanghai(2026, 11, 24, 9, 30)
    from django.utils import translation

    with translation.override("en"):
        texts = [s.text for s in page.statuses(request)]
    assert any(text.startswith("overdue by 3 working days") for text in texts), texts


def test_the_chinese_summary_separates_kinds_with_the_enumeration_comma(catalog, clerk):
    from django.utils import translation
    from django.utils.translation import pgettext

    with translation.override("zh-hans"):
        if pgettext("list separator", ", ") == ", ":
            pytest.xfail("the Chinese separator is in locale/pending/desk.po until the lead merges it into the catalog")
    ReminderPreference.objects.filter(user=clerk).update(language="zh-hans")
    file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 10), assignee=clerk)  # overdue on 11-24
    file(catalog["卢米埃影城"], at=shanghai(2026, 11, 16, 10), assignee=clerk)  # due soon on 11-24
    send("2026-11-24T09:30")
    subject = mail.outbox[0].subject
    assert ", " not in subject and "," not in subject, subject


def test_the_embedded_default_writes_one_eml_file_per_message(tmp_path):
    backend = EmlFileBackend(file_path=str(tmp_path))
    messages = [
        EmailMessage(f"提醒 {n}", f"正文 {n}\n第二行", "desk@example.org", [f"u{n}@example.org"]) for n in range(3)
    ]
    assert backend.send_messages(messages) == 3
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 3 and not list(tmp_path.glob(".*.tmp"))
    parsed = [email.message_from_bytes(f.read_bytes()) for f in files]
    assert sorted(m["To"] for m in parsed) == ["u0@example.org", "u1@example.org", "u2@example.org"]


def test_the_embedded_default_is_the_eml_backend():
    from config.settings import base

    assert base.EMAIL_BACKEND == "rights.mail.EmlFileBackend" or base.EMAIL_BACKEND.endswith("EmailBackend")


def test_one_entry_per_request_with_its_clocks_inside(catalog, clerk):
    # E票电影 cancellation: a reply clock and a completion clock, both due 2026-11-23: one entry, two lines.
    request = file(catalog["E票电影"], at=shanghai(2026, 11, 2, 10), assignee=clerk)
    send("2026-11-25T09:30")
    body = mail.outbox[0].body
    assert body.count(f"#{request.pk} ") == 1
    assert body.count("overdue by 2 working days") == 2  # 11-24 and 11-25 after the last day 11-23


def test_the_digest_shows_the_50_most_urgent_requests_and_counts_and_links_the_rest(catalog, clerk):
    from rights.reminders import DIGEST_ENTRIES

    app = catalog["卢米埃影城"]
    for n in range(DIGEST_ENTRIES + 2):
        file(app, at=shanghai(2026, 11, 10, 10), assignee=clerk, requester=f"请求人{n}")
    send("2026-11-24T09:30")
    (message,) = mail.outbox
    body = message.body
    assert sum(1 for line in body.splitlines() if line[:1].isdigit() and ". #" in line) == DIGEST_ENTRIES
    assert "…and 2 more requests, on the list: http" in body and "/admin/rights/rightsrequest/?open=open" in body
    # The totals per kind still count every request.
    assert f"{DIGEST_ENTRIES + 2} overdue" in message.subject
    html = message.alternatives[0][0]
    assert html.count('<a href="http') >= DIGEST_ENTRIES and "2 more requests" in html
