"""Rights requests: what people asked of which app, the state machine, the deadline clocks and the audit log.

The state machine lives here (django-fsm-2, protected field); the operations that move it live in
`rights/services/` (record_event), which locks the row, writes the log and replays the clocks in one transaction.
"""
from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from deadlines.counting import SHANGHAI
from deadlines.models import ClockBase
from deadlines.querysets import ClockQuerySet
from deadlines.status import running_q
from policies.models import (
    Action,
    App,
    ClockStart,
    Hedge,
    PolicyVersion,
    Procedure,
    Right,
    StatutoryDefault,
)
from records.models import AppendOnly

from .events import EVENTS, STATE_EVENTS
from .querysets import RightsRequestQuerySet
from .states import ACTIVE_STATES, CLOSED_STATES, OPEN_STATES, State  # noqa: F401 - re-exported


def _may_record(permission: str):
    def check(instance, user) -> bool:
        # None is the system (commands without --by, tasks): it may record every event.
        return user is None or user.has_perm(permission)

    return check


def _event_transition(name: str):
    event = EVENTS[name]

    def method(self):
        pass

    method.__name__ = name
    method.__doc__ = str(event.help) if event.help else None
    return transition(field="state", source=list(event.sources), target=event.target, permission=_may_record(event.permission))(
        method
    )


# The FSM transitions, one per state-changing event of the table (rights/events.py): never written by hand.
CaseEventTransitions = type("CaseEventTransitions", (), {name: _event_transition(name) for name in STATE_EVENTS})


class RightsRequest(CaseEventTransitions, ConcurrentTransitionMixin, models.Model):
    app = models.ForeignKey(App, models.PROTECT, related_name="requests", verbose_name=_("app"))
    right = models.CharField(_("right"), max_length=24, choices=Right)
    procedure = models.ForeignKey(
        Procedure,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("procedure followed"),
        help_text=_("The procedure of the policy in force that this request follows."),
    )
    requester_name = models.CharField(_("requester"), max_length=200)
    requester_contact = models.CharField(_("requester contact"), max_length=200, blank=True)
    channel_used = models.CharField(_("channel used"), max_length=300, blank=True)
    app_ticket_number = models.CharField(_("app's ticket number"), max_length=100, blank=True, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
        verbose_name=_("assignee"),
    )
    notes = models.TextField(_("notes"), blank=True)
    state = FSMField(_("state"), default=State.DRAFT, choices=State, protected=True, db_index=True)
    regulator = models.CharField(_("regulator"), max_length=200, blank=True)
    regulator_reference = models.CharField(_("regulator's reference"), max_length=100, blank=True)
    refusal_reason = models.TextField(_("refusal reason"), blank=True)
    filed_at = models.DateTimeField(_("filed at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    # The promises the request is held to, as the policy in force stated them when the request reached the app
    # (rights.clocks.snapshot_promises); the clocks are replayed from these and the events.
    promises = models.JSONField(_("promises held to"), default=list, blank=True, editable=False)
    # Kept by the clock projection (rights.clocks.project), never written anywhere else.
    next_due = models.DateField(_("next last day"), null=True, blank=True, editable=False)
    next_due_at = models.DateTimeField(_("overdue from"), null=True, blank=True, editable=False)
    breach_at = models.DateTimeField(_("past the statutory limit from"), null=True, blank=True, editable=False)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True, editable=False)
    # What the finished clocks already decide (rights.status.settled_verdict), kept by the projection too: the
    # dashboard's kept / missed / refused per app is then one indexed GROUP BY instead of a pass over every request.
    verdict = models.CharField(_("verdict so far"), max_length=8, blank=True, editable=False, db_index=False)

    objects = RightsRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("rights request")
        verbose_name_plural = _("rights requests")
        permissions = [("export_rightsrequest", _("Can export rights requests"))]
        indexes = [
            # The list's order (nearest last day first, then the newest; ASC puts NULLs last in PostgreSQL, as the
            # ordering asks; SQLite refuses NULLS LAST in an index), so a page is an index range, not a
            # sort of every request; the same order within one state or one app.
            # next_due_at last: "due by a day" (request_due_by_q) checks the moment in the index while it walks
            # the days in list order, and counts from the index alone.
            models.Index(
                F("next_due").asc(), F("filed_at").desc(), F("id").desc(), F("next_due_at"), name="request_list_order_idx"
            ),
            # Sorted by the deadline column descending (?o=-1: next_due DESC, PostgreSQL's NULLS FIRST, then the
            # newest): the ascending index read backwards would give the oldest first among equal days.
            models.Index(F("next_due").desc(), F("filed_at").desc(), F("id").desc(), name="request_list_desc_idx"),
            models.Index(
                "state", F("next_due").asc(), F("filed_at").desc(), F("id").desc(), name="request_state_order_idx"
            ),
            models.Index(
                "app", F("next_due").asc(), F("filed_at").desc(), F("id").desc(), name="request_app_order_idx"
            ),
            models.Index(
                "assignee", F("next_due").asc(), F("filed_at").desc(), F("id").desc(), name="request_assignee_order_idx"
            ),
            # The dashboard's groups: open requests by state and app, settled verdicts by app (index-only scans).
            models.Index(fields=["state", "app"], name="request_state_app_idx"),
            models.Index(fields=["verdict", "app"], name="request_verdict_app_idx", condition=~Q(verdict="")),
            # The deadline filters and the dashboard's per-app counts (rights.status.request_overdue_q and
            # request_breach_q): index-only ranges on the projected moments.
            models.Index(fields=["next_due_at", "app"], name="request_next_due_at_idx", condition=Q(next_due_at__isnull=False)),
            models.Index(fields=["breach_at", "app"], name="request_breach_at_idx", condition=Q(breach_at__isnull=False)),
        ]

    def __str__(self):
        return f"#{self.pk} {self.app} · {self.get_right_display()} · {self.requester_name}"

    def clean(self):
        if self.procedure_id and self.app_id and self.procedure.policy_version.app_id != self.app_id:
            raise ValidationError({"procedure": _("The procedure belongs to another app's policy.")})

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES


class RequestTally(models.Model):
    """How many requests of an app are in a state, have a verdict, a refusal reason, or a deadline moment on a day:
    the dashboard's counts at any size. Kept by a PostgreSQL trigger on the request table (rights.tally), like an
    index: nothing in Python writes it."""

    app = models.ForeignKey(App, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("app"))
    kind = models.CharField(max_length=12)
    value = models.CharField(max_length=200, blank=True)
    day = models.DateField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["app", "kind", "value", "day"], name="request_tally_key")]

    def __str__(self):
        return f"{self.app_id} {self.kind} {self.value} {self.day}: {self.n}"


