"""The request page's "Correspondence" panel (rights.registry: a track with no clocks of its own, only a panel): the
letter as it would go out, the button that sends it, and the request's mail with the event each reply probably is.
The button posts to LetterAdmin's send view, which calls the same service as `requests send`."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from complaints.events import EVENTS_BY_NAME as COMPLAINT_EVENTS
from complaints.events import ComplaintState
from complaints.models import Addressee, Complaint, ComplaintLog
from complaints.panels import case_facts
from complaints.services import event_label as complaint_event_label
from rights.events import event_label
from rights.models import RightsRequest, local_date
from rights.registry import DeskTrack, Panel, TimelineEntry, register
from rights.services import may, may_record

from .confirming import offered
from .letters import LetterError, draft_letter
from .models import LetterKind, MailKind
from .timeline import mail_rows


def _event_label(row) -> str:
    if not row.get("proposed_event"):
        return ""
    return complaint_event_label(row["proposed_event"]) if row.get("complaint") else event_label(row["proposed_event"])


def _confirmable(rights_request: RightsRequest, rows, user) -> dict[int, str]:
    """{message pk: the state the person saw} for each reply whose proposed event the button may record now. The
    case's history notes are read only when a reply proposes something (a confirmed one is named in a note)."""
    pending = [item for row, item in rows if row["direction"] == "in" and item.proposed_event and item.request_id]
    if not pending:
        return {}
    notes = list(rights_request.log.values_list("note", flat=True))
    complaints = {item.complaint_id for item in pending if item.complaint_id}
    if complaints:
        notes += ComplaintLog.objects.filter(complaint__in=complaints).values_list("note", flat=True)
    return {
        item.pk: (item.complaint.state if item.complaint_id else rights_request.state)
        for item in pending
        if offered(item, user, notes=notes)
    }


def _complaints_to_send(rights_request: RightsRequest, user) -> list[Complaint]:
    """The drafted complaints to the app itself, which go by e-mail (`complaints send`)."""
    if not may(user, COMPLAINT_EVENTS["lodge"].permission):
        return []
    return list(
        Complaint.objects.filter(
            request=rights_request, state=ComplaintState.DRAFTED, channel__kind=Addressee.APP
        ).order_by("drafted_at", "pk")
    )


def mail_timeline(rows: list[dict]) -> tuple[TimelineEntry, ...]:
    """The request's mail for the request page's timeline: letters sent, mail received (the panel's rows)."""
    entries = []
    for row in rows:
        out = row["direction"] == "out"
        note = "" if out or not row.get("proposed_event") else _("probably: %(event)s") % {"event": row["proposed_event"]}
        if out and not row.get("delivered", True):
            note = _("Not delivered: ask the requester for another channel.")
        entries.append(
            TimelineEntry(
                at=datetime.fromisoformat(row["at"]),
                kind="mail",
                code=row["direction"],
                label=(_("Sent: %(kind)s") if out else _("Received: %(kind)s")) % {"kind": row["kind"]},
                by=row["from"],
                detail=row["subject"],
                note=note,
            )
        )
    return tuple(entries)


def request_panel(http_request, rights_request: RightsRequest, *, now, calendar, due_soon_working_days, case=None) -> Panel:
    follow_up = rights_request.state != "draft"
    draft, refusal, channels = None, "", ()
    chinese = get_language().startswith("zh")
    # The letter is drafted (a reading of the whole case) only when there is one to send: the request letter of a
    # request not yet sent, or a follow-up once a promise is overdue (the request's projected columns say so, no
    # query); otherwise the case page keeps its statement budget (tests/rights/test_scale.py).
    overdue = rights_request.next_due_at is not None and rights_request.next_due_at <= now
    if not rights_request.is_closed and (not follow_up or overdue):
        try:
            draft = draft_letter(
                rights_request, on=local_date(now), follow_up=follow_up,
                facts=case_facts(rights_request, calendar=calendar, case=case),
            )  # fmt: skip
        except LetterError as error:
            refusal, channels = str(error), error.channels
    rows = mail_rows(rights_request)
    confirmable = _confirmable(rights_request, rows, http_request.user)
    page_rows = [
        # Codes for `requests show --json`, words for the page.
        row
        | {
            "kind": (LetterKind if row["direction"] == "out" else MailKind)(row["kind"]).label,
            "proposed_event": _event_label(row),
            "confirm_url": reverse("admin:correspondence_inboundmail_confirm", args=[item.pk])
            if item.pk in confirmable and row["direction"] == "in"
            else "",
            "expected_state": confirmable.get(item.pk, "") if row["direction"] == "in" else "",
            "mail_url": reverse("admin:correspondence_inboundmail_change", args=[item.pk])
            if row["direction"] == "in"
            else "",
        }
        for row, item in rows
    ]
    return Panel(
        "admin/correspondence/request_panel.html",
        {
            "mail_rows": page_rows,
            "mail_complaints": [
                (complaint, reverse("admin:correspondence_complaint_send", args=[complaint.pk]))
                for complaint in _complaints_to_send(rights_request, http_request.user)
            ],
            "mail_draft": draft,
            # The page's language: the letter that is sent (Chinese, with its subject), or its English reading copy.
            "mail_text": (draft.body if chinese else draft.reading_copy) if draft else "",
            "mail_subject": draft.subject if draft and chinese else "",
            "mail_refusal": refusal,
            # No e-mail address: the channels to use instead, with the evidence to keep (the template's checklist).
            "mail_channels": channels,
            "mail_follow_up": follow_up,
            "mail_can_send": draft is not None and may_record("submit", http_request.user),
            "mail_send_url": reverse("admin:correspondence_letter_send", args=[rights_request.pk]),
        },
        timeline=mail_timeline(page_rows),
    )


def register_panel() -> None:
    register(
        DeskTrack(
            name="correspondence",
            request_ids=lambda condition, *, now, last_day=None: (),
            clocks=lambda **kwargs: (),
            statuses=lambda request_ids, **kwargs: {},
            request_panel=request_panel,
        )
    )
