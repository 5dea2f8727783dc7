"""Named filters for complaints. A complaint's clocks use the clock filters of every track
(deadlines.querysets.ClockQuerySet: running, overdue(now), due_by(last_day, now), statutory_breach(now)), so the
reminder sweep and the queue treat a regulator overdue like an app overdue."""
from __future__ import annotations

from django.db import models


class ComplaintQuerySet(models.QuerySet):
    def lodged(self):
        return self.exclude(lodged_at__isnull=True)

    def answered(self):
        return self.exclude(answered_at__isnull=True)