def mask_contact(contact: str) -> str:
    """Show enough of a phone or e-mail to recognise it, not to use it: 138****5678, z***@example.com."""
    contact = contact.strip()
    if not contact:
        return ""
    if "@" in contact:
        local_part, _, domain = contact.partition("@")
        return f"{local_part[:1]}***@{domain}"
    if len(contact) <= 4:
        return "*" * len(contact)
    keep = 3 if len(contact) >= 11 else 1
    return contact[:keep] + "*" * (len(contact) - keep - 4) + contact[-4:]


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
        ]

    def __str__(self):
        return f"{self.get_action_display()} · {self.final_due:%Y-%m-%d}"


def evidence_path(instance, filename):
    # A random name with no extension on disk (rights.uploads); the original name goes to `original_name`.
    from .uploads import keep_original_name

    return f"evidence/{instance.request_id}/{keep_original_name(instance, filename)}"


class TransitionLog(AppendOnly, models.Model):
    """The case record: one immutable row per event (rights/events.py), by whom, when it happened and when it was
    recorded, with its note, evidence and details (an amendment's old and new value, an extension's last day and
    basis). The clocks are replayed from these rows."""

    request = models.ForeignKey(RightsRequest, models.CASCADE, related_name="log", verbose_name=_("request"))
    transition = models.CharField(_("transition"), max_length=40)
    source = models.CharField(_("from"), max_length=20, choices=State)
    target = models.CharField(_("to"), max_length=20, choices=State)
    at = models.DateTimeField(_("happened at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        # The history list across requests, newest first (an append-only table: one index entry per event).
        indexes = [models.Index(fields=["at", "id"], name="log_at_idx")]

    def __str__(self):
        from .events import event_label

        # Labels, not codes: this is the title of the entry's admin page.
        when = f"{local_minute(self.at)} " if self.at else ""
        return f"{when}{event_label(self.transition)}: {self.get_source_display()} → {self.get_target_display()}"


class Evidence(models.Model):
    request = models.ForeignKey(RightsRequest, models.CASCADE, related_name="evidence", verbose_name=_("request"))
    log_entry = models.ForeignKey(
        TransitionLog, models.PROTECT, null=True, blank=True, related_name="evidence", verbose_name=_("log entry")
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    # After `file`: its upload_to fills this in while the row is saved. Used only as the download's file name.
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("uploaded by")
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.description or self.file.name


def local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def local_minute(moment: datetime | None) -> str:
    """A moment as the desk shows it: Asia/Shanghai, to the minute ("" for none)."""
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if moment else ""


# --- reminders ---
from datetime import time  # noqa: E402

from django.core.validators import MinValueValidator  # noqa: E402
from django.utils import timezone  # noqa: E402


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    STATUTORY_BREACH = "statutory_breach", _("Past the statutory limit")
    ESCALATE = "escalate", _("Escalation suggested")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (will be retried)")
    CANCELLED = "cancelled", _("Cancelled (no longer due)")


# Rows the sweep still has to deliver: a failed mail is retried, never given up on.
RETRYABLE_REMINDER_STATES = (ReminderStatus.PENDING, ReminderStatus.FAILED)


class Reminder(models.Model):
    """The reminder ledger: one row per reminder that is due, written before any mail goes out.

    The unique key is the reminder itself (which request, which clock — the request's own or another track's, such
    as a complaint's — what kind, which deadline, which repeat), so a second sweep, a second beat or two workers at
    once can only ever find the row that is already there.
    """

    # No index of its own: the unique key starts with the request. Every index is written once per row recorded
    # and again when the row is marked sent (status is indexed, so no update is HOT): a sweep writes 80,000 rows
    # at a million requests.
    #
    # No database constraint on the request or the request's clock (db_constraint=False; Django still cascades a
    # deleted request to its rows, and the projection deletes a dropped clock's, below). The only writer is the
    # sweep's INSERT ... SELECT, which takes both ids from a clock row it has just read; checking them again cost a
    # row lock on the request and one on the clock per ledger row, deferred to the commit: 2.8 s and then 1.2 s of a
    # first sweep at a million requests with 50,000 due (bench/README.md). Requests are never deleted (the case
    # record is evidence). A clock the projection drops while a sweep records a reminder about it leaves a row about
    # no clock: it is never sent (its clock does not run, so the next sweep cancels it) and the admin shows its
    # clock as empty (tested).
    request = models.ForeignKey(
        RightsRequest, models.CASCADE, related_name="reminders", verbose_name=_("request"), db_index=False,
        db_constraint=False,
    )
    # About exactly one clock: one of the request's own (`clock`), or one of another track's (`source` and
    # `source_clock_id`: a complaint's, registered by the complaints app in the sweep's registry of clock sources,
    # rights.reminders.sources). rights never names a track above it: complaints depends on rights, not the reverse.
    # No index of its own either: every index costs each of those 80,000 rows twice (recorded, marked sent; 0.27 s
    # of marking them at a million). The projection, the one place that drops a request clock, deletes its rows by
    # (request, clock), the unique key's first columns (rights.clocks.delete_clock); hence DO_NOTHING, not Django's
    # cascade, whose `WHERE clock_id IN (...)` would read the whole ledger. Another track's clock that disappears
    # leaves rows about no clock: never sent (it does not run, so the next sweep cancels them).
    clock = models.ForeignKey(
        Clock, models.DO_NOTHING, null=True, blank=True, related_name="reminders", verbose_name=_("clock"),
        db_constraint=False, db_index=False,
    )
    source = models.CharField(_("clock of"), max_length=20, default="request", editable=False)
    source_clock_id = models.BigIntegerField(_("clock number"), null=True, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind)
    due = models.DateField(_("deadline"), help_text=_("The last day the reminder is about."))
    repeat = models.PositiveSmallIntegerField(_("repeat"), default=0)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ReminderStatus, default=ReminderStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("message ID"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["request", "clock", "kind", "due", "repeat"], name="reminder_sent_once"),
            # The same key for another track's clocks (partial: rows about the request's own clocks stay out of it).
            models.UniqueConstraint(
                fields=["request", "source", "source_clock_id", "kind", "due", "repeat"],
                condition=Q(source_clock_id__isnull=False),
                name="reminder_source_clock_sent_once",
            ),
            models.CheckConstraint(
                condition=Q(source="request", clock__isnull=False, source_clock_id__isnull=True)
                | (~Q(source="request") & Q(clock__isnull=True, source_clock_id__isnull=False)),
                name="reminder_about_exactly_one_clock",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status"], name="reminder_retryable_idx", condition=Q(status__in=["pending", "failed"])
            ),
        ]

    def __str__(self):
        label = self.get_kind_display()
        if self.repeat:
            label = f"{label} ×{self.repeat + 1}"
        return f"#{self.request_id} {label} · {self.due:%Y-%m-%d}"


class ReminderSettings(models.Model):
    """N, M, K and the send time: one row, edited in the admin, read by every sweep (no deploy needed)."""

    enabled = models.BooleanField(_("send reminders"), default=True)
    due_soon_working_days = models.PositiveSmallIntegerField(
        _("remind this many working days ahead"),
        default=2,
        help_text=_("A clock whose last day is within this many working days (today included) gets a due-soon reminder."),
    )
    suggest_escalation = models.BooleanField(_("suggest escalation"), default=True)
    escalate_after_working_days = models.PositiveSmallIntegerField(
        _("suggest escalation after (working days overdue)"), default=3
    )
    repeat_every_days = models.PositiveSmallIntegerField(
        _("repeat overdue reminders every (days)"), default=3, validators=[MinValueValidator(1)]
    )
    send_time = models.TimeField(
        _("send at (Asia/Shanghai)"),
        default=time(9, 0),
        help_text=_("Reminders are mailed on working days from this time on; before it they wait."),
    )

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")

    def __str__(self):
        return str(_("Reminder settings"))

    def save(self, *args, **kwargs):
        self.pk = 1  # a singleton
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> ReminderSettings:
        # Reading the settings never writes: without a saved row, the defaults apply.
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class ReminderPreference(models.Model):
    """What one person wants from the reminders; without a row, the defaults apply."""

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="reminder_preference", verbose_name=_("user")
    )
    language = models.CharField(_("language"), max_length=8, choices=Language, default=Language.ZH_HANS)
    email = models.EmailField(
        _("send to"), blank=True, help_text=_("Leave empty to use the address of your account.")
    )
    away_until = models.DateField(
        _("away until"),
        null=True,
        blank=True,
        help_text=_("Until this day (included) your reminders go to the team address instead, so none is lost."),
    )

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self):
        return str(self.user)


