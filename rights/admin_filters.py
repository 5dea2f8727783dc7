"""The request list's and the history's filters. The deadline filter asks rights.registry.deadline_q: a request
is overdue (due soon, past the statute) by its own clocks or by a clock of its complaints.
"""
from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy

from config.numbers import whole_number
from deadlines.status import due_soon_horizon

from .admin_html import PageClock
from .events import EVENT_LABELS, EVENT_ORDER
from .forms import assignable_users
from .presenters import week_end
from .registry import Condition, deadline_q


class DeadlineFilter(admin.SimpleListFilter):
    title = gettext_lazy("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("needs", gettext_lazy("Needs action (overdue, past the statute or due soon)")),
            ("overdue", gettext_lazy("Overdue")),
            ("soon", gettext_lazy("Due soon")),
            ("week", gettext_lazy("Due this week")),
            ("breach", gettext_lazy("Statutory limit breached")),
        ]

    def queryset(self, request, queryset):
        page = PageClock.of(request)
        # rights.registry.deadline_q: the request's own clocks or a registered track's (a complaint's, a regulator's).
        match self.value():
            case "needs":  # what the home lists (rights.desk.home_desk)
                horizon = due_soon_horizon(page.today, page.due_soon, page.calendar)
                return queryset.filter(
                    deadline_q(Condition.OVERDUE, now=page.now)
                    | deadline_q(Condition.DUE_BY, now=page.now, last_day=horizon)
                    | deadline_q(Condition.BREACH, now=page.now)
                ).open()
            case "overdue":
                return queryset.filter(deadline_q(Condition.OVERDUE, now=page.now))
            case "soon":
                horizon = due_soon_horizon(page.today, page.due_soon, page.calendar)
                return queryset.filter(deadline_q(Condition.DUE_BY, now=page.now, last_day=horizon))
            case "week":
                return queryset.filter(deadline_q(Condition.DUE_BY, now=page.now, last_day=week_end(page.today)))
            case "breach":
                return queryset.filter(deadline_q(Condition.BREACH, now=page.now))
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = gettext_lazy("assignee")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):

        return [
            ("me", gettext_lazy("Assigned to me")),
            ("none", gettext_lazy("Unassigned")),
            *((str(user.pk), user.get_full_name() or user.get_username()) for user in assignable_users()),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.for_assignee(request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value:
            # An id that is no number (?assignee=²) is nobody's: an empty list, never a 500.
            number = whole_number(value)
            return queryset.filter(assignee_id=number) if number is not None else queryset.none()
        return queryset


class OpenFilter(admin.SimpleListFilter):
    """Open (the app or the team still has something to do) or closed; the queue's "mine" and "unassigned"."""

    title = gettext_lazy("open or closed")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("open", gettext_lazy("Open")), ("closed", gettext_lazy("Closed"))]

    def queryset(self, request, queryset):
        match self.value():
            case "open":
                return queryset.open()
            case "closed":
                return queryset.closed()
        return queryset


class EventFilter(admin.SimpleListFilter):
    """The history's events by their labels (the table in rights/events.py), never by their codes."""

    title = gettext_lazy("event")
    parameter_name = "transition"

    def lookups(self, request, model_admin):
        return [(name, EVENT_LABELS[name]) for name in ("file", *EVENT_ORDER) if name in EVENT_LABELS]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(transition=value) if value in EVENT_LABELS else queryset
