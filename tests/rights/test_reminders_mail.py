"""Mail that reads right (issue 19, item 6): the first mail about a clock is the first, the repeat interval is
honoured, every link points at SITE_URL (which bin/up sets from its ADDR), and the HTML digest has the structure
its phone layout addresses. The phone layout itself is measured in chromium: test_reminders_phone.py.

The scenario request: 卢米埃影城 promises account cancellation within 7 working days; filed on Tuesday 2026-11-10,
its last day is Thursday 2026-11-19, its statutory last day Tuesday 2026-12-01.
"""
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from rights.models import ReminderPreference, ReminderSettings
from tests.factories import UserFactory, file, shanghai

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FILED = shanghai(2026, 11, 10, 10)


def send(now: str) -> dict:
    out = StringIO()
    call_command("send_reminders", "--now", now, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def clerk(db):
    return UserFactory(username="wang", email="wang@example.com")


@pytest.fixture
def cancellation(catalog, clerk):
    return file(catalog["卢米埃影城"], at=FILED, assignee=clerk)


def test_the_first_mail_about_a_long_overdue_clock_is_number_1_and_the_repeats_keep_the_interval(cancellation):
    # A desk switched on 11 working days after the last day, with overdue mails every 5 working days. The old
    # count ((days overdue - 1) // K) called that first mail "第 3 次提醒".
    ReminderSettings.objects.update_or_create(pk=1, defaults={"repeat_every_days": 5})
    overdue_mails = []
    for day in range(4, 22):  # every day from Friday 2026-12-04 to Monday 2026-12-21, at 09:30 and 15:00
        for hour in ("09:30", "15:00"):
            before = len(mail.outbox)
            result = send(f"2026-12-{day:02d}T{hour}")
            repeats = [r["repeat"] for r in result["reminders"] if r["kind"] == "overdue"]
            if repeats:
                (repeat,) = repeats
                (message,) = mail.outbox[before:]
                overdue_mails.append((f"12-{day:02d}", repeat + 1, re.findall(r"第 (\d+) 次提醒", message.body)))
    # Numbered 1, 2, 3 by the mails sent; five working days apart (12-04 Fri; 7-11; 14-18), never sooner. The
    # first mail carries no number (it is the first), each repeat its own.
    assert overdue_mails == [("12-04", 1, []), ("12-11", 2, ["2"]), ("12-18", 3, ["3"])]


@override_settings(SITE_URL="https://desk.example.org:8443/", TEAM_EMAIL="desk@example.org")
def test_every_link_in_a_digest_points_at_site_url(catalog, clerk):
    ReminderPreference.objects.create(user=clerk, language="en")
    for n in range(55):  # more than a digest shows: its link to the list too
        file(catalog["卢米埃影城"], at=FILED, assignee=clerk, requester=f"请求人{n}")
    file(catalog["卢米埃影城"], at=FILED)  # unassigned: the team's digest, in Chinese
    send("2026-11-20T09:30")
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        html = message.alternatives[0][0]
        links = re.findall(r"https?://[^\s\"<>]+", message.body + html)
        assert links and all(link.startswith("https://desk.example.org:8443/admin/") for link in links), links
        assert "127.0.0.1" not in message.body + html and ":8000" not in message.body + html
        assert message.extra_headers["Message-ID"].endswith("@desk.example.org>")


def test_the_policy_watch_mail_links_to_site_url_too(settings):
    from watch.notify import review_url

    settings.SITE_URL = "https://desk.example.org:8443"
    assert review_url(7).startswith("https://desk.example.org:8443/admin/")


def _stub_up(tmp_path: Path) -> Path:
    """bin/up in a tree whose bin/setup and .venv/bin/python only note SITE_URL (nothing is installed or served)."""
    (tmp_path / "bin").mkdir()
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(ROOT / "bin" / "up", tmp_path / "bin" / "up")
    (tmp_path / "bin" / "setup").write_text("#!/bin/sh\nexit 0\n")
    (tmp_path / ".venv" / "bin" / "python").write_text('#!/bin/sh\necho "$SITE_URL $*" >> "$(dirname "$0")/../../calls"\n')
    for stub in (tmp_path / "bin" / "setup", tmp_path / ".venv" / "bin" / "python"):
        stub.chmod(0o755)
    return tmp_path / "bin" / "up"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"ADDR": "192.0.2.10:8123"}, "http://192.0.2.10:8123"),
        ({}, "http://127.0.0.1:8000"),
        ({"ADDR": "192.0.2.10:8123", "SITE_URL": "https://desk.example.org"}, "https://desk.example.org"),
    ],
)
def test_bin_up_sets_site_url_from_its_addr_unless_given(tmp_path, given, expected):
    up = _stub_up(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("ADDR", "SITE_URL")}
    subprocess.run(["bash", str(up)], env={**env, "REDIS_URL": "redis://127.0.0.1:6379/9", **given}, check=True,
                   capture_output=True, timeout=60)  # fmt: skip
    (call,) = (tmp_path / "calls").read_text().splitlines()  # runserver (with a broker, no loops)
    assert call.split(" manage.py ")[0] == expected and "runserver" in call


class _Cells(HTMLParser):
    """The digest's rows (class and the classes of their cells), its <meta>s and its <style>."""

    def __init__(self):
        super().__init__()
        self.rows, self.metas, self.style, self.labels, self._in = [], [], "", [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and self._in == "tbody":
            self.rows.append((attrs.get("class"), []))
        elif tag == "td" and self.rows:
            self.rows[-1][1].append(attrs.get("class"))
        elif tag == "meta":
            self.metas.append(attrs)
        elif tag == "span" and attrs.get("class") == "rd-label":
            self.labels.append(attrs.get("style"))
        if tag in ("tbody", "style"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag in ("tbody", "style"):
            self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.style += data


def test_the_html_digest_has_one_card_per_request_for_a_phone(catalog, clerk):
    late = file(catalog["卢米埃影城"], at=FILED, assignee=clerk)  # overdue and escalation: two lines
    soon = file(catalog["卢米埃影城"], at=shanghai(2026, 11, 16, 10), assignee=clerk)  # due soon: one line
    send("2026-11-24T09:30")
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    parsed = _Cells()
    parsed.feed(html)
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in parsed.metas
    # Under 480 px the table's rows and cells become blocks, the column heads give way to the labels in the cells.
    assert "@media only screen and (max-width: 480px)" in parsed.style
    assert "table.rd-digest, .rd-digest tbody, .rd-digest tr, .rd-digest td { display: block !important;" in parsed.style
    assert ".rd-label { display: inline !important;" in parsed.style
    assert '<table class="rd-digest"' in html and not re.search(r"\swidth=", html)  # no fixed width anywhere
    request_cells = ["rd-request", "rd-app", "rd-right"]
    line_cells = ["rd-action", "rd-due", "rd-days", "rd-kind"]
    assert parsed.rows == [
        ("rd-first", request_cells + line_cells),  # late: escalation suggested
        ("rd-more rd-last", line_cells),  # late: overdue
        ("rd-first rd-last", request_cells + line_cells),  # soon: due soon
    ]
    assert html.index(f"#{late.pk}<") < html.index(f"#{soon.pk}<")
    # Promise and last day, labelled in each line; hidden on a wide screen (inline, where the <style> is dropped).
    assert parsed.labels == ["display: none;"] * 6
