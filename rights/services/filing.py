"""Filing a request: one transaction that creates it, writes its "file" event and, when it was sent to the app,
records "submit" through the same core as every other event (its clocks start then)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.counting import local_day as local_date
from policies.models import Action, App, Procedure, Right, work_calendar
from records.personal import sealed_personal

from ..events import EVENTS
from ..models import RightsRequest, State, TransitionLog
from .boundary import RequestError, TransitionRefused, clean_text, event_time, may_record
from .recording import apply_event


def file_request(
    *,
    app: App,
    right: str,
    requester_name: str,
    requester_contact: str = "",
    channel_used: str = "",
    app_ticket_number: str = "",
    procedure: Procedure | None = None,
    assignee=None,
    notes: str = "",
    submit: bool = True,
    at: datetime | date | None = None,
    acting_user=None,
    now: datetime | None = None,
) -> RightsRequest:
    """File a request; with `submit` (the default) it was sent to the app at `at` and its clocks start then.
    One transaction: a refused filing leaves nothing behind."""
    if not may_record("file", acting_user) or (submit and not may_record("submit", acting_user)):
        raise TransitionRefused(_("You may not file requests."))
    now = now or timezone.now()
    calendar = work_calendar()
    at = event_time(at, now, calendar=calendar)
    if right not in Right.values:
        raise RequestError(
            _("Unknown right %(right)r; expected one of %(rights)s.")
            % {"right": right, "rights": ", ".join(Right.values)}
        )
    fields = {
        "requester_name": clean_text(requester_name, label=_("Requester"), max_length=200),
        "requester_contact": clean_text(requester_contact, label=_("Requester contact"), max_length=200),
        "channel_used": clean_text(channel_used, label=_("Channel used"), max_length=300),
        "app_ticket_number": clean_text(app_ticket_number, label=_("App's ticket number"), max_length=100),
        "notes": clean_text(notes, label=_("Notes"), max_length=10_000, multiline=True),
    }
    if not fields["requester_name"]:
        raise RequestError(_("The requester's name is required."))
    if procedure is None:
        procedure = default_procedure(app=app, right=right, on=local_date(at))
    elif procedure.policy_version.app_id != app.pk:
        raise RequestError(_("The procedure belongs to another app's policy."))
    with transaction.atomic(durable=True):
        request = RightsRequest.objects.create(
            app=app, right=right, procedure=procedure, assignee=assignee, filed_at=at, created_by=acting_user, **fields
        )
        filed = TransitionLog(
            request=request, transition="file", source=State.DRAFT, target=State.DRAFT, at=at, by=acting_user,
            note=fields["notes"],
        )  # fmt: skip
        # The personal fields are chained as a digest under the case's own key (records.personal): a redaction
        # deletes the key, and the digest then confirms no guess.
        filed.details = sealed_personal(filed.case_label(), request.personal_fields())
        filed.seal()
        filed.save()
        if submit:
            apply_event(
                request, EVENTS["submit"], at=at, now=now, acting_user=acting_user, expected_state=State.DRAFT,
                values={"note": ""}, calendar=calendar,
            )  # fmt: skip
    return request


def default_procedure(*, app: App, right: str, on: date) -> Procedure | None:
    """The procedure a request of `right` follows by default: the right's own, else an "any request" one."""
    procedures = list(Procedure.objects.in_force(app, on).filter(right__in=[right, Right.ANY_REQUEST]))
    procedures.sort(key=lambda p: (p.right != right, p.action != Action.COMPLETION, p.deadline_min is None, p.pk))
    return procedures[0] if procedures else None
