"""The hash chain of a case's history (README "Evidence and integrity"): each row stores the SHA-256 of its own
content together with the previous row's hash in the same case, as Certificate Transparency and git do, so a row
changed, removed or slipped in later breaks every hash after it. Pure functions: the write paths of both tracks
seal their rows with them, `manage.py evidence verify` and the case file's manifest check them, and so can anyone
with Python or sha256sum."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

GENESIS = ""  # the previous hash of a case's first row


def canonical(content: dict) -> bytes:
    """The one byte form of a row's content: JSON, keys sorted, no spaces, UTF-8 (README shows it by hand)."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(content: dict) -> str:
    """The row's hash: its content includes the previous row's hash under "prev"."""
    return hashlib.sha256(canonical(content)).hexdigest()


def moment(value: datetime) -> str:
    """A moment as the chain stores it: UTC, to the microsecond, as the database returns it."""
    return value.astimezone(UTC).isoformat()


def row_content(
    *,
    case: str,
    event: str,
    source: str,
    target: str,
    at: datetime,
    by: str,
    note: str,
    details: dict,
    files: list[str],
    prev: str,
) -> dict:
    """What a history row's hash covers: its case, event, states, moment, author (username then), note, details,
    the digests of its evidence files and the previous row's hash."""
    return {
        "case": case, "event": event, "from": source, "to": target, "at": moment(at), "by": by, "note": note,
        "details": details, "files": sorted(files), "prev": prev,
    }  # fmt: skip


def file_digest(item) -> str:
    """SHA-256 of an uploaded or stored file, read in chunks; an upload is rewound for whoever saves it next."""
    digest = hashlib.sha256()
    for chunk in item.chunks():
        digest.update(chunk)
    item.seek(0)
    return digest.hexdigest()


# The schemes a filing row's `details` may carry for the personal fields. Rows keep the scheme they were sealed
# with (the chain hashes `details` as it is): "personal_sha256" (before 2026-12) is a plain SHA-256, which a
# guessed name and phone can be checked against even after a redaction; "personal_hmac_sha256" is keyed with the
# case's own random key (records.personal), destroyed by the redaction, so afterwards the digest confirms nothing.
PLAIN_PERSONAL = "personal_sha256"
KEYED_PERSONAL = "personal_hmac_sha256"


def personal_digest(fields: dict, key: bytes) -> str:
    """HMAC-SHA256 of a case's personal fields under the case's key, chained in place of the fields themselves:
    redacting them later (README "Retention and redaction") changes no row of the history, and once the key is
    destroyed nobody can test a guess against the digest."""
    return hmac.new(key, canonical({k: fields[k] for k in sorted(fields)}), hashlib.sha256).hexdigest()


def heads_root(heads: dict[str, str]) -> str:
    """The root over every case's head (README "Publishing the chain heads"): SHA-256 of the lines
    "<case> <head hash>\n", cases sorted as text, so `sort | sha256sum` over the same lines gives it too."""
    return hashlib.sha256("".join(f"{case} {heads[case]}\n" for case in sorted(heads)).encode()).hexdigest()
