"""What the watch shows: an app's sources and changes (`watch show`), and what the layers above read (the desk's
"policy changed" items and an open request's case-view note; rights imports these, the watch never imports
rights)."""
from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from policies.models import App, ReviewStatus

from .models import PolicySnapshot


def _moment(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _side(side: dict | None) -> dict | None:
    if side is None:
        return None
    return {key: side[key] for key in ("min", "max", "unit", "clock_start", "quote")}


def app_watch(app: App) -> dict:
    """`watch show APP --json`."""
    sources = [
        {
            "url": s.url,
            "last_checked_at": _moment(s.last_checked_at),
            "last_status": s.last_status or None,
            "last_http_status": s.last_http_status,
            "last_error": s.last_error or None,
            "consecutive_failures": s.consecutive_failures,
        }
        for s in app.watched_sources.order_by("id")
    ]
    changes = [
        {
            "version": snapshot.policy_version_id,
            "detected_at": _moment(snapshot.fetched_at),
            "state": snapshot.policy_version.status if snapshot.policy_version_id else None,
            "promise_diff": [
                {"right": e["right"], "action": e["action"], "before": _side(e["before"]), "after": _side(e["after"])}
                for e in snapshot.promise_diff
            ],
        }
        for snapshot in changes_of(app).order_by("fetched_at", "id")
    ]
    return {"sources": sources, "changes": changes}


def changes_of(app: App):
    return PolicySnapshot.objects.filter(source__app=app, is_change=True).select_related("policy_version")


def unreviewed_changes():
    """Detected changes whose policy version still awaits review: the desk's "policy changed" items."""
    return (
        PolicySnapshot.objects.filter(is_change=True, policy_version__status=ReviewStatus.DRAFT)
        .select_related("source__app", "policy_version")
        .order_by("-fetched_at", "-id")
    )


def promise_changes_since(*, app: App, right: str, since: datetime) -> list[dict]:
    """The promise changes detected for `app` and `right` after `since` (when a request reached the app), newest
    first, each {"detected_at", "action", "before", "after", "stricter"}: the case view's note "the app changed
    this promise on D: now X" (the request keeps its snapshot; when the new promise is shorter, the old one still
    binds it)."""
    notes = []
    # The case view reads only the diffs: not the pages' bytes and texts.
    changes = changes_of(app).filter(fetched_at__gt=since).defer("raw", "text", "headers", "policy_version__source_text")
    for snapshot in changes.order_by("-fetched_at", "-id"):
        for entry in snapshot.promise_diff:
            if entry["right"] == right:
                notes.append(
                    {
                        "detected_at": snapshot.fetched_at,
                        "action": entry["action"],
                        "kind": entry["kind"],
                        "before": entry["before"],
                        "after": entry["after"],
                        "stricter": entry["stricter"],
                    }
                )
    return notes
