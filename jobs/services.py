"""Writing a job: inside the caller's transaction, so the job exists exactly when the change it follows does."""

from __future__ import annotations

from django.db import transaction

from .models import Job


def enqueue(kind: str, payload: dict | None = None, *, now=None) -> Job:
    """Record a job to run after this transaction commits (the payload is JSON: ids, dates as ISO text)."""
    fields = {"kind": kind, "payload": payload or {}}
    if now is not None:
        fields.update(created_at=now, run_after=now)
    with transaction.atomic():
        return Job.objects.create(**fields)
