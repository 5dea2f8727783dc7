"""The desk a team works at all day (issue 10): the queue on the home page, saved views of the request list,
and bulk events. Reads use rights.status's conditions, so a count on the home page is what the list it links to
shows; the tracks registered in rights.registry (complaints) add their clocks to both. Writes go through
rights.services.record_event, one request at a time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deadlines.counting import local_day
from deadlines.status import (
    clock_status,
    due_by_q,
    due_soon_horizon,
    overdue_q,
    running_q,
    statutory_breach_q,
    today_in_shanghai,
)
from policies.models import PolicyVersion, ReviewStatus, Unit, work_calendar

from .clocks import EventRecord, _row_values, replay, snapshot_promises
from .events import EVENT_ORDER, EVENTS, event_label
from .models import OPEN_STATES, Clock, RightsRequest, SavedView, local_minute
from .presenters import PageCalendar, deadline_status
from .registry import Condition, DeskClock, by_tracks_only, tracks
from .services import RequestError, TransitionRefused, clean_text, event_time, record_event
from .status import due_soon_working_days
from .tally import figures

# --------------------------------------------------------------------------------------------- the queue


@dataclass(frozen=True)
class QueueItem:
    key: str
    label: str
    count: int
    url: str
    tone: str = ""


def requests_url(query: str = "") -> str:
    base = reverse("admin:rights_rightsrequest_changelist")
    return f"{base}?{query}" if query else base


def queue(user, *, now: datetime | None = None) -> list[QueueItem]:
    """What waits for `user`: each count is the named queryset of the list filter its link applies."""
    now = now or timezone.now()
    today = today_in_shanghai(now)
    # The counts of the named filters (rights.status's request conditions), from the tally the database keeps
    # (rights.tally) on PostgreSQL: at 1,000,000 requests counting them took 2 s. Requests late or due soon only
    # by a complaint's clock are added (by_tracks_only): the list's filters show them too.
    counts = figures(now, today)
    horizon = due_soon_horizon(today, due_soon_working_days(), work_calendar())
    overdue = sum(counts.overdue().values()) + sum(by_tracks_only(Condition.OVERDUE, now=now).values())
    due_soon = counts.due_by(horizon) + sum(by_tracks_only(Condition.DUE_BY, now=now, last_day=horizon).values())
    items = [
        QueueItem("overdue", _("Overdue"), overdue, requests_url("deadline=overdue"), "overdue"),
        QueueItem("due_soon", _("Due soon"), due_soon, requests_url("deadline=soon"), "soon"),
        QueueItem(
            "mine", _("Assigned to me, open"), counts.open_assigned(user.pk),
            requests_url("assignee=me&open=open"),
        ),
        QueueItem(
            "unassigned", _("Unassigned, open"), counts.open_assigned(None),
            requests_url("assignee=none&open=open"),
        ),
    ]  # fmt: skip
    if user.has_perm("policies.view_policyversion"):
        items.append(
            QueueItem(
                "drafts", _("Imported policies awaiting review"),
                PolicyVersion.objects.filter(status=ReviewStatus.DRAFT).count(),
                f"{reverse('admin:policies_policyversion_changelist')}?status__exact={ReviewStatus.DRAFT}",
            )
        )  # fmt: skip
    return items


def desk_clocks(*, now: datetime, assignee=None) -> list[DeskClock]:
    """Every due-soon, overdue and statutory-breach clock of open requests and of the registered tracks (open
    complaints), sorted by last day: what `manage.py queue --json` prints. `assignee`: only requests assigned
    to that user. (The home reads the same clocks a page at a time: home_desk.)"""
    calendar = PageCalendar(work_calendar())
    soon = due_soon_working_days()
    horizon = due_soon_horizon(today_in_shanghai(now), soon, calendar)
    rows = request_desk_clocks(now=now, horizon=horizon, calendar=calendar, due_soon_working_days=soon, assignee=assignee)
    for track in tracks():
        rows.extend(
            row
            for row in track.clocks(now=now, horizon=horizon, calendar=calendar, due_soon_working_days=soon)
            if assignee is None or row.assignee_id == assignee.pk
        )
    return sorted(rows, key=lambda row: (row.due_at, row.request, row.complaint or 0, row.action))


def _wanted_request_clocks(*, now: datetime, horizon: date):
    """The running clocks of open requests that are due soon, overdue or past the statute."""
    wanted = overdue_q(now) | due_by_q(horizon, now) | (running_q() & statutory_breach_q(now))
    return Clock.objects.filter(wanted, request__state__in=OPEN_STATES).select_related("request__app", "request__assignee")


def _request_desk_clock(clock, *, now: datetime, calendar, due_soon_working_days: int) -> DeskClock:
    request = clock.request
    return DeskClock(
        kind="request",
        request=request.pk,
        complaint=None,
        app=request.app.name,
        action=str(clock.get_action_display()),
        due=clock.deadline,
        due_at=clock.deadline_at,
        status=clock_status(clock, now=now, calendar=calendar, due_soon_working_days=due_soon_working_days),
        assignee=request.assignee.get_username() if request.assignee else "",
        assignee_id=request.assignee_id,
        right=str(request.get_right_display()),
    )


def request_desk_clocks(*, now: datetime, horizon: date, calendar, due_soon_working_days: int, assignee=None) -> list[DeskClock]:
    """The requests' own running clocks that are due soon, overdue or past the statute, on open requests."""
    chosen = _wanted_request_clocks(now=now, horizon=horizon)
    if assignee is not None:
        chosen = chosen.filter(request__assignee=assignee)
    return [_request_desk_clock(c, now=now, calendar=calendar, due_soon_working_days=due_soon_working_days) for c in chosen]


