"""What the rights admin's pages show of a request, as HTML and words: the page's clock (`now`, today and the
work calendar, read once per HTTP request), the deadline lines of a row, the state badge, an event's details.
"""
from __future__ import annotations

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from policies.models import work_calendar
from records.chain import KEYED_PERSONAL
from records.personal import unsealed

from .events import AMENDABLE_FIELDS
from .models import ReminderSettings, RightsRequest, State, TransitionLog
from .presenters import DeadlineStatus, PageCalendar, deadline_statuses
from .querysets import today_in_shanghai
from .registry import TrackStatus, tracks


class PageClock:
    """`now`, today in Shanghai and the work calendar, read once per HTTP request and shared by every row."""

    def __init__(self):
        self.now = timezone.now()
        self.today = today_in_shanghai(self.now)
        self._calendar = None
        self._due_soon = None
        self._tracked: dict[int, list[TrackStatus]] = {}

    @property
    def due_soon(self) -> int:
        """The one "due soon" setting (Reminder settings), shared with the reminders."""
        if self._due_soon is None:
            self._due_soon = ReminderSettings.load().due_soon_working_days
        return self._due_soon

    def statuses(self, obj, clocks=None) -> list[DeadlineStatus]:
        return deadline_statuses(obj, now=self.now, calendar=self.calendar, due_soon_working_days=self.due_soon, clocks=clocks)

    def track_statuses(self, request_ids) -> dict[int, list[TrackStatus]]:
        """The registered tracks' clocks (complaints') of these requests: one query per track."""
        found: dict[int, list[TrackStatus]] = {}
        ids = list(request_ids)
        for track in tracks() if ids else ():
            for request_id, rows in track.statuses(
                ids, now=self.now, calendar=self.calendar, due_soon_working_days=self.due_soon
            ).items():
                found.setdefault(request_id, []).extend(rows)
        return found

    def load_tracks(self, request_ids) -> None:
        """Keep the tracks' clocks of a page's rows, for its deadline column."""
        ids = list(request_ids)
        found = self.track_statuses(ids)
        self._tracked.update({pk: found.get(pk, []) for pk in ids})

    def tracked(self, request_id: int) -> list[TrackStatus]:
        """The tracks' clocks of a request kept by load_tracks (loaded now, alone, if the page did not)."""
        if request_id not in self._tracked:
            self.load_tracks([request_id])
        return self._tracked[request_id]

    @property
    def calendar(self):
        if self._calendar is None:
            self._calendar = PageCalendar(work_calendar())
        return self._calendar

    @classmethod
    def of(cls, request) -> PageClock:
        if not hasattr(request, "_rights_page_clock"):
            request._rights_page_clock = cls()
        return request._rights_page_clock


def deadline_html(status: DeadlineStatus, *, with_action: bool = True):
    clock = status.clock
    provisional = (
        format_html(
            ' <abbr class="rd-provisional" title="{}">{}</abbr>',
            _("Provisional: relies on a year whose official working-day schedule is not published yet."),
            _("provisional"),
        )
        if status.provisional
        else ""
    )
    return format_html(
        '<li class="rd-deadline rd-deadline--{tone}" data-tone="{tone}" data-last-day="{day}">'
        '{action}<time datetime="{day}">{day}</time> <span class="rd-deadline__left">{text}</span>{provisional}</li>',
        tone=status.tone,
        day=f"{status.last_day:%Y-%m-%d}",
        action=format_html('<span class="rd-deadline__action">{}</span> ', clock.get_action_display()) if with_action else "",
        text=status.text,
        provisional=provisional,
    )


def lead_first(statuses: list[DeadlineStatus]) -> list[DeadlineStatus]:
    """The clock a person must look at first: the nearest one still running, then the rest in date order."""
    running = [s for s in statuses if s.days_left is not None]
    return [*running, *(s for s in statuses if s.days_left is None)]


def track_deadline_html(row: TrackStatus):
    """A running clock of a track (a complaint's answer, a regulator's decision) in a request's row, marked as
    one (data-track) and named by its channel ("12300 受理决定")."""
    status = row.status
    return format_html(
        '<li class="rd-deadline rd-deadline--{tone} rd-deadline--track" data-tone="{tone}" data-last-day="{day}" data-track="{complaint}">'
        '<span class="rd-deadline__action">{label}</span> <time datetime="{day}">{day}</time> <span class="rd-deadline__left">{text}</span></li>',
        tone=status.tone,
        day=f"{status.last_day:%Y-%m-%d}",
        complaint=row.complaint or "",
        label=row.label,
        text=status.text,
    )


def deadlines_html(obj: RightsRequest, page: PageClock):
    statuses = lead_first(page.statuses(obj))
    tracked = [row for row in page.tracked(obj.pk) if row.running]
    if not statuses and not tracked:
        return format_html('<span class="rd-muted">{}</span>', _("no clock yet"))
    # The leading clock is the big one; the others follow, smaller (rd-deadlines > li:first-child in the CSS);
    # the running clocks of its complaints come last, marked.
    return format_html(
        '<ul class="rd-deadlines">{}{}</ul>',
        format_html_join("", "{}", ((deadline_html(s),) for s in statuses)),
        format_html_join("", "{}", ((track_deadline_html(row),) for row in tracked)),
    )


def state_badge(state: str):
    return format_html('<span class="rd-state rd-state--{}" data-state="{}">{}</span>', state, state, State(state).label)


def history_details(entry: TransitionLog) -> str:
    """An event's details in words, for the history (an amendment's old and new value, an extension's day)."""
    details = entry.details or {}
    match entry.transition:
        case "amend":
            label = AMENDABLE_FIELDS.get(details.get("field"), details.get("field", ""))
            if KEYED_PERSONAL in details:
                values = unsealed(entry.case_label(), details)
                if values is None:
                    return _("%(field)s changed (the values were redacted)") % {"field": label}
                details = values
            return _("%(field)s: “%(old)s” → “%(new)s”") % {"field": label, "old": details.get("old", ""), "new": details.get("new", "")}
        case "extend":
            return _("to %(day)s; legal basis: %(basis)s") % {"day": details.get("until", ""), "basis": details.get("basis", "")}
        case "assign":
            return "%s → %s" % (details.get("old") or "—", details.get("new") or "—")
        case "escalate":
            return " · ".join(v for v in (details.get("regulator"), details.get("reference")) if v)
        case "snooze":
            return _("until %(day)s") % {"day": details.get("until", "")}
    return ""
