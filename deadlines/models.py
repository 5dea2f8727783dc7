"""The abstract clock: one promise (or one statutory time limit) counted on the working-day calendar.

A request's clocks (rights.Clock) and a complaint's (complaints.ComplaintClock) are its concrete models. Each
track replays its rows from its own event log (deadlines.replay holds the generic pieces) and reads them through
the one status module (deadlines.status); nothing else writes them.
"""
from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import status
from .replay import has_legal_basis


class Unit(models.TextChoices):
    """The unit a period is counted in (Civil Code arts. 201-202; deadlines.counting.UNITS)."""

    WORKING_DAY = "working_day", _("working days")
    CALENDAR_DAY = "calendar_day", _("calendar days")
    HOUR = "hour", _("hours")
    WEEK = "week", _("weeks")
    MONTH = "month", _("months")


class StopReason(models.TextChoices):
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")
    CLOSED = "closed", _("closed by the regulator")


class ClockBase(models.Model):
    """The clock's fields: when it started, the promise it counts, the moments it reaches, and how it ended.

    The last days are dates (Asia/Shanghai); what decides a status is a moment (`deadline_at`: 24:00 of the last
    day, Civil Code art. 203, or the exact moment of a promise in hours), so no SQL comparison depends on the
    database's time zone."""

    # What starts the clock; each concrete clock names its own events (choices).
    clock_start = models.CharField(_("clock starts at"), max_length=20)
    started_at = models.DateTimeField(_("started at"))
    # the promise as it stood (or the statutory default, when the policy was silent)
    amount_min = models.PositiveIntegerField(_("deadline (least)"))
    amount_max = models.PositiveIntegerField(_("deadline (most)"))
    unit = models.CharField(_("unit"), max_length=12, choices=Unit)
    is_statutory = models.BooleanField(_("statutory default applies"), default=False)
    exceeds_cap = models.BooleanField(_("promise exceeds the statutory cap"), default=False)
    quote = models.TextField(_("quoted clause"), blank=True)
    citation = models.CharField(_("statutory citation"), max_length=300, blank=True)
    statutory_amount = models.PositiveIntegerField(_("statutory limit"), null=True, blank=True)
    statutory_unit = models.CharField(_("statutory unit"), max_length=12, choices=Unit, blank=True)
    # Civil Code arts. 201-203 on the calendar, pauses added to the promised days (never to the statutory one)
    due = models.DateField(_("expected by"), help_text=_("The last day of the shortest promised period."))
    final_due = models.DateField(_("due"), db_index=True, help_text=_("The last day of the promise."))
    statutory_due = models.DateField(_("statutory last day"), null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(_("paused working days"), default=0)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    extension_basis = models.CharField(_("legal basis of the extension"), max_length=300, blank=True)
    # What decides the status: the promised last day, or an extension that has a legal basis; and the moments
    # they pass (24:00 of the last day, Civil Code art. 203; the exact moment for a promise in hours).
    deadline = models.DateField(_("last day"), null=True, blank=True)
    deadline_at = models.DateTimeField(_("overdue from"), null=True, blank=True)
    statutory_deadline_at = models.DateTimeField(_("past the statutory limit from"), null=True, blank=True)
    provisional = models.BooleanField(
        _("provisional"), default=False, help_text=_("Relies on a year whose official schedule is not published.")
    )
    met_at = models.DateTimeField(_("kept at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    stop_reason = models.CharField(_("stopped because"), max_length=12, choices=StopReason, blank=True)

    class Meta:
        abstract = True

    @property
    def is_running(self) -> bool:
        return status.is_running(self)

    @property
    def is_finished(self) -> bool:
        return status.is_finished(self)

    @property
    def extension_has_basis(self) -> bool:
        return has_legal_basis(self.extension_basis)

    def promise_display(self) -> str:
        amount = str(self.amount_min) if self.amount_min == self.amount_max else f"{self.amount_min}–{self.amount_max}"
        return f"{amount} {Unit(self.unit).label}"

    def kept_promise(self) -> bool | None:
        """The verdict on the promise (deadlines.status.kept_promise)."""
        return status.kept_promise(self)

    def within_statute(self) -> bool | None:
        """The verdict on the statute (deadlines.status.within_statute)."""
        return status.within_statute(self)

    def status(self, now: datetime, *, calendar, due_soon_working_days: int) -> str:
        """The clock's status name (deadlines.status): the one definition every page, filter and command shares."""
        return status.clock_status(self, now=now, calendar=calendar, due_soon_working_days=due_soon_working_days)
