"""Rights requests: what people asked of which app, the state machine, the deadline clocks and the audit log.

The state machine lives here (django-fsm-2, protected field); the operations that move it live in
`rights/services.py`, which lock the row, write the log and start or stop clocks in one transaction.
"""
from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from policies.deadlines import SHANGHAI
from policies.models import Action, App, ClockStart, Hedge, PolicyVersion, Procedure, Right, StatutoryDefault, Unit

from .querysets import ClockQuerySet, RightsRequestQuerySet


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    AWAITING_IDENTITY = "awaiting_identity", _("Awaiting identity proof")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ESCALATED = "escalated", _("Escalated to a regulator")
    RESOLVED = "resolved", _("Resolved")


# The app owes an answer or an action: clocks run, overdue is possible.
ACTIVE_STATES = (State.SUBMITTED, State.AWAITING_IDENTITY, State.IN_PROGRESS)
# Nothing more is expected (a refused request can still be escalated, but the app's side is over).
CLOSED_STATES = (State.CONFIRMED, State.REFUSED, State.WITHDRAWN, State.RESOLVED)
OPEN_STATES = tuple(s for s in State if s not in CLOSED_STATES)


def can_work_requests(instance, user) -> bool:
    """Transition permission: case workers (change permission) may move requests; auditors only read."""
    return user is None or user.has_perm("rights.change_rightsrequest")


class RightsRequest(ConcurrentTransitionMixin, models.Model):
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

    objects = RightsRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("rights request")
        verbose_name_plural = _("rights requests")
        permissions = [("export_rightsrequest", _("Can export rights requests"))]

    def __str__(self):
        return f"#{self.pk} {self.app} · {self.get_right_display()} · {self.requester_name}"

    def clean(self):
        if self.procedure_id and self.app_id and self.procedure.policy_version.app_id != self.app_id:
            raise ValidationError({"procedure": _("The procedure belongs to another app's policy.")})

    # --- the state machine; call these through rights.services, which logs and locks -------------------

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED, permission=can_work_requests)
    def submit(self):
        """Sent to the app."""

    @transition(
        field=state, source=State.SUBMITTED, target=State.AWAITING_IDENTITY, permission=can_work_requests
    )
    def request_identity(self):
        """The app asked for identity proof; clocks that start on verification wait."""

    @transition(
        field=state, source=State.AWAITING_IDENTITY, target=State.IN_PROGRESS, permission=can_work_requests
    )
    def verify_identity(self):
        """The app accepted the identity proof."""

    @transition(field=state, source=State.SUBMITTED, target=State.IN_PROGRESS, permission=can_work_requests)
    def acknowledge(self):
        """The app acknowledged the request without asking for proof."""

    @transition(field=state, source=ACTIVE_STATES, target=State.COMPLETED, permission=can_work_requests)
    def complete(self):
        """The app says it is done."""

    @transition(field=state, source=State.COMPLETED, target=State.CONFIRMED, permission=can_work_requests)
    def confirm(self):
        """The requester checked that it really happened (e.g. the account is gone)."""

    @transition(field=state, source=State.COMPLETED, target=State.IN_PROGRESS, permission=can_work_requests)
    def reopen(self):
        """It did not really happen: back to work, the original deadlines stand."""

    @transition(
        field=state,
        source=ACTIVE_STATES,
        target=State.REFUSED,
        permission=can_work_requests,
        conditions=[lambda r: bool(r.refusal_reason.strip())],
    )
    def refuse(self):
        """The app refused; PIPL art. 50 requires it to state reasons, so a reason is required."""

    @transition(
        field=state,
        source=(State.DRAFT, *ACTIVE_STATES, State.COMPLETED),
        target=State.WITHDRAWN,
        permission=can_work_requests,
    )
    def withdraw(self):
        """The requester dropped the request."""

    @transition(
        field=state,
        source=(*ACTIVE_STATES, State.COMPLETED, State.REFUSED),
        target=State.ESCALATED,
        permission=can_work_requests,
        conditions=[lambda r: bool(r.regulator.strip())],
    )
    def escalate(self):
        """A complaint was lodged with a regulator (the regulator is required, its reference when known)."""

    @transition(field=state, source=State.ESCALATED, target=State.RESOLVED, permission=can_work_requests)
    def resolve(self):
        """The regulator's case is over."""


# Transitions in the order the admin shows their buttons, with what each must be given.
TRANSITIONS = (
    "submit",
    "acknowledge",
    "request_identity",
    "verify_identity",
    "complete",
    "confirm",
    "reopen",
    "refuse",
    "escalate",
    "resolve",
    "withdraw",
)
NOTE_REQUIRED = {"reopen", "withdraw"}


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


