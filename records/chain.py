"""The hash chain of a case's history (README "Evidence and integrity"): each row stores the SHA-256 of its own
content together with the previous row's hash in the same case, as Certificate Transparency and git do, so a row
changed, removed or slipped in later breaks every hash after it. Pure functions: the write paths of both tracks
seal their rows with them, `manage.py evidence verify` and the case file's manifest check them, and so can anyone
with Python or sha256sum."""

from __future__ import annotations

import hashlib
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


def personal_digest(fields: dict) -> str:
    """The digest of a case's personal fields, chained in place of the fields themselves: redacting them later
    (README "Retention and redaction") changes no row of the history."""
    return hashlib.sha256(canonical({k: fields[k] for k in sorted(fields)})).hexdigest()
