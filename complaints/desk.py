"""The complaints' clocks on the desk: registered into rights.registry from complaints/apps.py, so the home queue,
the request list, the CSV export, the dashboard, the request page and `manage.py queue` show an overdue answer
of the app to a complaint, or a regulator's overdue admission decision, as they show a request's own clocks.

Which clocks are overdue, due soon or past the statute is decided by ComplaintClock's named filters (SQL) and
by deadlines.status.clock_status through rights.presenters.deadline_status (words): nothing here restates a rule.
"""
from __future__ import annotations

from datetime import date, datetime

from django.db.models import Q

from deadlines.status import clock_status
from rights.presenters import deadline_status
from rights.registry import Condition, DeskClock, DeskTrack, Panel, TrackStatus, register

from .models import Addressee, ComplaintClock
from .panels import complaint_timeline, dashboard_figures, request_panel_context


def clock_label(clock: ComplaintClock) -> str:
    """A complaint clock's name: the channel as on the command line ("12300"; the app's own complaint procedure by
    its kind's label), then what is due: "12300 受理决定" (the reminder digest names it the same way)."""
    channel = clock.complaint.channel
    name = str(Addressee.APP.label) if channel.kind == Addressee.APP else channel.code
    return f"{name} {clock.get_action_display()}"


def _with_request():
    return ComplaintClock.objects.select_related("complaint__channel", "complaint__request__app", "complaint__request__assignee")


def request_ids(condition: str, *, now: datetime, last_day: date | None = None):
    """The ids of the requests with a complaint clock meeting `condition`."""
    clocks = ComplaintClock.objects
    match condition:
        case Condition.OVERDUE:
            chosen = clocks.overdue(now)
        case Condition.DUE_BY:
            chosen = clocks.due_by(last_day, now)
        case Condition.BREACH:
            chosen = clocks.statutory_breach(now)
        case _:
            raise ValueError(f"unknown desk condition {condition!r}")
    return chosen.order_by().values_list("complaint__request_id", flat=True)


def clocks(*, now: datetime, horizon: date, calendar, due_soon_working_days: int) -> list[DeskClock]:
    """The running complaint clocks that are due soon (last day up to `horizon`), overdue or past the statute."""
    objects = ComplaintClock.objects
    wanted = (
        Q(pk__in=objects.overdue(now).values("pk"))
        | Q(pk__in=objects.due_by(horizon, now).values("pk"))
        | Q(pk__in=objects.running().statutory_breach(now).values("pk"))
    )
    rows = []
    for clock in _with_request().filter(wanted):
        request = clock.complaint.request
        rows.append(
            DeskClock(
                kind="complaint",
                request=request.pk,
                complaint=clock.complaint_id,
                app=request.app.name,
                action=clock_label(clock),
                due=clock.deadline,
                due_at=clock.deadline_at,
                status=clock_status(clock, now=now, calendar=calendar, due_soon_working_days=due_soon_working_days),
                assignee=request.assignee.get_username() if request.assignee else "",
                assignee_id=request.assignee_id,
            )
        )
    return rows


def statuses(request_ids, *, now: datetime, calendar, due_soon_working_days: int) -> dict[int, list[TrackStatus]]:
    """Every complaint clock of these requests, in words (one query)."""
    found: dict[int, list[TrackStatus]] = {}
    chosen = _with_request().filter(complaint__request_id__in=list(request_ids)).order_by("deadline_at", "id")
    for clock in chosen:
        status = deadline_status(clock, now=now, calendar=calendar, due_soon_working_days=due_soon_working_days)
        found.setdefault(clock.complaint.request_id, []).append(
            TrackStatus(label=clock_label(clock), status=status, complaint=clock.complaint_id)
        )
    return found


def request_panel(http_request, rights_request, *, now: datetime, calendar, due_soon_working_days: int, case=None) -> Panel:
    clocks: dict[int, list[TrackStatus]] = {}
    found = statuses([rights_request.pk], now=now, calendar=calendar, due_soon_working_days=due_soon_working_days)
    for row in found.get(rights_request.pk, []):
        clocks.setdefault(row.complaint, []).append(row)
    context = request_panel_context(http_request, rights_request, now=now, calendar=calendar, clocks=clocks, case=case)
    if context["complaints_panel"] is None:
        return Panel("admin/complaints/_request_panel.html", context)
    return Panel("admin/complaints/_request_panel.html", context, timeline=complaint_timeline(rights_request))


def dashboard_panel(http_request, *, now: datetime) -> Panel:
    return Panel("admin/complaints/_dashboard.html", {"complaint_figures": dashboard_figures()})


def register_desk() -> None:
    """complaints/apps.py ready(): the complaints' clocks on rights' desk."""
    register(
        DeskTrack(
            name="complaints",
            request_ids=request_ids,
            clocks=clocks,
            statuses=statuses,
            request_panel=request_panel,
            dashboard_panel=dashboard_panel,
        )
    )