# ------------------------------------------------------------------------------------------- the home desk

# The home's filters, in the order the tabs show them. "all" is the default: it lists mine first anyway, and a
# new case worker with nothing assigned still sees the unassigned work that waits (issue 19, item 1).
HOME_FILTERS = ("all", "mine", "unassigned")
# Whose an item is, in the order the home lists them: mine, then nobody's, then a colleague's.
WHOSE = ("mine", "unassigned", "team")
HOME_CAP = 25  # items on the home; the rest are behind "see all in the list"


@dataclass(frozen=True)
class HomeItem:
    """One case on the home: its clock that falls due first, and the case's other clocks that need someone too
    (a deletion both unanswered and not done is one item with two last days, not two rows)."""

    clock: DeskClock
    whose: str  # one of WHOSE
    also: tuple[DeskClock, ...] = ()


@dataclass(frozen=True)
class HomeDesk:
    show: str  # one of HOME_FILTERS
    items: list[HomeItem]
    more: bool  # more items than the home shows
    list_url: str  # the request list filtered the same way ("see all in the list")
    tabs: list[tuple[str, str, str]]  # (filter, label, url)


def whose(clock: DeskClock, user) -> str:
    if clock.assignee_id is None:
        return "unassigned"
    return "mine" if clock.assignee_id == user.pk else "team"


def _by_case(rows: list[DeskClock]) -> list[list[DeskClock]]:
    """The rows (in the order they fall due) grouped by case: a request with its complaints' clocks under it."""
    cases: dict[int, list[DeskClock]] = {}
    for row in rows:
        cases.setdefault(row.request, []).append(row)
    return list(cases.values())


