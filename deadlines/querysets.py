"""The named filters of every concrete clock (a request's, a complaint's): the SQL side of deadlines.status, so
"overdue" means the same in the admin, the reminder sweep, the commands and the dashboard. Each takes `now`
(defaulted once, here at the edge) so tests and `--now` can move the clock."""
from __future__ import annotations

from datetime import date, datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import status
from .counting import end_of_day


def moved_by_day_q(day: date, prefix: str = "") -> Q:
    """The clocks a change of `day` in the calendar could move: started by then, with a last day (promised,
    expected, statutory or extended) on or after it, or paused (its paused working days may change)."""
    started = Q(**{f"{prefix}started_at__lt": end_of_day(day)})
    reaches = (
        Q(**{f"{prefix}final_due__gte": day})
        | Q(**{f"{prefix}statutory_due__gte": day})
        | Q(**{f"{prefix}extended_to__gte": day})
        | Q(**{f"{prefix}paused_since__isnull": False})
    )
    return started & reaches


class ClockQuerySet(models.QuerySet):
    def running(self):
        """Started, neither kept nor stopped nor paused: the app (or the channel) owes it now."""
        return self.filter(status.running_q())

    def overdue(self, now: datetime | None = None):
        """Running past its last moment (deadline_at: 24:00 of the last day, Civil Code art. 203)."""
        return self.filter(status.overdue_q(now or timezone.now()))

    def due_by(self, last_day: date, now: datetime | None = None):
        """Running clocks not yet overdue whose last day is up to and including `last_day`."""
        return self.filter(status.due_by_q(last_day, now or timezone.now()))

    def statutory_breach(self, now: datetime | None = None):
        """Running past the statutory last moment, or kept only after it."""
        return self.filter(status.statutory_breach_q(now or timezone.now()))

    def with_status(self, name: str, now: datetime | None = None, *, horizon: date):
        return self.filter(status.status_q(name, now or timezone.now(), horizon=horizon))
