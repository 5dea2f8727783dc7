"""Walk every hash chain and every stored evidence file (`manage.py evidence verify`): a case's chain holds when
each row's stored hash is the hash of its content (records.chain.row_content, which includes the previous row's
hash) and each row names the hash of the row before it in the same case; a file holds when its bytes still have
the digest its row chained. A redacted file (README "Retention and redaction") is replaced by a marker on purpose:
its digest stays in the chain, its bytes are no longer checked."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import default_storage

from .chain import GENESIS, entry_hash
from .models import ChainedEntry


@dataclass
class Report:
    cases: int = 0
    events: int = 0
    files: int = 0
    broken: dict[str, tuple[int | None, str]] = field(default_factory=dict)

    def refuse(self, case: str, row: int | None, reason: str) -> None:
        """Keep the first broken row of each case (the lowest id: every hash after it follows from it)."""
        known = self.broken.get(case)
        if known is None or (row is not None and (known[0] is None or row < known[0])):
            self.broken[case] = (row, reason)

    def as_dict(self) -> dict:
        return {
            "cases": self.cases,
            "events": self.events,
            "files": self.files,
            "broken": [
                {"case": case, "row": row, "reason": reason} for case, (row, reason) in sorted(self.broken.items())
            ],
        }


def chained_models() -> list[type[ChainedEntry]]:
    return [model for model in apps.get_models() if issubclass(model, ChainedEntry)]


def _stored_digest(name: str) -> str | None:
    import hashlib

    if not name or not default_storage.exists(name):
        return None
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as stored:
        for chunk in stored.chunks():
            digest.update(chunk)
    return digest.hexdigest()


def verify(report: Report | None = None, *, heads: dict[str, dict[str, int]] | None = None) -> Report:
    """Walk everything; `heads` (records.heads: case -> {recorded head hash: row}) must each still be reached by
    its case's chain, or the rows after it were deleted."""
    report = report or Report()
    unreached = {case: dict(recorded) for case, recorded in (heads or {}).items()}
    for model in chained_models():
        case_key = f"{model.CASE_FIELD}_id"
        evidence = model._meta.get_field("evidence").related_model
        digests: dict[int, list[str]] = defaultdict(list)
        for item in evidence.objects.order_by("id").iterator():
            case = f"{model.CASE_FIELD} {getattr(item, case_key)}"
            if item.log_entry_id is not None:
                digests[item.log_entry_id].append(item.sha256)
            if item.redacted_at is not None:
                continue
            report.files += 1
            stored = _stored_digest(item.file.name)
            if stored is None:
                report.refuse(case, item.log_entry_id, f"evidence file {item.pk} is missing")
            elif stored != item.sha256:
                report.refuse(case, item.log_entry_id, f"evidence file {item.pk} does not match its digest")
        previous: dict[int, str] = {}
        for row in model.objects.order_by(case_key, "id").iterator(chunk_size=2000):
            report.events += 1
            case_id = getattr(row, case_key)
            if case_id not in previous:
                report.cases += 1
            case = row.case_label()
            expected_prev = previous.get(case_id, GENESIS)
            previous[case_id] = row.hash
            if case in unreached:
                unreached[case].pop(row.hash, None)
            if row.prev_hash != expected_prev:
                report.refuse(
                    case, row.pk, "the previous row's hash does not match: a row before it was removed or changed"
                )
            elif entry_hash(row.content(files=digests.get(row.pk, []))) != row.hash:
                report.refuse(case, row.pk, "the row's content does not match its hash")
    for case, missing in sorted(unreached.items()):
        if missing:
            row = min(missing.values())
            report.refuse(
                case, row, f"the chain no longer reaches its recorded head (row {row}): rows were deleted from its end"
            )
    return report
