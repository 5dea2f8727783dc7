"""The desk a team works at all day (issue 10): the queue on the home page, saved views of the request list,
and bulk events. Reads use the named querysets (rights.querysets) so a count on the home page is what the list
it links to shows; writes go through rights.services.record_event, one request at a time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode

from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .events import EVENT_ORDER, EVENTS, event_label
from .models import RightsRequest, SavedView, local_minute
from .services import RequestError, TransitionRefused, clean_text, record_event

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
    from policies.models import work_calendar

    from deadlines.status import due_soon_horizon, today_in_shanghai

    from .status import due_soon_working_days
    from .tally import figures

    now = now or timezone.now()
    today = today_in_shanghai(now)
    # The counts of the named filters (rights.status's request conditions), from the tally the database keeps
    # (rights.tally) on PostgreSQL: at 1,000,000 requests counting them took 2 s.
    counts = figures(now, today)
    horizon = due_soon_horizon(today, due_soon_working_days(), work_calendar())
    items = [
        QueueItem("overdue", _("Overdue"), sum(counts.overdue().values()), requests_url("deadline=overdue"), "overdue"),
        QueueItem("due_soon", _("Due soon"), counts.due_by(horizon), requests_url("deadline=soon"), "soon"),
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
        from policies.models import PolicyVersion, ReviewStatus

        items.append(
            QueueItem(
                "drafts", _("Imported policies awaiting review"),
                PolicyVersion.objects.filter(status=ReviewStatus.DRAFT).count(),
                f"{reverse('admin:policies_policyversion_changelist')}?status__exact={ReviewStatus.DRAFT}",
            )
        )  # fmt: skip
    items.extend(extension_items(user, now=now))
    return items


def extension_items(user, *, now: datetime) -> list[QueueItem]:
    """Items other apps add to the queue. The complaints app (built on another branch), when installed, offers
    `complaints.desk.queue_items(user, now=...)` returning QueueItems (e.g. complaints whose regulator clock
    runs); without it the queue shows nothing more."""
    if not apps.is_installed("complaints"):
        return []
    try:
        from complaints.desk import queue_items  # type: ignore[import-not-found]
    except ImportError:
        return []
    return list(queue_items(user, now=now))


# ------------------------------------------------------------------------------------------ saved views

# Query parameters that are not part of a view: the page number and the admin's own bookkeeping.
_NOT_A_VIEW = {"p", "e", "_changelist_filters", "_popup", "_to_field"}


def view_query(query: str) -> str:
    """The filters, search and sorting of a list query string, without the page number."""
    pairs = [(key, value) for key, value in parse_qsl(query.lstrip("?"), keep_blank_values=True) if key not in _NOT_A_VIEW]
    return urlencode(pairs)


def visible_views(user):
    from django.db.models import Q

    return SavedView.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner")


def save_view(*, owner, name: str, query: str, shared: bool = False) -> SavedView:
    """Save (or overwrite) the owner's view called `name`."""
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
    from deadlines.counting import local_day
    from deadlines.replay import EventRecord
    from policies.models import Unit, work_calendar

    from .clocks import _row_values, replay, snapshot_promises
    from .models import Clock
    from .presenters import deadline_status
    from .services import event_time
    from .status import due_soon_working_days

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