class Clock(models.Model):
    """One promise the request is held to, frozen when its clock started.

    The snapshot (amounts, unit, quote, policy version) never follows later catalog edits; only a provisional
    deadline is recomputed, when its year's official schedule is entered.
    """

    request = models.ForeignKey(RightsRequest, models.CASCADE, related_name="clocks", verbose_name=_("request"))
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
    started_at = models.DateTimeField(_("started at"))
    # the promise as it stood (or the statutory default, when the policy was silent)
    amount_min = models.PositiveIntegerField(_("deadline (least)"))
    amount_max = models.PositiveIntegerField(_("deadline (most)"))
    unit = models.CharField(_("unit"), max_length=12, choices=Unit)
    hedge = models.CharField(_("hedge"), max_length=4, choices=Hedge, blank=True)
    is_statutory = models.BooleanField(_("statutory default applies"), default=False)
    exceeds_cap = models.BooleanField(_("promise exceeds the statutory cap"), default=False)
    quote = models.TextField(_("quoted clause"), blank=True)
    citation = models.CharField(_("statutory citation"), max_length=300, blank=True)
    statutory_amount = models.PositiveIntegerField(_("statutory limit"), null=True, blank=True)
    statutory_unit = models.CharField(_("statutory unit"), max_length=12, choices=Unit, blank=True)
    # computed when the clock starts (Civil Code arts. 201-203)
    due = models.DateField(_("expected by"), help_text=_("The last day of the shortest promised period."))
    final_due = models.DateField(_("due"), db_index=True, help_text=_("The last day of the promise."))
    statutory_due = models.DateField(_("statutory last day"), null=True, blank=True)
    provisional = models.BooleanField(
        _("provisional"), default=False, help_text=_("Relies on a year whose official schedule is not published.")
    )
    met_at = models.DateTimeField(_("kept at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    objects = ClockQuerySet.as_manager()

    class Meta:
        ordering = ["final_due", "id"]
        verbose_name = _("deadline clock")
        verbose_name_plural = _("deadline clocks")
        indexes = [
            models.Index(
                fields=["final_due"], name="clock_running_due_idx", condition=Q(met_at__isnull=True, stopped_at__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} · {self.final_due:%Y-%m-%d}"

    @property
    def is_running(self) -> bool:
        return self.met_at is None and self.stopped_at is None

    def promise_display(self) -> str:
        amount = str(self.amount_min) if self.amount_min == self.amount_max else f"{self.amount_min}–{self.amount_max}"
        return f"{amount} {Unit(self.unit).label}"

    # `state` is the request's, when the caller has it (a list page), to save a query per clock.
    def is_overdue(self, today: date, state: str | None = None) -> bool:
        # Civil Code art. 203: the last day runs to 24:00, so a clock is overdue from the next day on.
        return self.is_running and (state or self.request.state) in ACTIVE_STATES and self.final_due < today

    def breaches_statute(self, today: date, state: str | None = None) -> bool:
        """Past the statutory last day without being kept, or kept only after it."""
        if self.statutory_due is None:
            return False
        if self.met_at is not None:
            return local_date(self.met_at) > self.statutory_due
        return self.is_running and (state or self.request.state) in ACTIVE_STATES and self.statutory_due < today

    def kept_promise(self) -> bool | None:
        """True/False once the clock was kept (met); None while it runs or when it was stopped."""
        if self.met_at is None:
            return None
        return local_date(self.met_at) <= self.final_due


def evidence_path(instance, filename):
    # A random name on disk (rights.uploads); the original name is the evidence's description.
    from .uploads import stored_name

    return f"evidence/{instance.request_id}/{stored_name(filename)}"


class TransitionLog(models.Model):
    """Immutable audit trail: every state change (and recorded reply), by whom, when, with what."""

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

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.transition}: {self.source} → {self.target}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Log entries cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Log entries cannot be deleted."))


class Evidence(models.Model):
    request = models.ForeignKey(RightsRequest, models.CASCADE, related_name="evidence", verbose_name=_("request"))
    log_entry = models.ForeignKey(
        TransitionLog, models.PROTECT, null=True, blank=True, related_name="evidence", verbose_name=_("log entry")
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
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

    The unique key is the reminder itself (which request, which clock, what kind, which deadline, which repeat),
    so a second sweep, a second beat or two workers at once can only ever find the row that is already there.
    """

    request = models.ForeignKey(RightsRequest, models.CASCADE, related_name="reminders", verbose_name=_("request"))
    clock = models.ForeignKey(Clock, models.CASCADE, related_name="reminders", verbose_name=_("clock"))
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
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


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
