"""The request page's "Correspondence" panel (rights.registry: a track with no clocks of its own, only a panel): the
letter as it would go out, the button that sends it, and the request's mail with the event each reply probably is.
The button posts to LetterAdmin's send view, which calls the same service as `requests send`."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language

from rights.events import event_label
from rights.models import RightsRequest, local_date
from rights.registry import DeskTrack, Panel, register
from rights.services import may_record

from .letters import LetterError, draft_letter
from .models import LetterKind, MailKind
from .timeline import mail_of


def request_panel(http_request, rights_request: RightsRequest, *, now, calendar, due_soon_working_days) -> Panel:
    follow_up = rights_request.state != "draft"
    draft, refusal = None, ""
    chinese = get_language().startswith("zh")
    # The letter is drafted (a reading of the whole case) only when there is one to send: the request letter of a
    # request not yet sent, or a follow-up once a promise is overdue (the request's projected columns say so, no
    # query); otherwise the case page keeps its statement budget (tests/rights/test_scale.py).
    overdue = rights_request.next_due_at is not None and rights_request.next_due_at <= now
    if not rights_request.is_closed and (not follow_up or overdue):
        try:
            draft = draft_letter(rights_request, on=local_date(now), follow_up=follow_up)
        except LetterError as error:
            refusal = str(error)
    return Panel(
        "admin/correspondence/request_panel.html",
        {
            "mail_rows": [
                # Codes for `requests show --json`, words for the page.
                row
                | {
                    "kind": (LetterKind if row["direction"] == "out" else MailKind)(row["kind"]).label,
                    "proposed_event": event_label(row["proposed_event"]) if row.get("proposed_event") else "",
                }
                for row in mail_of(rights_request)
            ],
            "mail_draft": draft,
            # The page's language: the letter that is sent (Chinese, with its subject), or its English reading copy.
            "mail_text": (draft.body if chinese else draft.reading_copy) if draft else "",
            "mail_subject": draft.subject if draft and chinese else "",
            "mail_refusal": refusal,
            "mail_follow_up": follow_up,
            "mail_can_send": draft is not None and may_record("submit", http_request.user),
            "mail_send_url": reverse("admin:correspondence_letter_send", args=[rights_request.pk]),
        },
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