def home_desk(user, *, now: datetime, show: str = "all", cap: int = HOME_CAP) -> HomeDesk:
    """The clocks that need someone today (overdue, past the statute, due soon) of requests and of the registered
    tracks (complaints), mine first, then unassigned, then the team's, each group by last day; at most `cap`.
    Each group's cases are read with a LIMIT (the request's projected next last day), so the home stays one page of
    rows at a million requests; the tracks' clocks are few and read whole (desk_clocks)."""
    show = show if show in HOME_FILTERS else "all"
    calendar = PageCalendar(work_calendar())
    soon = due_soon_working_days()
    horizon = due_soon_horizon(today_in_shanghai(now), soon, calendar)
    groups = {"mine": ("mine",), "unassigned": ("unassigned",)}.get(show, WHOSE)
    tracked: dict[str, list[DeskClock]] = {name: [] for name in WHOSE}
    for track in tracks():
        for row in track.clocks(now=now, horizon=horizon, calendar=calendar, due_soon_working_days=soon):
            tracked[whose(row, user)].append(row)
    # Cases first, from the request's projected columns: each group's open requests that need someone, by their next
    # last day, read with a LIMIT along the (assignee, next_due) index; then those cases' wanted clocks. Walking
    # the clocks in deadline order instead reads every earlier clock of the other groups (37,555 clocks for 26
    # unassigned items at a million requests, 0.6 s).
    needing = RightsRequest.objects.filter(state__in=OPEN_STATES).filter(
        Q(next_due__lte=horizon) | Q(breach_at__lte=now)
    ).order_by("next_due", "-filed_at", "-id")
    chosen = {
        "mine": needing.filter(assignee=user),
        "unassigned": needing.filter(assignee__isnull=True),
        "team": needing.filter(assignee__isnull=False).exclude(assignee=user),
    }
    wanted = _wanted_request_clocks(now=now, horizon=horizon)
    items: list[HomeItem] = []
    more = False
    for group in groups:
        room = cap - len(items)
        if room <= 0:
            more = more or bool(tracked[group]) or chosen[group].exists()
            continue
        ids = list(chosen[group].values_list("id", flat=True)[: room + 1])
        rows = [
            _request_desk_clock(clock, now=now, calendar=calendar, due_soon_working_days=soon)
            for clock in wanted.filter(request_id__in=ids)
        ] if ids else []  # fmt: skip
        rows = sorted(rows + tracked[group], key=lambda row: (row.due_at, row.request, row.complaint or 0, row.action))
        cases = _by_case(rows)
        more = more or len(cases) > room
        items.extend(HomeItem(first, group, tuple(others)) for first, *others in cases[:room])
    assignee = {"mine": "&assignee=me", "unassigned": "&assignee=none"}.get(show, "")
    home = reverse("admin:index")
    tabs = [(name, str(label), f"{home}?show={name}") for name, label in zip(HOME_FILTERS, (_("All"), _("Mine"), _("Unassigned")), strict=True)]
    return HomeDesk(show=show, items=items, more=more, list_url=requests_url(f"deadline=needs{assignee}"), tabs=tabs)


# ------------------------------------------------------------------------------------------ saved views

# Query parameters that are not part of a view: the page number and the admin's own bookkeeping.
_NOT_A_VIEW = {"p", "e", "_changelist_filters", "_popup", "_to_field"}


def view_query(query: str) -> str:
    """The filters, search and sorting of a list query string, without the page number."""
    pairs = [(key, value) for key, value in parse_qsl(query.lstrip("?"), keep_blank_values=True) if key not in _NOT_A_VIEW]
    return urlencode(pairs)


def visible_views(user):
    return SavedView.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner")


def save_view(*, owner, name: str, query: str, shared: bool = False) -> SavedView:
    """Save (or overwrite) the owner's view called `name`. Sharing it with the team is a change to what the team
    sees: only those who may change requests may share (an auditor keeps private views)."""
    if shared and not owner.has_perm("rights.change_rightsrequest"):
        raise PermissionDenied(_("Only staff who may change requests can share a view with the team."))
    name = clean_text(name, label=_("Name"), max_length=80)
    if not name:
        raise RequestError(_("Give the view a name."))
    query = view_query(clean_text(query, label=_("Filters and sorting")))
    if len(query) > 1000:
        raise RequestError(_("These filters are too long to save as a view."))
    try:
        with transaction.atomic():
            view, _created = SavedView.objects.update_or_create(
                owner=owner, name=name, defaults={"query": query, "shared": bool(shared)}
            )
    except IntegrityError as error:  # two saves of one name at once: the other one won
        raise RequestError(_("A view with this name was saved at the same moment; try again.")) from error
    return view


def delete_view(*, owner, pk: int) -> bool:
    """Only the owner deletes a view; returns whether one was deleted."""
    deleted, _detail = SavedView.objects.filter(owner=owner, pk=pk).delete()
    return bool(deleted)


