"""What the tracks above rights add to the desk, registered in their AppConfig.ready().

rights never imports complaints (the layers point down: deadlines <- policies <- rights <- complaints). A track
whose clocks belong on the desk (complaints: the app's answer to a complaint, a regulator's admission decision
and answer) registers one `DeskTrack`; the home queue, the request list's deadline filters and rows, the CSV
export, the dashboard, the request page and `manage.py queue` ask every registered track. With none registered
the desk shows the requests' own clocks only.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from django.db.models import Count, Q

from deadlines.counting import SHANGHAI
from deadlines.status import ClockStatus

from .models import RightsRequest
from .status import request_breach_q, request_due_by_q, request_overdue_q


class Condition(StrEnum):
    """The deadline conditions a track answers for the requests it belongs to (rights.status's names)."""

    OVERDUE = "overdue"  # a running clock is past its last day
    DUE_BY = "due_by"  # a running clock, not overdue, has a last day up to `last_day`
    BREACH = "breach"  # a clock is running past the statutory last day, or was kept only after it


@dataclass(frozen=True)
class DeskClock:
    """One clock on the desk, of any track: what `manage.py queue --json` prints and the home lists."""

    kind: str  # "request" | "complaint"
    request: int
    complaint: int | None
    app: str
    action: str  # what is due, in words ("12300 受理决定")
    due: date  # the last day
    due_at: datetime  # the moment it is overdue from (24:00 of the last day, Asia/Shanghai)
    status: str  # a rights.status.ClockStatus value
    assignee: str  # the request's assignee's username, "" when unassigned
    assignee_id: int | None = None
    right: str = ""  # the request's right, in words (a complaint clock names its channel in `action`)

    @property
    def status_label(self) -> str:
        return str(ClockStatus(self.status).label)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "request": self.request,
            "complaint": self.complaint,
            "app": self.app,
            "action": self.action,
            "due": f"{self.due:%Y-%m-%d}",
            "due_at": self.due_at.astimezone(SHANGHAI).isoformat(),  # the last day is a Shanghai day
            "status": self.status,
            "assignee": self.assignee,
        }


@dataclass(frozen=True)
class TrackStatus:
    """One clock of a track as a request's row and page show it: its words come from
    rights.presenters.deadline_status (the status module), its name from the track ("12300 受理决定")."""

    label: str
    status: object  # rights.presenters.DeadlineStatus
    complaint: int | None = None

    @property
    def running(self) -> bool:
        return self.status.days_left is not None


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to a case, as the request page's timeline shows it: a request event, a complaint
    event, a mail sent or received, a reminder sent. Words only (the page escapes them)."""

    at: datetime
    kind: str  # "request" | "complaint" | "mail" | "reminder": the entry's marker and its data-kind
    label: str  # what happened ("App refused", "12300 · Lodged", "Letter sent")
    code: str = ""  # the event's name ("refuse", "lodge") or the mail's direction ("out", "in")
    by: str = ""  # who recorded or sent it
    change: str = ""  # a state change in words ("In progress → Refused")
    reason: str = ""  # a refusal's reason, a regulator's
    note: str = ""
    detail: str = ""  # more in words (an amendment's old and new value, a mail's subject)
    url: str = ""  # where the whole of it is (a complaint, the ledger)
    files: tuple = ()  # (url, name) pairs of its evidence


@dataclass(frozen=True)
class Panel:
    """A section a track adds to a page: its template, rendered with the page's context plus `context`; and what
    the track adds to the page's timeline (complaint events, mail)."""

    template: str
    context: dict = field(default_factory=dict)
    timeline: tuple[TimelineEntry, ...] = ()


@dataclass(frozen=True)
class DeskTrack:
    """One track's part of the desk. Every callable takes `now` (the page's or the command's moment)."""

    name: str
    # (condition, *, now, last_day=None) -> the ids of the requests whose clocks of this track meet the condition
    # (an iterable of ints, e.g. a flat values_list). A track's clocks are few: the list reads them once per page.
    request_ids: Callable[..., object]
    # (*, now, horizon, calendar, due_soon_working_days) -> the track's running clocks that are due soon (last day
    # up to `horizon`), overdue or past the statute, as DeskClocks.
    clocks: Callable[..., Iterable[DeskClock]]
    # (request_ids, *, now, calendar, due_soon_working_days) -> {request id: [TrackStatus]}: every clock of the
    # track for these requests, in one query (a list page, a CSV chunk, a request page).
    statuses: Callable[..., dict[int, list[TrackStatus]]]
    # (http_request, rights_request, *, now, calendar, due_soon_working_days, case) -> Panel | None: the track's
    # section of the request page; its context is merged into the page's. `case` is a dict shared by the page's
    # panels, one per request page: it starts with what the page read ("log": the request's events oldest first,
    # with their `by`; "clocks": its clocks by last day, with their policy versions), and a reading of the case one
    # panel makes (complaints' CaseFacts, "facts") another reuses.
    request_panel: Callable[..., Panel | None] | None = None
    # (http_request, *, now) -> Panel | None: the track's section of the dashboard.
    dashboard_panel: Callable[..., Panel | None] | None = None


