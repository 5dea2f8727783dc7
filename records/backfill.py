"""Data migrations shared by the apps whose history became a hash chain: the author's username as it was, the
digests of stored evidence files, and the chain over the rows written before (in id order, the order they were
written under the case's lock). They run before each table's append-only triggers are created."""

from __future__ import annotations

import hashlib

from .chain import GENESIS, entry_hash, row_content


def fill_usernames(model) -> None:
    for row in model.objects.filter(by__isnull=False, by_username="").select_related("by").iterator():
        model.objects.filter(pk=row.pk).update(by_username=row.by.username)


def fill_file_digests(evidence_model) -> None:
    """The digest of each stored evidence file that has none yet (a missing file keeps an empty digest, which
    `evidence verify` reports)."""
    for item in evidence_model.objects.filter(sha256="").exclude(file="").iterator():
        try:
            with item.file.open("rb") as stored:
                digest = hashlib.sha256()
                for chunk in stored.chunks():
                    digest.update(chunk)
        except OSError:
            continue
        evidence_model.objects.filter(pk=item.pk).update(sha256=digest.hexdigest())


def chain_history(log_model, *, case_field: str, event_field: str) -> None:
    last: dict[int, str] = {}
    rows = log_model.objects.order_by("id").prefetch_related("evidence").iterator(chunk_size=2000)
    for row in rows:
        case_id = getattr(row, f"{case_field}_id")
        prev = last.get(case_id, GENESIS)
        content = row_content(
            case=f"{case_field} {case_id}", event=getattr(row, event_field), source=row.source, target=row.target,
            at=row.at, by=row.by_username, note=row.note, details=row.details,
            files=[item.sha256 for item in row.evidence.all()], prev=prev,
        )  # fmt: skip
        last[case_id] = entry_hash(content)
        log_model.objects.filter(pk=row.pk).update(prev_hash=prev, hash=last[case_id])
