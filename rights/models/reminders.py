"""The reminder ledger and its settings: what the sweep (rights/reminders/) recorded and sent, per clock."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..states import ACTIVE_STATES, CLOSED_STATES, OPEN_STATES, State  # noqa: F401 - re-exported
from .history import Clock
from .requests import RightsRequest


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

    # No index of its own: the unique key starts with the request. Every index is written once per row; a row
    # held before it is sent is written again when marked sent (status is indexed, so no update is HOT), which is
    # why a sweep in the send window writes its rows already sent (rights.reminders.ledger): 80,000 rows at a
    # million requests.
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
        RightsRequest,
        models.CASCADE,
        related_name="reminders",
        verbose_name=_("request"),
        db_index=False,
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
        Clock,
        models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("clock"),
        db_constraint=False,
        db_index=False,
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
        help_text=_(
            "A clock whose last day is within this many working days (today included) gets a due-soon reminder."
        ),
    )
    suggest_escalation = models.BooleanField(_("suggest escalation"), default=True)
    escalate_after_working_days = models.PositiveSmallIntegerField(
        _("suggest escalation after (working days overdue)"), default=3
    )
    # Working days since the last overdue reminder about a clock went out (rights.reminders.rules.Rules.resend_after).
    repeat_every_days = models.PositiveSmallIntegerField(
        _("repeat overdue reminders every (working days)"), default=3, validators=[MinValueValidator(1)]
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
    email = models.EmailField(_("send to"), blank=True, help_text=_("Leave empty to use the address of your account."))
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
