"""Running the watch: take the due sources (a lease, so two workers never fetch one source at once), fetch them
concurrently, and read and record each as it arrives (watch.services.record_check).

On PostgreSQL, WATCH_RECORD_THREADS threads read and record pages, each on its own connection (a changed page
mostly waits for the database); on SQLite (one writer at a time) the calling thread records, and a worker thread
reads meanwhile. A source's page is in memory from its fetch until it is recorded; WATCH_CONCURRENCY bounds how
many are in flight, and watch.services.ByteBudget how many bytes are being read.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from policies.models import App

from . import fetch as fetching
from .models import PolicySnapshot, Status, WatchedSource
from .services import CheckResult, Reading, read_fetched, record_check, record_failure

logger = logging.getLogger(__name__)

# How long a worker holds the sources it took. Longer than any run; a worker that dies frees them after this.
LEASE = timedelta(minutes=30)


def claim_sources(*, now: datetime, app: App | None = None) -> list[WatchedSource]:
    """Take the sources to check (the due ones, or all of `app`'s) that no other worker holds, and lease them: a
    worker that dies frees them when the lease runs out. On PostgreSQL the candidates are locked with SKIP LOCKED
    (a second worker skips them rather than waiting) and leased in the same transaction; elsewhere each is taken
    by a conditional UPDATE (free -> leased) that only one worker can win."""
    candidates = WatchedSource.objects.free(now)
    candidates = candidates.filter(app=app) if app is not None else candidates.due(now)
    with transaction.atomic():
        ids = list(
            candidates.select_for_update(skip_locked=True).order_by("next_check_at", "id").values_list("pk", flat=True)
        )
        if connection.vendor == "postgresql":
            # The rows are locked until this commits, and other workers skip them: one UPDATE takes them all.
            WatchedSource.objects.filter(pk__in=ids).update(leased_until=now + LEASE)
            taken = ids
    if connection.vendor != "postgresql":
        # No row locks (SQLite): each source is taken by its own conditional UPDATE, which only one worker wins.
        taken = [pk for pk in ids if WatchedSource.objects.filter(pk=pk).free(now).update(leased_until=now + LEASE)]
    last = PolicySnapshot.objects.filter(source=OuterRef("pk")).order_by("-fetched_at", "-id")
    return list(
        WatchedSource.objects.filter(pk__in=taken)
        .annotate(last_digest=Subquery(last.values("text_sha256")[:1]))
        .select_related("app")
        .order_by("id")
    )


def _interleaved(sources: list[WatchedSource]) -> list[WatchedSource]:
    """One source of each host in turn, so a host with many sources does not hold every slot while the others
    wait (each host takes at most WATCH_PER_HOST at once anyway)."""
    by_host: dict[str, list[WatchedSource]] = {}
    for source in sources:
        host = urlsplit(source.url).hostname or ""
        by_host.setdefault(host, []).append(source)
    queues, ordered = list(by_host.values()), []
    for rank in range(max((len(q) for q in queues), default=0)):
        ordered += [q[rank] for q in queues if rank < len(q)]
    return ordered


def run_watch(*, now: datetime | None = None, app: App | None = None) -> list[CheckResult]:
    """Check the due sources (or all of `app`'s): fetch them concurrently and record each as it arrives. Never
    raises for a source that fails: its failure is its result."""
    now = now or timezone.now()
    sources = claim_sources(now=now, app=app)
    if not sources:
        return []
    return async_to_sync(_run)(_interleaved(sources), now)


def _recording_threads() -> int:
    # SQLite has one writer at a time: more threads would only wait for its lock.
    return max(1, settings.WATCH_RECORD_THREADS) if connection.vendor == "postgresql" else 1


async def _run(sources: list[WatchedSource], now: datetime) -> list[CheckResult]:
    # A source's body is in memory from its fetch until it is recorded: this bounds how many are, whatever the
    # pages' sizes (each is at most WATCH_MAX_BYTES).
    slots = asyncio.Semaphore(settings.WATCH_CONCURRENCY)
    language = translation.get_language()  # the worker threads' messages read as the caller's
    threads = _recording_threads()
    loop = asyncio.get_running_loop()
    if threads == 1:
        # The records are written by the calling (sync) thread (thread_sensitive under async_to_sync runs there, on
        # its connection and transaction); reading needs no database and runs in a worker thread meanwhile.
        record_in_caller = sync_to_async(_record_safely, thread_sensitive=True)

        async def read_and_record(source, fetched):
            reading = await asyncio.to_thread(_read_in, language, fetched, source.last_digest)
            return await record_in_caller(source=source, fetched=fetched, now=now, reading=reading)

    else:
        # Most of a changed source's time is spent waiting for the database: several threads, each with its own
        # connection, read and record at once.
        pool = ThreadPoolExecutor(threads, thread_name_prefix="watch-record")

        async def read_and_record(source, fetched):
            return await loop.run_in_executor(pool, _read_and_record, language, source, fetched, now)

    try:
        async with fetching.client() as http:
            fetcher = fetching.Fetcher(http)

            async def one(source: WatchedSource) -> CheckResult:
                async with slots:
                    job = fetching.Fetch(source.pk, source.url, source.etag, source.last_modified)
                    return await read_and_record(source, await fetcher.fetch(job))

            results = await asyncio.gather(*(one(s) for s in sources))
    finally:
        if threads > 1:
            # Each pool thread closes its own connection: one task per thread, held at a barrier until all run.
            barrier = threading.Barrier(threads)
            await asyncio.gather(*(loop.run_in_executor(pool, _close_connection, barrier) for _ in range(threads)))
            pool.shutdown()
    by_id = {s.pk: r for s, r in zip(sources, results, strict=True)}
    return [by_id[pk] for pk in sorted(by_id)]


def _read_and_record(language, source, fetched, now) -> CheckResult:
    with translation.override(language):
        return _record_safely(source=source, fetched=fetched, now=now, reading=read_fetched(fetched, source.last_digest))


def _record_safely(*, source, fetched, now, reading) -> CheckResult:
    """record_check; an unexpected error (a bug, a database error) is that source's result, not the run's end."""
    try:
        return record_check(source=source, fetched=fetched, now=now, reading=reading)
    except Exception:
        logger.exception("policy watch: recording %s failed", source.url)
        message = _("The check failed unexpectedly (the error is logged for the administrator).")
        return record_failure(source, fetched, now, Status.ERROR, message)


def _close_connection(barrier: threading.Barrier) -> None:
    barrier.wait(30)
    connection.close()


def _read_in(language: str | None, fetched: fetching.Fetched, last_digest: str | None) -> Reading | None:
    with translation.override(language):
        return read_fetched(fetched, last_digest)
