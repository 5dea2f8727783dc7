"""The chain heads kept outside the history tables (README "Publishing the chain heads"). Deleting the last rows
of a case leaves a chain that still verifies on its own; only a head recorded elsewhere tells. So:
- `current_heads()` is every case's last row and hash, `heads_root` one hash over them all (records.chain);
- `write_checkpoint()` appends the heads that moved since the last checkpoint to an append-only table
  (HeadCheckpoint) and, when RIGHTSDESK_EVIDENCE_HEADS_LOG names a file, one JSON line to it; it runs as a durable
  job (jobs.registry.EVIDENCE_CHECKPOINT), every RIGHTSDESK_EVIDENCE_CHECKPOINT_MINUTES;
- `recorded_heads()` / `read_heads()` give the heads to check against: the checkpoints, or a published file
  (`evidence heads --json`, or the log), for `evidence verify` (records.verify)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .chain import heads_root, moment
from .models import HeadCheckpoint
from .verify import chained_models


@dataclass(frozen=True)
class Head:
    table: str  # the history model's label, e.g. "rights.TransitionLog"
    row: int
    hash: str


def current_heads() -> dict[str, Head]:
    """Every case's last history row: case label ("request 12") -> Head."""
    heads = {}
    for model in chained_models():
        case_key = f"{model.CASE_FIELD}_id"
        last = model.objects.values(case_key).annotate(last=Max("id")).values("last").order_by()
        for case_id, row, digest in model.objects.filter(id__in=last).values_list(case_key, "id", "hash"):
            heads[f"{model.CASE_FIELD} {case_id}"] = Head(model._meta.label, row, digest)
    return heads


def as_published(heads: dict[str, Head], *, at: datetime) -> dict:
    """What `evidence heads --json` prints and an operator publishes."""
    return {
        "at": moment(at),
        "root": heads_root({case: head.hash for case, head in heads.items()}),
        "cases": len(heads),
        "heads": {case: {"row": head.row, "hash": head.hash} for case, head in sorted(heads.items())},
    }


def write_checkpoint(*, now: datetime | None = None) -> HeadCheckpoint | None:
    """Record the heads that moved since the last checkpoint; None when none did (nothing is written)."""
    now = now or timezone.now()
    with transaction.atomic():
        previous = HeadCheckpoint.objects.order_by("-id").first()
        through = dict(previous.through) if previous else {}
        if not history_grew(through):
            return None
        heads = current_heads()
        moved = {case: head for case, head in heads.items() if head.row > through.get(head.table, 0)}
        if not moved:
            return None
        for head in heads.values():
            through[head.table] = max(through.get(head.table, 0), head.row)
        published = as_published(heads, at=now)
        checkpoint = HeadCheckpoint.objects.create(
            at=now,
            root=published["root"],
            cases=len(heads),
            through=through,
            heads={case: [head.row, head.hash] for case, head in sorted(moved.items())},
        )
    log = settings.RIGHTSDESK_EVIDENCE_HEADS_LOG
    if log:
        line = {"at": published["at"], "root": checkpoint.root, "cases": checkpoint.cases, "heads": {
            case: {"row": row, "hash": digest} for case, (row, digest) in checkpoint.heads.items()}}  # fmt: skip
        path = Path(log)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    return checkpoint


def checkpoint_due(*, now: datetime) -> bool:
    """Whether the periodic checkpoint is due: the history grew since the last one (none yet counts), and that
    one is older than the interval (0 turns the periodic checkpoint off)."""
    minutes = settings.RIGHTSDESK_EVIDENCE_CHECKPOINT_MINUTES
    if minutes <= 0:
        return False
    last = HeadCheckpoint.objects.order_by("-id").first()
    if last is not None and (now - last.at).total_seconds() < minutes * 60:
        return False
    return history_grew(last.through if last else {})


def history_grew(through: dict[str, int]) -> bool:
    """Whether any history table has a row past the one the last checkpoint covered (an index lookup each)."""
    return any(
        (model.objects.aggregate(last=Max("id"))["last"] or 0) > through.get(model._meta.label, 0)
        for model in chained_models()
    )


Recorded = dict[str, dict[str, int]]  # case -> {head hash: its row}


def recorded_heads() -> Recorded:
    """Every head the checkpoints recorded: all of them, not only each case's latest, since a row appended after
    a deleted tail chains onto what is left and would hide the deletion from a later head."""
    heads: Recorded = {}
    for recorded in HeadCheckpoint.objects.order_by("id").values_list("heads", flat=True).iterator():
        for case, (row, digest) in recorded.items():
            heads.setdefault(case, {})[digest] = row
    return heads


class HeadsFileError(ValueError):
    """A heads file that cannot be read; the message is one line."""


def read_heads(path: str) -> Recorded:
    """The heads in a published file: the JSON of `evidence heads --json`, or JSON lines (the heads log)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except IsADirectoryError:
        raise HeadsFileError(f"{path} is a directory, not a heads file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise HeadsFileError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
    try:
        documents = [json.loads(text)]
    except ValueError:
        try:
            documents = [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError:
            raise HeadsFileError(f"{path} is not a heads file (JSON from `evidence heads --json`)") from None
    heads: Recorded = {}
    for document in documents:
        recorded = document.get("heads") if isinstance(document, dict) else None
        if not isinstance(recorded, dict):
            raise HeadsFileError(f'{path} is not a heads file: no "heads" in it')
        for case, head in recorded.items():
            if not (isinstance(head, dict) and isinstance(head.get("row"), int) and isinstance(head.get("hash"), str)):
                raise HeadsFileError(f"{path}: the head of {case} needs a row and a hash")
            heads.setdefault(case, {})[head["hash"]] = head["row"]
    return heads
