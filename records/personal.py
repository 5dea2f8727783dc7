"""The per-case key of the personal-field digests (README "Retention and redaction"). A filing row chains
HMAC-SHA256(key, personal fields) rather than their plain SHA-256: before a redaction the key proves the fields
are the ones filed; the redaction deletes the key, so the digest left in the chain no longer confirms a guessed
name and phone, and the chain still verifies (it hashes the digest, never the key)."""

from __future__ import annotations

import secrets

from django.utils.translation import gettext

from .chain import KEYED_PERSONAL, personal_digest
from .models import PersonalKey, PersonalValue


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


def seal_values(case: str, values: dict) -> dict:
    """For a history or audit row that says something about a person (an amended name, a complainant's new phone):
    the `details` entry it chains, the values' keyed digest, while the values themselves are kept beside the row
    (records.PersonalValue) for reading, where the redaction can clear them."""
    sealed = sealed_personal(case, values)
    PersonalValue.objects.get_or_create(case=case, digest=sealed[KEYED_PERSONAL], defaults={"values": values})
    return sealed


def unsealed(case: str, details: dict) -> dict | None:
    """The values a row sealed with `seal_values`, or None once redacted."""
    digest = details.get(KEYED_PERSONAL)
    if not digest:
        return None
    return PersonalValue.objects.filter(case=case, digest=digest).values_list("values", flat=True).first()


def revealed(changes: dict) -> dict:
    """An audit row's changes for reading: sealed personal values are shown from beside the row while they are
    kept, and said to be redacted afterwards."""
    if not isinstance(changes, dict) or KEYED_PERSONAL not in changes:
        return changes
    values = unsealed(changes.get("case", ""), changes)
    if values is not None:
        return values
    return {"fields": changes.get("fields", []), "values": gettext("redacted")}


def matches(case: str, fields: dict, details: dict) -> bool | None:
    """Whether `fields` are the ones chained in `details`; None when that can no longer be told (no keyed digest,
    or the key was destroyed by a redaction)."""
    key = case_key(case)
    if key is None or KEYED_PERSONAL not in details:
        return None
    return personal_digest(fields, key) == details[KEYED_PERSONAL]


def destroy_key(case: str) -> bool:
    """Delete the case's key and the personal values kept beside its rows (the redaction): True when there was a
    key."""
    PersonalValue.objects.filter(case=case).delete()
    return PersonalKey.objects.filter(case=case).delete()[0] > 0
