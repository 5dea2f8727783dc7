"""Named filters of requests: "overdue" means the same in the admin, the reminder sweep, the commands and the
dashboard.

They are the SQL side of rights.status's request conditions (a clock's own are deadlines.querysets). Each takes
`now` (defaulted once, here at the edge) so tests and `--now` can move the clock.
"""
from __future__ import annotations

from datetime import date, datetime

from django.db import models
from django.utils import timezone

from deadlines.status import due_soon_horizon
from deadlines.status import today_in_shanghai as _today
from policies.models import work_calendar

from . import status
from .states import ACTIVE_STATES, OPEN_STATES


def today_in_shanghai(now: datetime | None = None) -> date:
    return _today(now or timezone.now())


class RightsRequestQuerySet(models.QuerySet):
    def locked_for_write(self):
        """The request row locked for an event, its app read alongside. Only the request's row: PostgreSQL locks
        every joined row of a FOR UPDATE, so each move locked its app's row too, which serialised every write on
        one app and deadlocked with a filing's foreign-key check on that app (bench/load, 50 users)."""
        return self.select_for_update(of=("self",)).select_related("app")

    def open(self):

        return self.filter(state__in=OPEN_STATES)

    def closed(self):

        return self.exclude(state__in=OPEN_STATES)

    def active(self):

        return self.filter(state__in=ACTIVE_STATES)

    def for_assignee(self, user):
        return self.filter(assignee=user)

    # A request is overdue, due by a day or past the statute by its projected columns (rights.status's request
    # conditions): index ranges on the request table, never a join to the clocks (at 1,000,000 requests the join
    # made PostgreSQL probe requests one by one in list order: 26 s for "due soon").

    def overdue(self, now: datetime | None = None):
        return self.filter(status.request_overdue_q(now or timezone.now()))

    def due_by(self, last_day: date, now: datetime | None = None):
        """Requests whose nearest running deadline is not passed and falls on `last_day` or before."""
        return self.filter(status.request_due_by_q(last_day, now or timezone.now()))

    def due_within(self, days: int, now: datetime | None = None, calendar=None):
        """Requests whose nearest running deadline is due within `days` working days from today (today included)."""

        calendar = calendar or work_calendar()
        return self.due_by(due_soon_horizon(today_in_shanghai(now), days, calendar), now)

    def due_soon(self, now: datetime | None = None, calendar=None):
        """Due within the one "due soon" setting (Reminder settings), as the reminders count it."""
        return self.due_within(status.due_soon_working_days(), now, calendar)

    def statutory_breach(self, now: datetime | None = None):
        return self.filter(status.request_breach_q(now or timezone.now()))

    def paused(self):
        return self.filter(paused_since__isnull=False)
