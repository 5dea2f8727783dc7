"""The working-day calendar as entered in the admin: the years whose official schedule is in, and the days that
differ from the holidays library (deadlines.workdays counts on them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from deadlines.workdays import WorkCalendar


class CalendarYear(models.Model):
    """A year whose official working-day schedule (State Council notice) has been entered."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    published_on = models.DateField(_("schedule published on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=_("The State Council notice."))

    class Meta:
        ordering = ["year"]
        verbose_name = _("published calendar year")
        verbose_name_plural = _("published calendar years")

    def __str__(self):
        return str(self.year)


class CalendarOverride(models.Model):
    """A day whose status differs from the holidays library: a holiday, a bridging day off, a make-up working day."""

    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("Checked: a make-up working day (调休上班). Unchecked: a day off.")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self):
        kind = _("make-up working day") if self.is_working_day else _("day off")
        return f"{self.day:%Y-%m-%d} {kind} {self.name}".strip()


def work_calendar() -> WorkCalendar:
    """The calendar as entered today: the library's official schedules plus the admin's overrides and years."""
    return WorkCalendar(
        overrides=dict(CalendarOverride.objects.values_list("day", "is_working_day")),
        entered_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
    )