# ------------------------------------------------------------------------------------------------ bulk

# Events that may be recorded for many requests at once: not the grave ones (they are confirmed one at a
# time), and not amend (a detail of one requester).
BULK_EVENTS = tuple(name for name in EVENT_ORDER if not EVENTS[name].grave and name != "amend")


def bulk_choices():
    return [(name, EVENTS[name].label) for name in BULK_EVENTS]


@dataclass(frozen=True)
class BulkResult:
    request: RightsRequest
    done: bool
    message: str


def record_for_each(
    requests, *, event: str, acting_user, expected_states: dict[int, str] | None = None, **kwargs
) -> list[BulkResult]:
    """Record `event` on each request, each in its own transaction (rights.services.record_event): one refused
    request does not stop the others, and each row says what happened to it."""
    if event not in BULK_EVENTS:
        spec = EVENTS.get(event)
        if spec is not None and spec.grave:
            raise TransitionRefused(
                _("“%(transition)s” is recorded one request at a time, on the request's page.") % {"transition": spec.label}
            )
        raise TransitionRefused(_("“%(transition)s” cannot be recorded for several requests.") % {"transition": event})
    expected_states = expected_states or {}
    results = []
    for obj in requests:
        try:
            moved = record_event(
                request=obj, event=event, acting_user=acting_user, expected_state=expected_states.get(obj.pk), **kwargs
            )
        except RequestError as error:
            results.append(BulkResult(obj, False, str(error)))
        else:
            results.append(
                BulkResult(moved, True, _("“%(transition)s” recorded; now “%(state)s”.") % {
                    "transition": event_label(event), "state": moved.get_state_display()})
            )  # fmt: skip
    return results


BULK_HELP = gettext_lazy("Refuse, withdraw and escalate are grave: record them one request at a time, on its page.")


# ----------------------------------------------------------------------------------------- filing preview


def filing_preview(*, app, right: str, at: datetime, now: datetime | None = None) -> dict:
    """The clocks a filing sent at `at` would start, and those that start later (identity verification), computed
    exactly as filing does (rights.clocks.snapshot_promises + replay of file and submit) on nothing saved.
    Raises RequestError (one line) for a time the services would refuse."""
    now = now or timezone.now()
    calendar = work_calendar()
    at = event_time(at, now, calendar=calendar)
    promises = snapshot_promises(app, right, local_day(at))
    started = replay(promises=promises, events=[EventRecord("file", at), EventRecord("submit", at)], calendar=calendar)
    soon = due_soon_working_days()
    clocks = []
    for state in sorted(started, key=lambda s: (s.deadline, s.promise_key)):
        clock = Clock(**_row_values(state))
        status = deadline_status(clock, now=now, calendar=calendar, due_soon_working_days=soon)
        clocks.append({
            "action": str(clock.get_action_display()),
            "promise": clock.promise_display(),
            "statutory": clock.is_statutory,
            "exceeds_cap": clock.exceeds_cap,
            "starts": local_minute(clock.started_at),
            "expected_by": f"{clock.due:%Y-%m-%d}" if clock.due != clock.final_due else "",
            "last_day": f"{clock.final_due:%Y-%m-%d}",
            "statutory_last_day": f"{clock.statutory_due:%Y-%m-%d}" if clock.statutory_due else "",
            "status": status.text,
            "tone": status.tone,
            "provisional": clock.provisional,
            "quote": clock.quote,
        })  # fmt: skip
    started_keys = {s.promise_key for s in started}
    later = []
    for promise in promises:
        if promise["key"] in started_keys:
            continue
        amount = promise["amount_min"] if promise["amount_min"] == promise["amount_max"] else f"{promise['amount_min']}–{promise['amount_max']}"
        clock = Clock(action=promise["action"], clock_start=promise["clock_start"])
        later.append({
            "action": str(clock.get_action_display()),
            "promise": f"{amount} {Unit(promise['unit']).label}",
            "starts": str(clock.get_clock_start_display()),
            "statutory": promise["is_statutory"],
        })  # fmt: skip
    return {"sent_at": local_minute(at), "clocks": clocks, "later": later}
