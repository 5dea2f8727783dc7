"""Named filters: "overdue" means the same in the admin, the reminder sweep, the commands and the dashboard.

Each takes `now` (defaulted once, here at the edge) so tests and `--now` can move the clock.
"""
from __future__ import annotations

from datetime import date, datetime

from django.db import models
from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone

from policies.deadlines import SHANGHAI


def today_in_shanghai(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(SHANGHAI).date()


def _active_states():
    from .models import ACTIVE_STATES

    return ACTIVE_STATES


def _open_states():
    from .models import OPEN_STATES

    return OPEN_STATES


class ClockQuerySet(models.QuerySet):
    def running(self):
        """Started, neither kept nor stopped, on a request the app still owes something."""
        return self.filter(met_at__isnull=True, stopped_at__isnull=True, request__state__in=_active_states())

    def overdue(self, now: datetime | None = None):
        # Civil Code art. 203: the last day runs to 24:00, so a clock is overdue from the next day on.
        return self.running().filter(final_due__lt=today_in_shanghai(now))

    def due_by(self, last_day: date, now: datetime | None = None):
        """Running clocks due today or later, up to and including `last_day`."""
        return self.running().filter(final_due__gte=today_in_shanghai(now), final_due__lte=last_day)

    def statutory_breach(self, now: datetime | None = None):
        """Running past the statutory last day, or kept only after it."""
        today = today_in_shanghai(now)
        return self.filter(
            Q(met_at__isnull=True, stopped_at__isnull=True, request__state__in=_active_states(), statutory_due__lt=today)
            | Q(met_at__isnull=False, statutory_due__isnull=False, met_at__date__gt=models.F("statutory_due"))
        )


class RightsRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=_open_states())

    def closed(self):
        return self.exclude(state__in=_open_states())

    def active(self):
        return self.filter(state__in=_active_states())

    def for_assignee(self, user):
        return self.filter(assignee=user)

    def _with_clock(self, clocks):

        return self.filter(Exists(clocks.filter(request=OuterRef("pk")).values("pk")))

    def overdue(self, now: datetime | None = None):
        from .models import Clock

        return self._with_clock(Clock.objects.overdue(now))

    def due_by(self, last_day: date, now: datetime | None = None):
        from .models import Clock

        return self._with_clock(Clock.objects.due_by(last_day, now))

    def due_within(self, days: int, now: datetime | None = None, calendar=None):
        """Requests with a running clock due within `days` working days from today (today included)."""
        from policies.models import work_calendar

        today = today_in_shanghai(now)
        calendar = calendar or work_calendar()
        last_day = calendar.nth_working_day_after(today, days)[0] if days > 0 else today
        return self.due_by(last_day, now)

    def statutory_breach(self, now: datetime | None = None):
        from .models import Clock

        return self._with_clock(Clock.objects.statutory_breach(now))

    def with_next_deadline(self):
        """Annotate `next_due`: the nearest last day of a running clock (None when nothing runs)."""
        return self.annotate(
            next_due=Min(
                "clocks__final_due",
                filter=Q(clocks__met_at__isnull=True, clocks__stopped_at__isnull=True),
            )
        )
