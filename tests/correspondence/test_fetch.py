"""`mail fetch` against a real IMAP server: Dovecot, started here on loopback with its own configuration and a test
user (.ci/run installs it). Outside CI the tests skip, with the reason, when Dovecot is absent.

At least once, never twice: a message is flagged \\Seen only after its transaction commits. A run that stopped
after reading a message and before committing left it unseen (the next run stores it); one that stopped after
committing and before flagging left it unseen too (the next run finds it stored, and stores nothing again)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from imapclient import SEEN, IMAPClient

from correspondence.fetch import FetchError, fetch_mailbox
from correspondence.ingest import ingest_message
from correspondence.models import InboundMail
from correspondence.tokens import reply_address
from tests.factories import shanghai
from tests.rights.test_reminders_smtp import free_port

from .conftest import message

pytestmark = pytest.mark.django_db
USER, PASSWORD = "desk@example.test", "pw"
ARRIVED = shanghai(2026, 11, 11, 15, 5)

CONF = """protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:{dir}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@pytest.fixture(scope="module")
def dovecot():
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Dovecot is not installed (.ci/run installs dovecot-imapd)")
        pytest.skip("needs Dovecot (apt-get install dovecot-imapd)")
    work = Path(tempfile.mkdtemp(prefix="rd-dovecot-"))
    work.chmod(0o755)
    (work / "mail").mkdir()
    shutil.chown(work / "mail", "nobody", "nogroup")
    (work / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:65534:65534::{work}/mail/{USER}\n")
    port = free_port()
    (work / "dovecot.conf").write_text(CONF.format(dir=work, port=port))
    server = subprocess.Popen([binary, "-F", "-c", str(work / "dovecot.conf")])
    for _ in range(100):  # ready in well under 2 s here; wait for the port, not a fixed time
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield f"imap://{USER.replace('@', '%40')}:{PASSWORD}@127.0.0.1:{port}/INBOX", port
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot):
    url, port = dovecot
    client = IMAPClient("127.0.0.1", port=port, ssl=False)
    client.login(USER, PASSWORD)
    client.select_folder("INBOX")
    uids = client.search(["ALL"])
    if uids:
        client.delete_messages(uids)
        client.expunge()
    yield url, client
    client.logout()


def test_fetch_ingests_each_unseen_message_once_and_marks_it_seen(sent, draft, mailbox):
    url, client = mailbox
    client.append("INBOX", message(to=reply_address(draft.pk)).as_bytes())
    client.append("INBOX", b"garbage, not a message")
    first = fetch_mailbox(url, now=ARRIVED)
    assert [getattr(r, "as_dict", lambda: "unreadable")() for r in first][0]["kind"] == "reply"
    assert (
        InboundMail.objects.filter(request=draft).count() == 1 and InboundMail.objects.filter(unreadable=True).exists()
    )
    client.noop()  # this session sees the other session's flags after a NOOP
    assert client.search(["UNSEEN"]) == []
    assert fetch_mailbox(url, now=ARRIVED) == []  # nothing new


def test_a_run_stopped_before_its_commit_leaves_the_message_for_the_next_run(sent, draft, mailbox):
    url, client = mailbox
    client.append("INBOX", message(to=reply_address(draft.pk)).as_bytes())
    (uid,) = client.search(["UNSEEN"])
    client.fetch([uid], ["BODY.PEEK[]"])  # read as a fetch does, then stopped: nothing committed, nothing flagged
    assert client.search(["UNSEEN"]) == [uid] and not InboundMail.objects.exists()
    (result,) = fetch_mailbox(url, now=ARRIVED)
    assert result.as_dict()["kind"] == "reply" and InboundMail.objects.count() == 1


def test_a_run_stopped_after_its_commit_and_before_the_flag_stores_nothing_twice(sent, draft, mailbox):
    url, client = mailbox
    raw = message(to=reply_address(draft.pk)).as_bytes()
    client.append("INBOX", raw)
    ingest_message(raw, now=ARRIVED)  # committed, then stopped before flagging \Seen
    (result,) = fetch_mailbox(url, now=ARRIVED)
    assert result.as_dict()["kind"] == "duplicate" and InboundMail.objects.count() == 1
    client.noop()
    assert SEEN in client.get_flags(client.search(["ALL"]))[client.search(["ALL"])[0]]


def test_a_wrong_password_is_one_line(dovecot):
    url, _port = dovecot
    with pytest.raises(FetchError, match="cannot open the mailbox"):
        fetch_mailbox(url.replace(f":{PASSWORD}@", ":wrong@"))


@pytest.mark.parametrize("point", ["before_commit", "after_commit"])
@pytest.mark.django_db(transaction=True)
def test_a_fetch_killed_between_fetch_and_commit_loses_and_doubles_nothing(catalog, mailbox, point, tmp_path):
    """`manage.py mail fetch` as a real process, killed with SIGKILL while its first message is written but not
    committed (or committed but not yet flagged \\Seen); the next run stores every message exactly once."""
    from django.db import connection

    from tests.factories import file

    url, client = mailbox
    request = file(catalog["卢米埃影城"], at=shanghai(2026, 11, 10, 9), now=shanghai(2026, 11, 10, 9))
    ids = [f"<kill-{n}@cmgplex.com>" for n in range(3)]
    for message_id in ids:
        client.append("INBOX", message(to=reply_address(request.pk), message_id=message_id).as_bytes())
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        database = f"sqlite:///{settings_dict['NAME']}"
    else:
        database = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
            **{k: settings_dict[k] or "" for k in ("USER", "HOST", "PORT", "NAME")}
        )
    marker = tmp_path / "paused"
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database, "IMAP_URL": url,
        "RIGHTSDESK_TEST_FETCH_PAUSE": f"{point}:{marker}",
    }  # fmt: skip
    root = Path(__file__).resolve().parents[2]
    run = [sys.executable, "manage.py", "mail", "fetch", "--json"]
    first = subprocess.Popen(run, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(1200):  # the process reaches the point in seconds; poll, never a fixed sleep
            if marker.exists() or first.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.exists(), first.stderr.read().decode() if first.poll() is not None else "never paused"
        first.kill()  # SIGKILL: no cleanup, no rollback by the process, no \Seen flag
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    stored = set(InboundMail.objects.values_list("message_id", flat=True))
    assert stored == (set() if point == "before_commit" else {ids[0]})  # the open transaction died with it
    client.noop()
    assert len(client.search(["UNSEEN"])) == 3  # nothing was flagged

    env.pop("RIGHTSDESK_TEST_FETCH_PAUSE")
    second = subprocess.run(run, cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    kinds = [json.loads(line)["kind"] for line in second.stdout.splitlines()]
    assert kinds == (["reply"] * 3 if point == "before_commit" else ["duplicate", "reply", "reply"])
    assert sorted(InboundMail.objects.values_list("message_id", flat=True)) == sorted(ids)  # once each
    assert InboundMail.objects.filter(request=request).count() == 3
    client.noop()
    assert client.search(["UNSEEN"]) == []  # all marked processed