class ReminderSnooze(models.Model):
    """Stops the overdue repeats of a request (or of one of its clocks) up to and including a day."""

    request = models.ForeignKey(RightsRequest, models.CASCADE, related_name="snoozes", verbose_name=_("request"))
    clock = models.ForeignKey(
        Clock,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="snoozes",
        verbose_name=_("clock"),
        help_text=_("Leave empty to snooze every clock of the request."),
    )
    until = models.DateField(_("snoozed until"), help_text=_("No overdue reminder up to and including this day."))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-until", "-id"]
        verbose_name = _("reminder snooze")
        verbose_name_plural = _("reminder snoozes")

    def __str__(self):
        return f"#{self.request_id} → {self.until:%Y-%m-%d}"

    def clean(self):
        if self.clock_id and self.request_id and self.clock.request_id != self.request_id:
            raise ValidationError({"clock": _("The clock belongs to another request.")})


class SavedView(models.Model):
    """A filter set and sorting of the request list saved under a name (the list's query string), the owner's
    own or shared with the team. Written by rights.desk.save_view, which checks the name and the query."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="saved_views", verbose_name=_("owner"))
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters and sorting"), max_length=1000, blank=True)
    shared = models.BooleanField(_("shared with the team"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_view_unique_name_per_owner")]

    def __str__(self):
        return self.name
