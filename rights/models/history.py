"""A request's clocks (the projection of its events) and its history: the chained, append-only event log and
its evidence files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from deadlines.models import ClockBase
from deadlines.querysets import ClockQuerySet
from deadlines.status import running_q
from policies.models import (
    Action,
    ClockStart,
    Hedge,
    PolicyVersion,
    Procedure,
    StatutoryDefault,
)
from records.models import ChainedEntry, append_only_triggers

from ..states import ACTIVE_STATES, CLOSED_STATES, OPEN_STATES, State  # noqa: F401 - re-exported
from .requests import RightsRequest, local_minute


class Clock(ClockBase):
    """One promise the request is held to, as the clock projection (rights.clocks) replays it from the request's
    events, its promise snapshot and the working-day calendar. Nothing else writes these rows."""

    request = models.ForeignKey(RightsRequest, models.CASCADE, related_name="clocks", verbose_name=_("request"))
    promise_key = models.CharField(_("promise"), max_length=20, default="", editable=False)
    procedure = models.ForeignKey(
        Procedure, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("procedure")
    )
    policy_version = models.ForeignKey(
        PolicyVersion, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("policy version")
    )
    statutory_default = models.ForeignKey(
        StatutoryDefault, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("statutory default")
    )
    action = models.CharField(_("promised action"), max_length=12, choices=Action)
    clock_start = models.CharField(_("clock starts at"), max_length=20, choices=ClockStart)
    hedge = models.CharField(_("hedge"), max_length=4, choices=Hedge, blank=True)
    # The promise, its last days and moments, and how it ended: deadlines.models.ClockBase.

    objects = ClockQuerySet.as_manager()

    class Meta:
        ordering = ["final_due", "id"]
        verbose_name = _("deadline clock")
        verbose_name_plural = _("deadline clocks")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "promise_key"], name="clock_one_per_promise", condition=~Q(promise_key="")
            ),
        ]
        indexes = [
            # The reminder sweep's rules read only these columns of the running clocks (overdue: deadline_at, then
            # the clock, its request and its last day; due soon and escalation: deadline, then deadline_at), so
            # with them INCLUDEd each rule is an index-only scan and reads no clock's heap page where the
            # visibility map (autovacuum) marks it all-visible: a repeat sweep at a million requests reads 30,000
            # index entries instead of 17,000 heap pages per rule. The included columns never change (id,
            # request) or are keys already, so updating a clock costs no more.
            models.Index(
                fields=["deadline_at"],
                name="clock_running_deadline_idx",
                include=["deadline", "request", "id"],
                condition=running_q(),
            ),
            # rights.status's other conditions on running clocks (due by a day; past the statutory last day) and a
            # clock kept only after its statutory last day: each list filter starts from a small index range.
            models.Index(
                fields=["deadline", "request"],
                name="clock_running_day_idx",
                include=["deadline_at", "id"],
                condition=running_q(),
            ),
            models.Index(
                fields=["statutory_deadline_at", "request"],
                name="clock_running_statute_idx",
                condition=running_q(),
            ),
            models.Index(
                fields=["request"],
                name="clock_kept_late_idx",
                condition=Q(met_at__isnull=False, met_at__gte=F("statutory_deadline_at")),
            ),
            # The dashboard's days to completion (rights.charts): the latest completions, newest first.
            models.Index(
                F("met_at").desc(),
                name="clock_completed_idx",
                condition=Q(action="completion", met_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} · {self.final_due:%Y-%m-%d}"


def evidence_path(instance, filename):
    # A random name with no extension on disk (rights.uploads); the original name goes to `original_name`.
    from ..uploads import keep_original_name

    return f"evidence/{instance.request_id}/{keep_original_name(instance, filename)}"


class TransitionLog(ChainedEntry, models.Model):
    """The case record: one immutable row per event (rights/events.py), by whom, when it happened and when it was
    recorded, with its note, evidence and details (an amendment's old and new value, an extension's last day and
    basis). The clocks are replayed from these rows."""

    # PROTECT: a request with history is withdrawn or closed, never deleted (the history is evidence).
    request = models.ForeignKey(RightsRequest, models.PROTECT, related_name="log", verbose_name=_("request"))
    transition = models.CharField(_("transition"), max_length=40)
    source = models.CharField(_("from"), max_length=20, choices=State)
    target = models.CharField(_("to"), max_length=20, choices=State)
    at = models.DateTimeField(_("happened at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # PROTECT: a staff member who recorded history is deactivated, never deleted.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    by_username = models.CharField(_("by (username then)"), max_length=150, blank=True, editable=False)
    prev_hash = models.CharField(_("previous row's hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False, db_index=True)

    CASE_FIELD = "request"
    EVENT_FIELD = "transition"

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        # The history list across requests, newest first (an append-only table: one index entry per event).
        indexes = [models.Index(fields=["at", "id"], name="log_at_idx")]
        triggers = append_only_triggers()

    def __str__(self):
        from ..events import event_label

        # Labels, not codes: this is the title of the entry's admin page.
        when = f"{local_minute(self.at)} " if self.at else ""
        return f"{when}{event_label(self.transition)}: {self.get_source_display()} → {self.get_target_display()}"


class Evidence(models.Model):
    request = models.ForeignKey(RightsRequest, models.CASCADE, related_name="evidence", verbose_name=_("request"))
    log_entry = models.ForeignKey(
        TransitionLog, models.PROTECT, null=True, blank=True, related_name="evidence", verbose_name=_("log entry")
    )
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True)
    # After `file`: its upload_to fills this in while the row is saved. Used only as the download's file name.
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # The file's digest when it was recorded, chained in its history row; kept when the file is redacted.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    redacted_at = models.DateTimeField(_("redacted at"), null=True, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.description or self.file.name
