"""Celery tasks: `mail fetch` on a schedule. Beat runs it when IMAP_URL is set (config/celery_app.py adds the entry
then); without a broker, `bin/up` runs `manage.py mail fetch --loop` instead, which does the same."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from .fetch import FetchError, fetch_mailbox
from .ingest import IngestError

logger = logging.getLogger(__name__)


@shared_task(
    name="correspondence.tasks.fetch_mail",
    acks_late=True,  # a worker lost mid-fetch leaves unflagged messages for the next run (ingestion is idempotent)
    autoretry_for=(DatabaseError,),
    retry_backoff=30,
    max_retries=3,
    ignore_result=True,
)
def fetch_mail() -> int:
    """Ingest the unseen messages of the mailbox at IMAP_URL; the number stored (0 when no mailbox is set)."""
    if not settings.IMAP_URL:
        return 0
    try:
        results = fetch_mailbox(settings.IMAP_URL)
    except FetchError as error:  # the next beat tick tries again; operators see why
        logger.error("mail fetch: %s", error)
        return 0
    unreadable = sum(isinstance(result, IngestError) for result in results)
    logger.info("mail fetch: %d message(s), %d unreadable", len(results), unreadable)
    return len(results)
