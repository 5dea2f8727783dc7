"""`mail fetch`: poll the IMAP mailbox at IMAP_URL (imaps://user:password@host[:port][/FOLDER]; imap:// without TLS
for a loopback test server) and ingest each unseen message through the same path as `mail ingest`.

A message is read with BODY.PEEK[] (which leaves it unseen) and flagged \\Seen only after its transaction has
committed: a process killed in between leaves it unseen, and the next fetch reads it again. Delivery is therefore at
least once, and ingestion is idempotent by Message-ID, so nothing is lost and nothing is doubled."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from imapclient import SEEN, IMAPClient

from .faults import pause_here
from .ingest import Ingested, IngestError, ingest_message


class FetchError(Exception):
    """The mailbox cannot be reached or read; one line."""


def _connect(url: str) -> tuple[IMAPClient, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise FetchError(f"IMAP_URL must be imaps://user:password@host[:port][/FOLDER], not {parts.scheme or url!r}")
    tls = parts.scheme == "imaps"
    try:
        client = IMAPClient(parts.hostname, port=parts.port or (993 if tls else 143), ssl=tls, timeout=30)
        client.login(unquote(parts.username or ""), unquote(parts.password or ""))
    except (OSError, IMAPClient.Error) as error:
        raise FetchError(f"cannot open the mailbox at {parts.hostname}: {error}") from None
    return client, unquote(parts.path.strip("/")) or "INBOX"


def fetch_mailbox(url: str, *, now=None) -> list[Ingested | IngestError]:
    """Ingest every unseen message of the mailbox, flagging each \\Seen after it is stored (or kept as unreadable)."""
    client, folder = _connect(url)
    results: list[Ingested | IngestError] = []
    try:
        client.select_folder(folder)
        for uid in client.search(["UNSEEN"]):
            fetched = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {})
            raw = fetched.get(b"BODY[]")
            if raw is None:
                continue  # expunged meanwhile
            try:
                results.append(ingest_message(raw, now=now))
            except IngestError as unreadable:  # kept in triage as unreadable: done with it too
                results.append(unreadable)
            pause_here("after_commit")  # the kill test's second point: committed, not flagged
            client.add_flags([uid], [SEEN])  # only now: the message's transaction has committed
    finally:
        try:
            client.logout()
        except (OSError, IMAPClient.Error):
            pass
    return results
