"""What the rights admin shows of complaints: the request page's "Complain" panel (each complaint with its clocks'
last days and status) and the dashboard figures. complaints.desk registers them into rights.registry; rights
renders whatever is registered and imports nothing from here.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from deadlines.counting import SHANGHAI
from policies.models import work_calendar
from rights.models import RightsRequest

from .admissibility import CaseFacts, check_admissibility
from .models import Channel, Complaint


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


def request_panel_context(http_request, rights_request: RightsRequest, *, now=None, calendar=None, clocks=None) -> dict:
    """The "Complain" panel; `clocks`: each complaint's clocks in words by complaint id (complaints.desk)."""
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
            "channels": channel_states(rights_request, on=now.astimezone(SHANGHAI).date(), calendar=calendar),
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
