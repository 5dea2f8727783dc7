"""The watch's writes: adding a source, and reading and recording one fetch of a source (watch.runner runs them).

A check is recorded in one transaction per source. What it stores depends on what came back:
- an error, an empty page, a login wall or a page that is not a policy: only the source's last result (and its
  consecutive failures; the team is told once, at settings.WATCH_FAILURE_ALERT);
- 304, or a text whose hash equals the last snapshot's: unchanged, only the check time;
- a new text: an append-only snapshot and a draft policy version in the importer's review (the importer's own
  service, policies.importer.store.import_policy_version), with the promise diff against the catalog.
  The first fetch of a text the catalog already has in force records the snapshot and no change.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.importer import ImporterError
from policies.importer.extract import Extraction, extract
from policies.importer.store import import_policy_version
from policies.models import App, PolicyVersion, ReviewStatus

from . import fetch as fetching
from .diff import promise_diff
from .models import PolicySnapshot, Status, WatchedSource
from .notify import safely, send_failure_alert, send_promise_digest
from .reading import NotAPolicy, check_policy, is_pdf, main_text, normalise, text_hash
from .render import can_render, render

logger = logging.getLogger(__name__)


class WatchRefused(Exception):
    """A source that cannot be added; the message is one line."""


@dataclass
class CheckResult:
    url: str
    status: str
    http_status: int | None
    version: int | None = None
    promise_diff: list = field(default_factory=list)
    error: str = ""

    def as_dict(self) -> dict:
        return {
            "url": self.url,
            "status": self.status,
            "http_status": self.http_status,
            "version": self.version,
            "promise_diff": self.promise_diff,
            "error": self.error or None,
        }


def check_source(*, app: App, url: str, check_every_hours: int = 24, exclude_pk: int | None = None) -> str:
    """The URL as it will be watched; WatchRefused (one line) for a malformed URL, an address the watch may not
    fetch, an interval under an hour, or a URL the app already watches. The command and the admin both ask this."""
    url = url.strip()
    if len(url) > 2000:
        raise WatchRefused(_("The URL is longer than 2000 characters."))
    try:
        fetching.check_url_allowed(url)
    except fetching.Refused as e:
        raise WatchRefused(str(e)) from None
    if check_every_hours < 1:
        raise WatchRefused(_("A source is checked at most once an hour."))
    if WatchedSource.objects.filter(app=app, url=url).exclude(pk=exclude_pk).exists():
        raise WatchRefused(_("%(app)s already watches %(url)s.") % {"app": app.name, "url": url})
    return url


def add_source(*, app: App, url: str, check_every_hours: int = 24, now: datetime | None = None) -> WatchedSource:
    """Watch `url` for `app` (check_source's refusals); its first check is due at once."""
    now = now or timezone.now()
    url = check_source(app=app, url=url, check_every_hours=check_every_hours)
    try:
        with transaction.atomic():
            return WatchedSource.objects.create(app=app, url=url, check_every_hours=check_every_hours, created_at=now)
    except IntegrityError:
        raise WatchRefused(_("%(app)s already watches %(url)s.") % {"app": app.name, "url": url}) from None


@dataclass
class Reading:
    """What a fetched page says: its normalised text and hash, and the importer's extraction when the text is new
    (none when it equals the last snapshot's: an unchanged page costs no extraction); or why it is no policy."""

    text: str = ""
    digest: str = ""
    extraction: Extraction | None = None
    not_a_policy: str = ""
    error: str = ""  # the reader failed unexpectedly (the log has the traceback)


def read_fetched(fetched: fetching.Fetched, last_digest: str | None) -> Reading | None:
    """Read a fetched page (no database); None when nothing was downloaded (an error, a 304)."""
    if fetched.outcome != "ok":
        return None
    try:
        with _reading_budget().hold(fetched.size):
            return _read(fetched, last_digest)
    except Exception:
        logger.exception("policy watch: reading %s failed", fetched.url)
        return Reading(error=_("The page could not be read (an unexpected error, logged for the administrator)."))


def _read(fetched: fetching.Fetched, last_digest: str | None) -> Reading:
    try:
        text = _policy_text(fetched.body, fetched.content_type)
    except NotAPolicy as e:
        # A single-page site: its text appears only once its scripts run.
        rendered = render(fetched.url) if not is_pdf(fetched.body, fetched.content_type) and can_render(fetched.body) else None
        if rendered is None:
            return Reading(not_a_policy=str(e))
        try:
            text = _policy_text(rendered, "text/html; charset=utf-8")
        except NotAPolicy as again:
            return Reading(not_a_policy=str(again))
    digest = text_hash(text)
    return Reading(text, digest, None if digest == last_digest else extract(text))


class ByteBudget:
    """Pages being read at once, counted in bytes: reading a page takes about ten times its size (the parsed tree,
    the text, their copies), so a few large pages are read one after another while many small ones are read
    together. A page larger than the whole budget is read alone."""

    def __init__(self, limit: int):
        self.limit, self.used = limit, 0
        self.changed = threading.Condition()

    @contextmanager
    def hold(self, size: int):
        size = min(size, self.limit)
        with self.changed:
            self.changed.wait_for(lambda: self.used == 0 or self.used + size <= self.limit)
            self.used += size
        try:
            yield
        finally:
            with self.changed:
                self.used -= size
                self.changed.notify_all()


_budgets: dict[int, ByteBudget] = {}


def _reading_budget() -> ByteBudget:
    limit = settings.WATCH_READING_BYTES
    if limit not in _budgets:
        _budgets[limit] = ByteBudget(limit)
    return _budgets[limit]


def _policy_text(body: bytes, content_type: str) -> str:
    text = normalise(main_text(body, content_type))
    check_policy(text, body)
    return text


def _last_digest(source: WatchedSource) -> str | None:
    if hasattr(source, "last_digest"):  # annotated by claim_sources
        return source.last_digest
    last = source.last_snapshot()
    return last.text_sha256 if last else None


def record_check(
    *, source: WatchedSource, fetched: fetching.Fetched, now: datetime, reading: Reading | None = None
) -> CheckResult:
    """Record one fetch of `source` (see the module's docstring); frees the source's lease."""
    if fetched.outcome == "error":
        return record_failure(source, fetched, now, Status.ERROR, fetched.error)
    if fetched.outcome == "not_modified":
        return _unchanged(source, fetched, now)
    last_digest = _last_digest(source)
    reading = reading or read_fetched(fetched, last_digest)
    if reading.error:
        return record_failure(source, fetched, now, Status.ERROR, reading.error)
    if reading.not_a_policy:
        return record_failure(source, fetched, now, Status.NOT_A_POLICY, reading.not_a_policy)
    text, digest = reading.text, reading.digest
    if digest == last_digest:
        return _unchanged(source, fetched, now)

    extraction = reading.extraction if reading.extraction is not None else extract(text)
    app = source.app
    on = timezone.localdate(now)
    with transaction.atomic():
        version = app.policy_versions.filter(checksum=PolicyVersion.checksum_of(text)).first()
        in_force = app.policy_in_force(on)
        if version is None and in_force is not None and text_hash(normalise(in_force.source_text)) == digest:
            version = in_force  # the catalog's text, as written (the watch's copy only differs in spacing)
        if last_digest is None and version is not None and version.status == ReviewStatus.ACCEPTED:
            # The first fetch reads what the catalog already holds: evidence of the text, no change to review.
            _snapshot(source, fetched, now, text, digest, version, is_change=False, diff=[])
            return _unchanged(source, fetched, now)
        diff = promise_diff(app=app, proposals=extraction.procedures, new_text=text, on=on)
        if version is None:
            try:
                version = import_policy_version(
                    text=text,
                    app_name=app.name,
                    source_name=_("policy watch"),
                    source_url=fetched.url if len(fetched.url) <= 200 else "",
                    extraction=extraction,
                )
            except ImporterError as e:
                return record_failure(source, fetched, now, Status.ERROR, str(e))
        snapshot = _snapshot(source, fetched, now, text, digest, version, is_change=True, diff=diff)
        _checked(source, fetched, now, Status.CHANGED)
        if diff:
            transaction.on_commit(partial(safely, send_promise_digest, snapshot.pk))
    return CheckResult(source.url, Status.CHANGED, fetched.http_status, version.pk, diff)


def _snapshot(source, fetched, now, text, digest, version, *, is_change, diff) -> PolicySnapshot:
    return PolicySnapshot.objects.create(
        source=source,
        fetched_at=now,
        final_url=fetched.url[:2000],
        http_status=fetched.http_status,
        headers=fetched.headers,
        raw=PolicySnapshot.compress(fetched.body),
        text=text,
        text_sha256=digest,
        policy_version=version,
        is_change=is_change,
        promise_diff=diff,
    )


def _checked(source: WatchedSource, fetched: fetching.Fetched, now: datetime, status: str, error: str = "") -> None:
    """Write the source's last result and free it. Failures count up (and the team is told when the count reaches
    settings.WATCH_FAILURE_ALERT); anything else resets the count, in one UPDATE (the common case: unchanged)."""
    result = {
        "last_checked_at": now,
        "last_status": status,
        "last_http_status": fetched.http_status,
        "last_error": " ".join(error.split())[:500],
        "next_check_at": now + source.interval(),
        "leased_until": None,
    }
    if status not in (Status.ERROR, Status.NOT_A_POLICY):
        # A 304 may leave out the validators: the ones it does not repeat still hold.
        validators = {"etag": fetched.headers.get("etag", ""), "last_modified": fetched.headers.get("last-modified", "")}
        if status != Status.UNCHANGED or fetched.http_status != 304:
            result.update(etag=validators["etag"][:500], last_modified=validators["last_modified"][:100])
        else:
            result.update({k if k == "etag" else "last_modified": v[:500] for k, v in validators.items() if v})
        WatchedSource.objects.filter(pk=source.pk).update(consecutive_failures=0, **result)
        return
    with transaction.atomic():
        locked = WatchedSource.objects.select_for_update().get(pk=source.pk)
        for name, value in result.items():
            setattr(locked, name, value)
        locked.consecutive_failures += 1
        locked.save()
        if locked.consecutive_failures == settings.WATCH_FAILURE_ALERT:
            transaction.on_commit(partial(safely, send_failure_alert, locked.pk))


def record_failure(source, fetched, now, status, error) -> CheckResult:
    """Record a check that yielded no policy text (an error, not a policy): the source's last result only."""
    _checked(source, fetched, now, status, error)
    return CheckResult(source.url, status, fetched.http_status, None, [], error)


def _unchanged(source, fetched, now) -> CheckResult:
    _checked(source, fetched, now, Status.UNCHANGED)
    return CheckResult(source.url, Status.UNCHANGED, fetched.http_status)
