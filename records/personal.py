"""The per-case key of the personal-field digests (README "Retention and redaction"). A filing row chains
HMAC-SHA256(key, personal fields) rather than their plain SHA-256: before a redaction the key proves the fields
are the ones filed; the redaction deletes the key, so the digest left in the chain no longer confirms a guessed
name and phone, and the chain still verifies (it hashes the digest, never the key)."""

from __future__ import annotations

import secrets

from .chain import KEYED_PERSONAL, personal_digest
from .models import PersonalKey


def case_key(case: str) -> bytes | None:
    """The key of `case` ("request 12"), or None once redacted."""
    key = PersonalKey.objects.filter(case=case).values_list("key", flat=True).first()
    return bytes.fromhex(key) if key else None


def sealed_personal(case: str, fields: dict) -> dict:
    """The `details` entry a row chains for `fields`, under the case's key (made on first use, in the caller's
    transaction)."""
    key = case_key(case)
    if key is None:
        key = secrets.token_bytes(32)
        PersonalKey.objects.create(case=case, key=key.hex())
    return {KEYED_PERSONAL: personal_digest(fields, key)}


def matches(case: str, fields: dict, details: dict) -> bool | None:
    """Whether `fields` are the ones chained in `details`; None when that can no longer be told (no keyed digest,
    or the key was destroyed by a redaction)."""
    key = case_key(case)
    if key is None or KEYED_PERSONAL not in details:
        return None
    return personal_digest(fields, key) == details[KEYED_PERSONAL]


def destroy_key(case: str) -> bool:
    """Delete the case's key (the redaction): True when there was one."""
    return PersonalKey.objects.filter(case=case).delete()[0] > 0
