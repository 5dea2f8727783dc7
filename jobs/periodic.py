"""Jobs that come back on their own: the checkpoint of the chain heads (records.heads), every
RIGHTSDESK_EVIDENCE_CHECKPOINT_MINUTES while the history grows. Scheduled as a job row by whoever runs the pending
jobs (beat every minute, `bin/up`'s loop, `manage.py jobs run`), so a failed checkpoint is retried like any job."""

from __future__ import annotations

from records.heads import checkpoint_due

from .models import Job
from .registry import EVIDENCE_CHECKPOINT
from .services import enqueue


def schedule_periodic(*, now) -> Job | None:
    """Enqueue the heads checkpoint when it is due and none is waiting."""
    if Job.objects.pending().filter(kind=EVIDENCE_CHECKPOINT).exists() or not checkpoint_due(now=now):
        return None
    return enqueue(EVIDENCE_CHECKPOINT, now=now)
