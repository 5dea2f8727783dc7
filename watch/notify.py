"""The watch's mail: a digest when an app's promises change, and an alert when a source keeps failing.

Both go out after the commit that recorded them (transaction.on_commit), in the desk's language
(settings.LANGUAGE_CODE), to settings.TEAM_EMAIL; a promise digest also goes (Bcc) to the addresses the layers
above register (watch.registry: the assignees of the app's open requests).
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policies.models import Action, ClockStart, Right, Unit

from .models import PolicySnapshot, WatchedSource
from .registry import recipients_for

logger = logging.getLogger(__name__)


def review_url(version_id: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("admin:policies_policyversion_review", args=[version_id])


def _promise(side: dict | None) -> str:
    if side is None:
        return _("(none)")
    if side["min"] is None:
        return _("no promised deadline")
    amount = str(side["min"]) if side["min"] == side["max"] else f"{side['min']}–{side['max']}"
    return _("%(amount)s %(unit)s, from: %(clock)s") % {
        "amount": amount,
        "unit": Unit(side["unit"]).label,
        "clock": ClockStart(side["clock_start"]).label,
    }


def digest_text(snapshot: PolicySnapshot) -> tuple[str, str]:
    """(subject, body) of the promise-change digest, in the active language."""
    app = snapshot.source.app
    count = len(snapshot.promise_diff)
    subject = ngettext(
        "%(app)s changed %(count)s promise in its privacy policy",
        "%(app)s changed %(count)s promises in its privacy policy",
        count,
    ) % {"app": app.name, "count": count}
    lines = [
        _("The policy watch fetched %(url)s on %(when)s and read new promises.")
        % {"url": snapshot.source.url, "when": timezone.localtime(snapshot.fetched_at).strftime("%Y-%m-%d %H:%M")},
        "",
    ]
    for entry in snapshot.promise_diff:
        lines.append(f"{app.name} · {Right(entry['right']).label} · {Action(entry['action']).label}")
        lines.append("  " + _("Before: %(promise)s") % {"promise": _promise(entry["before"])})
        if entry["before"]:
            lines.append(f"    「{entry['before']['quote']}」")
        lines.append("  " + _("After: %(promise)s") % {"promise": _promise(entry["after"])})
        if entry["after"]:
            lines.append(f"    「{entry['after']['quote']}」")
        lines.append("")
    if snapshot.policy_version_id:
        lines.append(_("Review the new version: %(url)s") % {"url": review_url(snapshot.policy_version_id)})
    return subject, "\n".join(lines)


def send_promise_digest(snapshot_id: int) -> None:
    snapshot = PolicySnapshot.objects.select_related("source__app").get(pk=snapshot_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = digest_text(snapshot)
    bcc = [a for a in recipients_for(snapshot.source.app) if a != settings.TEAM_EMAIL]
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [settings.TEAM_EMAIL], bcc=bcc).send()


def send_failure_alert(source_id: int) -> None:
    source = WatchedSource.objects.select_related("app").get(pk=source_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Policy watch: %(url)s failed %(count)s times in a row") % {
            "url": source.url,
            "count": source.consecutive_failures,
        }
        body = _("%(app)s: the watched page %(url)s could not be read %(count)s times in a row. Last error: %(error)s") % {
            "app": source.app.name,
            "url": source.url,
            "count": source.consecutive_failures,
            "error": source.last_error,
        }
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [settings.TEAM_EMAIL]).send()


def safely(send, object_id: int) -> None:
    """Mail failure must not undo a recorded check: the check is the record; the log keeps the error."""
    try:
        send(object_id)
    except Exception:
        logger.exception("policy watch mail %s(%s) failed", send.__name__, object_id)
