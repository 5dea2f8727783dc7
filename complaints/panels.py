"""What the rights admin shows of complaints: the request page's "Complain" panel (each complaint with its clocks'
last days and status) and the dashboard figures. complaints.desk registers them into rights.registry; rights
renders whatever is registered and imports nothing from here.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from deadlines.counting import SHANGHAI
from policies.models import work_calendar
from rights.models import RightsRequest
from rights.registry import TimelineEntry

from .admissibility import CaseFacts, check_admissibility
from .models import Channel, Complaint, ComplaintLog
from .services import event_label


def case_facts(rights_request: RightsRequest, *, calendar=None, case: dict | None = None) -> CaseFacts:
    """One reading of the case per request page: kept in the page's `case` (rights.registry) for every panel that
    reads it (the complaints' admissibility, the correspondence letter)."""
    if case is None:
        return CaseFacts(rights_request, calendar)
    if "facts" not in case:
        facts = CaseFacts(rights_request, calendar)
        # What the page has read already is not read again (CaseFacts' cached readings, same rows and order).
        if "log" in case:
            facts.__dict__["log"] = case["log"]
        if "clocks" in case:
            facts.__dict__["stored_clocks"] = case["clocks"]
        case["facts"] = facts
    return case["facts"]


def channel_name(channel: Channel) -> str:
    """A channel in the reader's language (its English name where it has one)."""
    english = not get_language().startswith("zh")
    return channel.name_en if english and channel.name_en else channel.name


def complaint_timeline(rights_request: RightsRequest) -> tuple[TimelineEntry, ...]:
    """The request's complaints' events for the request page's timeline (one query)."""
    entries = ComplaintLog.objects.filter(complaint__request=rights_request).select_related("by", "complaint__channel")
    rows = []
    for entry in entries.order_by("at", "id"):
        reference = (entry.details or {}).get("reference", "")
        rows.append(
            TimelineEntry(
                at=entry.at,
                kind="complaint",
                label=f"{channel_name(entry.complaint.channel)} · {event_label(entry.event)}",
                code=entry.event,
                by=(entry.by.get_full_name() or entry.by.get_username()) if entry.by else "",
                change=f"{entry.get_source_display()} → {entry.get_target_display()}" if entry.source and entry.source != entry.target else "",
                reason=entry.note if entry.event == "not_admit" else "",
                note="" if entry.event == "not_admit" else entry.note,
                detail=f"{_('reference')}: {reference}" if reference else "",
                url=reverse("admin:complaints_complaint_change", args=[entry.complaint_id]),
            )
        )
    return tuple(rows)


def channel_states(rights_request: RightsRequest, *, on=None, calendar=None, facts=None) -> list[dict]:
    on = on or timezone.now().astimezone(SHANGHAI).date()
    calendar = calendar or work_calendar()
    facts = facts or CaseFacts(rights_request)
    rows = []
    for channel in Channel.objects.all():
        result = check_admissibility(request=rights_request, channel=channel, on=on, calendar=calendar, facts=facts)
        rows.append({
            "channel": channel,
            "ok": result.ok,
            "from_day": result.from_day,
            "reasons": [check.message for check in result.failed],
            "new_url": reverse("admin:complaints_complaint_new") + "?" + urlencode({"request": rights_request.pk, "channel": channel.code}),
        })
    return rows


def request_panel_context(
    http_request, rights_request: RightsRequest, *, now=None, calendar=None, clocks=None, case: dict | None = None
) -> dict:
    """The "Complain" panel; `clocks`: each complaint's clocks in words by complaint id (complaints.desk); `case`:
    the page's shared reading of the case (case_facts)."""
    user = http_request.user
    can_view = user.has_perm("complaints.view_complaint")
    if not can_view:
        return {"complaints_panel": None}
    now = now or timezone.now()
    calendar = calendar or work_calendar()
    clocks = clocks or {}
    complaints = list(Complaint.objects.filter(request=rights_request).select_related("channel").order_by("-drafted_at", "-id"))
    return {
        "complaints_panel": {
            "request": rights_request,
            "channels": channel_states(
                rights_request, on=now.astimezone(SHANGHAI).date(), calendar=calendar,
                facts=case_facts(rights_request, calendar=calendar, case=case),
            ),
            "complaints": [
                {"complaint": c, "url": reverse("admin:complaints_complaint_change", args=[c.pk]), "clocks": clocks.get(c.pk, [])}
                for c in complaints
            ],
            "can_draft": user.has_perm("complaints.add_complaint"),
            "casefile_url": reverse("admin:complaints_casefile", args=[rights_request.pk]),
            "casefile_pdf_url": reverse("admin:complaints_casefile_pdf", args=[rights_request.pk]),
            "casefile_zip_url": reverse("admin:complaints_casefile_zip", args=[rights_request.pk]),
            "reminder_url": reverse("admin:complaints_document", args=[rights_request.pk, "reminder"]),
            "power_of_attorney_url": reverse("admin:complaints_document", args=[rights_request.pk, "power_of_attorney"]),
            "details_url": reverse("admin:complaints_details", args=[rights_request.pk]),
        }
    }


def dashboard_figures() -> dict:
    """Complaints lodged and answered, per app and per channel (two queries); the dashboard includes
    "admin/complaints/_dashboard.html" with this as `complaint_figures`."""
    counts = {"lodged": Count("id", filter=Q(lodged_at__isnull=False)), "answered": Count("id", filter=Q(answered_at__isnull=False))}
    per_app = list(Complaint.objects.values("request__app__name").annotate(**counts).order_by("request__app__name"))
    per_channel = list(Complaint.objects.values("channel_id", "channel__code", "channel__name", "channel__name_en").annotate(**counts).order_by("channel__code"))
    return {
        "per_app": [{"app": r["request__app__name"], "lodged": r["lodged"], "answered": r["answered"]} for r in per_app if r["lodged"]],
        "per_channel": [{"code": r["channel__code"], "channel_id": r["channel_id"], "channel": Channel(name=r["channel__name"], name_en=r["channel__name_en"]).display_name, "lodged": r["lodged"], "answered": r["answered"]}
                        for r in per_channel if r["lodged"]],
        "list_url": reverse("admin:complaints_complaint_changelist"),
    }
