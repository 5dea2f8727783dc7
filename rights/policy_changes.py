"""What the policy watch (watch/, one layer below) means for the request track: who is told when an app changes a
promise, the home desk's "policy changed" items, and an open request's note that its app changed a promise after
the request reached it.

A request keeps the promises in force when it reached the app (RightsRequest.promises and its clocks are never
rewritten); these only say what changed since. rights.apps registers open_request_assignee_emails in
watch.registry, so the watch's digest reaches the people handling the app's open requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.importer.compare import PromiseRow
from policies.models import Action, App, ReviewStatus, Right
from watch.queries import promise_changes_since, unreviewed_changes

from .models import OPEN_STATES, RightsRequest

# The home lists this many changes, newest first; the rest are behind the drafts' list.
DESK_CHANGES_SHOWN = 10


def open_request_assignee_emails(app: App) -> list[str]:
    """The addresses of the active people assigned to `app`'s open requests: they get the watch's digest (Bcc)."""
    return list(
        RightsRequest.objects.filter(app=app, state__in=OPEN_STATES, assignee__is_active=True)
        .exclude(assignee__email="")
        .order_by("assignee__email")
        .values_list("assignee__email", flat=True)
        .distinct()
    )


def promise_text(side: dict | None) -> str:
    """One side of a promise diff entry, worded as the import review words a promise ("30 working days, from:
    receipt of the request")."""
    if side is None:
        return _("(none)")
    deadline = (side["min"], side["max"], side["unit"]) if side["min"] is not None else None
    return PromiseRow(
        right="", action="", deadline=deadline, clock_start=side["clock_start"], hedge=side.get("hedge") or "",
        channels=frozenset(), quote=side.get("quote") or "",
    ).promise_display()  # fmt: skip


# ------------------------------------------------------------------------------------- the home desk


@dataclass(frozen=True)
class ChangedPromise:
    right: str
    action: str
    kind: str  # "added", "removed", "changed"
    before: str
    after: str


@dataclass(frozen=True)
class PolicyChange:
    """A detected policy change whose new version awaits review: one item of the home's "Policy changed"."""

    version: int
    app: str
    detected_on: date
    url: str
    promises: list[ChangedPromise]  # empty: the text changed and every promise stands


def policy_changes(user) -> tuple[list[PolicyChange], bool]:
    """The newest changes awaiting review (watch.queries.unreviewed_changes, one query), and whether there are
    more than are shown. Reviewers are linked to the review, others to the version's read-only page."""
    if not user.has_perm("policies.view_policyversion"):
        return [], False
    snapshots = list(
        unreviewed_changes().defer("raw", "text", "headers", "policy_version__source_text")[: DESK_CHANGES_SHOWN + 1]
    )
    page = (
        "admin:policies_policyversion_review"
        if user.has_perm("policies.change_policyversion")
        else "admin:policies_policyversion_change"
    )
    items = [
        PolicyChange(
            version=snapshot.policy_version_id,
            app=snapshot.source.app.name,
            detected_on=timezone.localdate(snapshot.fetched_at),
            url=reverse(page, args=[snapshot.policy_version_id]),
            promises=[
                ChangedPromise(
                    right=Right(entry["right"]).label,
                    action=Action(entry["action"]).label,
                    kind=entry["kind"],
                    before=promise_text(entry["before"]),
                    after=promise_text(entry["after"]),
                )
                for entry in snapshot.promise_diff
            ],
        )
        for snapshot in snapshots[:DESK_CHANGES_SHOWN]
    ]
    return items, len(snapshots) > DESK_CHANGES_SHOWN


def drafts_url() -> str:
    return f"{reverse('admin:policies_policyversion_changelist')}?status__exact={ReviewStatus.DRAFT}"


# -------------------------------------------------------------------------------------- the case view


@dataclass(frozen=True)
class PromiseChangedNote:
    """One line of an open request's note "the app changed this promise on D: now X", for one action of its right."""

    action: str
    kind: str  # "added", "removed", "changed"
    detected_on: date
    now: str  # the new promise ("" when the app dropped it)
    channels: str  # the new channels, when only they changed ("" otherwise)
    shorter: bool  # the new deadline is shorter: the old one still binds this request


def reached_app_at(request: RightsRequest) -> datetime:
    """When the request reached the app (the page's "Sent at"): its promises are those in force then."""
    return request.submitted_at or request.filed_at


def promise_changed_notes(request: RightsRequest) -> list[PromiseChangedNote]:
    """The promise changes the watch detected for the request's app and right after it reached the app, newest
    first; none for a closed request (nothing more is expected of the app). At most one query."""
    if request.state not in OPEN_STATES:
        return []
    notes = []
    for change in promise_changes_since(app=request.app, right=request.right, since=reached_app_at(request)):
        now = promise_text(change["after"]) if change["after"] else ""
        channels = ""
        if change["kind"] == "changed" and now == promise_text(change["before"]):
            # The deadline, its start and its wording stand: what changed is where the request is sent.
            channels = "、".join(c["value"] for c in change["after"].get("channels") or []) or _("(none)")
        notes.append(
            PromiseChangedNote(
                action=Action(change["action"]).label,
                kind=change["kind"],
                detected_on=timezone.localdate(change["detected_at"]),
                now=now,
                channels=channels,
                shorter=bool(change["stricter"]),
            )
        )
    return notes
