"""Named filters for complaint clocks, the same names and meaning as rights' Clock (running, overdue, due_by),
so the reminder sweep can treat a regulator overdue like an app overdue."""
from __future__ import annotations

from datetime import date, datetime

from django.db import models
from django.db.models import F, Q

from rights.querysets import today_in_shanghai


def running_q(prefix: str = "") -> Q:
    """Started, neither kept nor stopped, on a complaint the channel still owes a decision or an answer (prefix
    "complaint_clock__" to use it from the reminder ledger)."""
    from .events import ACTIVE_COMPLAINT_STATES

    return Q(**{
        f"{prefix}met_at__isnull": True, f"{prefix}stopped_at__isnull": True,
        f"{prefix}complaint__state__in": ACTIVE_COMPLAINT_STATES,
    })  # fmt: skip


class ComplaintClockQuerySet(models.QuerySet):
    def running(self):
        """Started, neither kept nor stopped, on a complaint the channel still owes a decision or an answer."""
        return self.filter(running_q())

    def overdue(self, now: datetime | None = None):
        # Civil Code art. 203: the last day runs to 24:00, so a clock is overdue from the next day on.
        return self.running().filter(final_due__lt=today_in_shanghai(now))

    def due_by(self, last_day: date, now: datetime | None = None):
        """Running clocks due today or later, up to and including `last_day`."""
        return self.running().filter(final_due__gte=today_in_shanghai(now), final_due__lte=last_day)


    def statutory_breach(self, now: datetime | None = None):
        """Running past the statutory last day (the app channel's 15-working-day cap), or kept only after it."""
        from .events import ACTIVE_COMPLAINT_STATES

        today = today_in_shanghai(now)
        return self.filter(
            Q(met_at__isnull=True, stopped_at__isnull=True, complaint__state__in=ACTIVE_COMPLAINT_STATES, statutory_due__lt=today)
            | Q(met_at__isnull=False, statutory_due__isnull=False, met_at__date__gt=F("statutory_due"))
        )


class ComplaintQuerySet(models.QuerySet):
    def lodged(self):
        return self.exclude(lodged_at__isnull=True)

    def answered(self):
        return self.exclude(answered_at__isnull=True)
