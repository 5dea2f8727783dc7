"""`mail fetch` on a schedule: Celery beat runs it when IMAP_URL is set, and so does bin/up's loop without a broker."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from config.celery_app import app, mail_fetch_schedule
from correspondence import tasks
from correspondence.management.commands import mail as mail_command

ROOT = Path(__file__).resolve().parents[2]
URL = "imaps://desk%40example.org:pw@mail.example.org/INBOX"


def test_beat_fetches_mail_only_when_a_mailbox_is_configured():
    assert mail_fetch_schedule("") == {}
    (entry,) = mail_fetch_schedule(URL).values()
    assert entry["task"] == "correspondence.tasks.fetch_mail" == tasks.fetch_mail.name
    assert 0 < entry["options"]["expires"] < entry["schedule"]  # a backlog of ticks collapses into one fetch
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


@pytest.mark.django_db
def test_the_task_fetches_the_mailbox_of_the_setting(monkeypatch):
    asked = []
    monkeypatch.setattr(tasks, "fetch_mailbox", lambda url: asked.append(url) or [])
    with override_settings(IMAP_URL=""):
        assert tasks.fetch_mail() == 0 and asked == []
    with override_settings(IMAP_URL=URL):
        tasks.fetch_mail()
    assert asked == [URL]


def test_bin_up_runs_the_fetch_loop_beside_the_other_loops_without_a_broker():
    up = (ROOT / "bin" / "up").read_text()
    no_broker = up[up.index('if [ -z "${REDIS_URL:-}" ]') : up.index("\nfi\n")]
    assert "manage.py mail fetch --loop" in no_broker and "$mail" in no_broker  # started, and stopped on exit


@pytest.mark.django_db
def test_the_loop_ends_at_once_when_no_mailbox_is_set(monkeypatch):
    monkeypatch.setattr(mail_command, "fetch_mailbox", lambda url: pytest.fail("no mailbox to fetch"))
    out = StringIO()
    with override_settings(IMAP_URL=""):
        call_command("mail", "fetch", "--loop", "300", stdout=out)
    assert out.getvalue().strip() == "IMAP_URL is not set: no mail fetch loop"


@pytest.mark.django_db
def test_the_loop_fetches_then_waits_its_interval(monkeypatch):
    fetched, slept = [], []
    monkeypatch.setattr(mail_command, "fetch_mailbox", lambda url: fetched.append(url) or [])
    monkeypatch.setattr(mail_command.time, "sleep", slept.append)
    with override_settings(IMAP_URL=URL):
        call_command("mail", "fetch", "--loop", "300", "--iterations", "3", stdout=StringIO())
    assert fetched == [URL] * 3 and slept == [300.0, 300.0]
