"""The policy watch's records: the URLs watched for each app, and every text fetched from them.

A snapshot is evidence of what a policy said on a day, so it is append-only (policies.models.AppendOnly; the
project adds database triggers for every append-only table). A source is state: the result of its last check.
"""
from __future__ import annotations

import zlib
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from policies.models import App, PolicyVersion
from records.models import AppendOnly, append_only_triggers


class Status(models.TextChoices):
    """The outcome of one check of a source (the `watch run --json` statuses)."""

    UNCHANGED = "unchanged", _("Unchanged")
    CHANGED = "changed", _("Changed")
    ERROR = "error", _("Error")
    NOT_A_POLICY = "not_a_policy", _("Not a policy")


class WatchedSourceQuerySet(models.QuerySet):
    def due(self, now):
        """Sources whose next check has come (never checked ones included)."""
        return self.filter(Q(next_check_at__isnull=True) | Q(next_check_at__lte=now))

    def free(self, now):
        """Sources no worker holds: no lease, or a lease that ran out (its worker died)."""
        return self.filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))


class WatchedSource(models.Model):
    """One URL of an app's that is fetched on a schedule: its policy, a children's policy, an SDK list."""

    app = models.ForeignKey(App, models.CASCADE, related_name="watched_sources", verbose_name=_("app"))
    url = models.URLField(_("URL"), max_length=2000)
    check_every_hours = models.PositiveIntegerField(_("check every (hours)"), default=24)
    created_at = models.DateTimeField(_("added at"))
    last_checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    last_status = models.CharField(_("last result"), max_length=12, choices=Status, blank=True)
    last_http_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    # What the server said last time, sent back as If-None-Match / If-Modified-Since.
    etag = models.CharField(_("ETag"), max_length=500, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True)
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True, db_index=True)
    # A worker that takes the source holds it until then, so two workers never fetch one source at once.
    leased_until = models.DateTimeField(_("held by a worker until"), null=True, blank=True, editable=False)

    objects = WatchedSourceQuerySet.as_manager()

    class Meta:
        ordering = ["app", "url"]
        verbose_name = _("watched source")
        verbose_name_plural = _("watched sources")
        constraints = [models.UniqueConstraint(fields=["app", "url"], name="watched_source_unique_url_per_app")]

    def __str__(self):
        return f"{self.app} · {self.url}"

    def interval(self) -> timedelta:
        return timedelta(hours=self.check_every_hours)

    def last_snapshot(self) -> PolicySnapshot | None:
        return self.snapshots.order_by("-fetched_at", "-id").first()


class PolicySnapshot(AppendOnly, models.Model):
    """One fetch whose text differed from the source's previous snapshot: the bytes as served, the text read from
    them, and what changed in the app's promises (the promise diff, watch/diff.py) when it was detected."""

    # PROTECT: a source with snapshots is paused, never deleted (the snapshots are evidence).
    source = models.ForeignKey(WatchedSource, models.PROTECT, related_name="snapshots", verbose_name=_("source"))
    fetched_at = models.DateTimeField(_("fetched at"), db_index=True)
    final_url = models.URLField(_("URL after redirects"), max_length=2000)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"))
    headers = models.JSONField(_("response headers"), default=dict)
    raw = models.BinaryField(_("body (zlib)"))
    text = models.TextField(_("text"))
    text_sha256 = models.CharField(_("SHA-256 of the normalised text"), max_length=64, db_index=True)
    policy_version = models.ForeignKey(
        PolicyVersion, models.RESTRICT, null=True, blank=True, related_name="snapshots", verbose_name=_("policy version")
    )
    # Whether this text is a change to review (False: the first fetch of a text already in the catalog).
    is_change = models.BooleanField(_("a change"), default=True)
    promise_diff = models.JSONField(_("promise diff"), default=list, blank=True)

    class Meta:
        ordering = ["-fetched_at", "-id"]
        verbose_name = _("policy snapshot")
        verbose_name_plural = _("policy snapshots")
        triggers = append_only_triggers()

    def __str__(self):
        return f"{self.source} @ {self.fetched_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def compress(body: bytes) -> bytes:
        return zlib.compress(body, 6)

    def body(self) -> bytes:
        return zlib.decompress(bytes(self.raw))