_tracks: dict[str, DeskTrack] = {}


def register(track: DeskTrack) -> None:
    """Called from a track's AppConfig.ready(); registering a name again replaces it (ready() may run twice)."""
    _tracks[track.name] = track


def tracks() -> list[DeskTrack]:
    return list(_tracks.values())


# --- the conditions of the list's deadline filters, the home's counts and the dashboard's --------------------


def own_q(condition: str, *, now: datetime, last_day: date | None = None) -> Q:
    """Requests that meet `condition` (rights.registry.Condition) by their own clocks: rights.status's request
    conditions, on the projected columns."""
    match condition:
        case Condition.OVERDUE:
            return request_overdue_q(now)
        case Condition.DUE_BY:
            return request_due_by_q(last_day, now)
        case Condition.BREACH:
            return request_breach_q(now)
    raise ValueError(f"unknown desk condition {condition!r}")


def tracks_q(condition: str, *, now: datetime, last_day: date | None = None) -> Q | None:
    """Requests that meet `condition` by a clock of a registered track (a complaint's answer, a regulator's
    decision), None when none does. The tracks' request ids are read first (their clocks are few) and given as a
    list: with no id the list's filter is the request condition alone (its index range, as before), and with a
    few PostgreSQL ORs that range with the primary key. (`pk__in` a subquery made it walk the list's order index
    from the first request, past every overdue one: 180 ms for "due soon" at 100,000 requests, 0.1 ms without.)"""
    ids = sorted({pk for track in tracks() for pk in track.request_ids(condition, now=now, last_day=last_day)})
    return Q(pk__in=ids) if ids else None


def deadline_q(condition: str, *, now: datetime, last_day: date | None = None) -> Q:
    """Requests that meet `condition` by their own clocks or by a track's: the list's deadline filters."""
    own = own_q(condition, now=now, last_day=last_day)
    tracked = tracks_q(condition, now=now, last_day=last_day)
    return own if tracked is None else own | tracked


def by_tracks_only(condition: str, *, now: datetime, last_day: date | None = None) -> Counter:
    """Per app id, the requests that meet `condition` by a track's clock and not by their own: what the request
    tally (rights.tally) does not count. Added to it, the count is what the list filtered by deadline_q shows."""
    tracked = tracks_q(condition, now=now, last_day=last_day)
    if tracked is None:
        return Counter()
    rows = (
        RightsRequest.objects.filter(tracked)
        .exclude(own_q(condition, now=now, last_day=last_day))
        .values("app_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter({row["app_id"]: row["n"] for row in rows})


# --- what the tracks above add to `manage.py requests` (correspondence: `requests send`, the mail of `show`) ---


@dataclass(frozen=True)
class RequestsSubcommand:
    """A sub-command of `manage.py requests` that a track above rights provides."""

    name: str
    help: str
    add_arguments: Callable[..., None]  # (parser) -> None
    # (command, options) -> None: writes its own output; a refusal is a CommandError (one line, exit 2)
    run: Callable[..., None]


_subcommands: dict[str, RequestsSubcommand] = {}
# key -> (rights_request) -> a JSON value that `requests show --json` (rights' request_as_dict) adds under the key
_request_sections: dict[str, Callable[[RightsRequest], object]] = {}


def register_subcommand(subcommand: RequestsSubcommand) -> None:
    _subcommands[subcommand.name] = subcommand


def subcommands() -> list[RequestsSubcommand]:
    return list(_subcommands.values())


def register_request_section(key: str, section: Callable[[RightsRequest], object]) -> None:
    _request_sections[key] = section


def request_sections() -> dict[str, Callable[[RightsRequest], object]]:
    return dict(_request_sections)
