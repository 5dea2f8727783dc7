"""`mail fetch` against a real IMAP server: Dovecot, started here on loopback with its own configuration and a test
user (.ci/run installs it). Outside CI the tests skip, with the reason, when Dovecot is absent.

At least once, never twice: a message is flagged \\Seen only after its transaction commits. A run that stopped
after reading a message and before committing left it unseen (the next run stores it); one that stopped after
committing and before flagging left it unseen too (the next run finds it stored, and stores nothing again)."""

import os
import shutil
import socket
import subprocess
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
