"""Complaint operations: keyword-only, `acting_user` (None: the system or the command line), `now=None`.

One write path: `record_complaint_event` records any event of complaints.events.EVENTS (drafting and lodging
use the same core), inside one `transaction.atomic(durable=True)`: permission, row lock, the state the person
saw, the time checks, one history row with its evidence, then the clocks. Nothing is written on refusal.

Lodging with a regulator also records the request's escalation, in the lodging's transaction
(rights.services.record_event_within, the request locked first): neither is recorded without the other. An
escalation the request refuses (its state, the person's permission, an earlier time) does not undo the complaint:
the refusal is recorded in the complaint's history and said to the person.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from config.text import clean_text
from deadlines.counting import local_day as local_date
from policies.models import work_calendar
from policies.services import audit
from records.chain import file_digest
from records.personal import seal_values
from rights.models import RightsRequest, TransitionLog, local_minute
from rights.services import RequestError, check_evidence, event_time, may, record_event_within

from .admissibility import check_admissibility
from .clocks import after_event
from .events import EVENTS_BY_NAME, INPUT_LABELS, ComplaintState
from .models import Channel, Complaint, ComplaintEvidence, ComplaintLog, DraftTemplate, RequesterDetails


class ComplaintError(Exception):
    """A complaint operation that cannot be done; the message is one line for the person who asked."""


class EventRefused(ComplaintError):
    pass


class EventConflict(ComplaintError):
    """Someone else moved the complaint first."""


def event_label(name: str) -> str:
    event = EVENTS_BY_NAME.get(name)
    return str(event.label) if event else name


# The boundary is the request track's (rights.services.boundary): the same text rule, event time, permission and
# evidence check, raised here as complaint errors so the admin and the command show them as one line.


def _text(value, name: str, *, max_length: int, multiline: bool = False) -> str:
    return clean_text(value, label=capfirst(INPUT_LABELS[name]), max_length=max_length, multiline=multiline, error=ComplaintError)


def _event_time(at, now: datetime) -> datetime:
    return event_time(at, now, calendar=work_calendar(), error=ComplaintError)


@dataclass
class Inputs:
    note: str = ""
    reason: str = ""
    reference: str = ""
    satisfied: bool | None = None


def _inputs(event, *, note, reason, reference, satisfied) -> Inputs:
    inputs = Inputs(
        note=_text(note, "note", max_length=20_000, multiline=True),
        reason=_text(reason, "reason", max_length=20_000, multiline=True),
        reference=_text(reference, "reference", max_length=100),
        satisfied=satisfied if "satisfied" in event.optional else None,
    )
    for name in event.inputs:
        if not getattr(inputs, name):
            raise EventRefused(_("“%(event)s” needs the %(input)s.") % {"event": event_label(event.name), "input": INPUT_LABELS[name]})
    return inputs


def _check_time(complaint: Complaint, event: str, at: datetime, now: datetime) -> None:
    """The request track's event-time check against the complaint's own history; and no complaint predates its
    request."""
    request = complaint.request
    if at < request.filed_at:
        raise EventRefused(_("An event of a complaint cannot be dated before its request was filed (%(filed)s).") % {
            "filed": local_minute(request.filed_at)})
    previous = complaint.log.order_by("-at", "-id").values_list("at", flat=True).first() if complaint.pk else None
    event_time(at, now, calendar=work_calendar(), previous=previous, event=event_label(event), case=_("complaint"), error=EventRefused)


def safe_file_name(name: str) -> str:
    """Only the last part of an uploaded name, in word characters: "../../etc/x" is a file called x."""
    return re.sub(r"[^\w.\-]", "_", name.replace("\\", "/").rsplit("/", 1)[-1]).lstrip(".")[:100] or "file"


def _evidence(files, *, complaint, entry, acting_user) -> None:
    """Files checked at the boundary (check_evidence: the size limit and the type by content), stored with the
    SHA-256 their history row chained (`files`: pairs of file and digest, from _digests)."""
    for item, digest in files:
        name = clean_text(getattr(item, "name", "") or "evidence", label=capfirst(_("file name")), max_length=200, error=EventRefused)
        stored = ComplaintEvidence(complaint=complaint, log_entry=entry, description=name, original_name=name, sha256=digest, uploaded_by=acting_user)
        stored.file.save(safe_file_name(name), item, save=False)
        stored.save()


def _append(complaint: Complaint, *, files=(), **fields) -> ComplaintLog:
    """Write one history row, sealed into the complaint's hash chain (records.chain) under the locks the caller
    holds (the request's row, and the complaint's): the only place complaint history is written."""
    entry = ComplaintLog(complaint=complaint, **fields)
    entry.seal(files=[digest for _, digest in files])
    entry.save()
    return entry


def _record(complaint: Complaint, name: str, *, at: datetime, now: datetime, acting_user, inputs: Inputs,
            expected_state: str | None, evidence=(), details: dict | None = None) -> Complaint:
    """The core of every event, inside the caller's durable transaction; `complaint` is locked."""
    event = EVENTS_BY_NAME[name]
    if expected_state and complaint.state != expected_state:
        raise EventConflict(_("Complaint #%(id)s was changed by someone else: it is now “%(state)s”. Reload and try again.") % {
            "id": complaint.pk, "state": complaint.get_state_display()})
    if complaint.state not in event.sources or (event.regulator_only and not complaint.channel.is_regulator):
        raise EventRefused(_("Cannot record “%(event)s” for complaint #%(id)s while it is “%(state)s”. Allowed now: %(allowed)s.") % {
            "event": event_label(name), "id": complaint.pk, "state": complaint.get_state_display(),
            "allowed": ", ".join(event_label(n) for n in allowed_events(complaint)) or _("none")})
    _check_time(complaint, name, at, now)
    source = complaint.state
    if event.target:
        getattr(complaint, name)()
    if name == "lodge":
        complaint.lodged_at = at
        complaint.reference = inputs.reference or complaint.reference
    elif name == "admit" and inputs.reference:
        complaint.reference = inputs.reference
    elif name == "answer":
        complaint.answered_at, complaint.satisfied = at, inputs.satisfied
    elif name in ("close", "withdraw", "not_admit"):
        complaint.closed_at = at
    complaint.save()
    files = [(item, file_digest(item)) for item in evidence]
    entry = _append(
        complaint, files=files, event=name, source=source, target=complaint.state, at=at, by=acting_user,
        note=inputs.reason or inputs.note,
        details={k: v for k, v in {"reference": inputs.reference, "satisfied": inputs.satisfied, **(details or {})}.items() if v not in ("", None)},
    )
    _evidence(files, complaint=complaint, entry=entry, acting_user=acting_user)
    after_event(complaint, name, at)
    return complaint


def allowed_events(complaint: Complaint, user=None) -> list[str]:
    """The events this user may record now, in the table's order (the admin's buttons, `complaints move`)."""
    from .events import OFFERED_EVENTS

    return [
        n for n in OFFERED_EVENTS
        if complaint.state in EVENTS_BY_NAME[n].sources and may(user, EVENTS_BY_NAME[n].permission)
        and (complaint.channel.is_regulator or not EVENTS_BY_NAME[n].regulator_only)
    ]


def record_complaint_event(*, complaint: Complaint, event: str, acting_user=None, at=None, now=None, expected_state=None,
                           note: str = "", reason: str = "", reference: str = "", satisfied: bool | None = None,
                           evidence=()) -> Complaint:
    """Record one event of a complaint (any row of the events table but "draft", which creates one)."""
    spec = EVENTS_BY_NAME.get(event)
    if spec is None or not spec.sources:
        raise EventRefused(_("Unknown complaint event “%(name)s”; expected one of %(names)s.") % {
            "name": event, "names": ", ".join(n for n, e in EVENTS_BY_NAME.items() if e.offered and e.sources)})
    if not may(acting_user, spec.permission):
        raise EventRefused(_("You may not record “%(event)s” on complaints.") % {"event": event_label(event)})
    now = now or timezone.now()
    at = _event_time(at, now)
    inputs = _inputs(spec, note=note, reason=reason, reference=reference, satisfied=satisfied)
    evidence = check_evidence(evidence, error=EventRefused)
    try:
        with transaction.atomic(durable=True):
            # One lock order for every writer, so two never wait on each other: the request first (as every request
            # event locks it; lodging escalates it), then the complaint's own row.
            locked_request = RightsRequest.objects.locked_for_write().get(pk=complaint.request_id)
            locked = (
                Complaint.objects.select_for_update(of=("self",)).select_related("request__app", "channel").get(pk=complaint.pk)
            )
            if event == "lodge":
                _check_time(locked, event, at, now)  # the time checks first: their message is the one that helps
                _check_admissible(locked.request, locked.channel, at)
            locked = _record(locked, event, at=at, now=now, acting_user=acting_user, inputs=inputs,
                             expected_state=expected_state or complaint.state, evidence=evidence)
            if event == "lodge":
                escalate_within(locked, locked_request, acting_user=acting_user, at=at, now=now)
                locked.request = locked_request  # the caller reads the request as the escalation left it
    except ConcurrentTransition as error:
        raise EventConflict(_("Complaint #%(id)s was changed by someone else while you worked on it. Reload and try again.") % {"id": complaint.pk}) from error
    except TransitionNotAllowed as error:
        raise EventRefused(str(error)) from error
    return locked


def lodge_within(locked: Complaint, locked_request: RightsRequest, *, acting_user=None, at=None, now=None, note: str = "",
                 reference: str = "", evidence=()) -> Complaint:
    """record_complaint_event's "lodge", with the same checks, on a complaint the caller has locked (its request
    first) inside its own transaction: correspondence sends the complaint to the app by e-mail and records the
    lodging in the same transaction, dated the moment the mail server accepted it (as rights' record_event_within
    does for the request letter). In a savepoint: a refusal leaves the caller's work as it was."""
    spec = EVENTS_BY_NAME["lodge"]
    if not may(acting_user, spec.permission):
        raise EventRefused(_("You may not record “%(event)s” on complaints.") % {"event": event_label("lodge")})
    now = now or timezone.now()
    at = _event_time(at, now)
    inputs = _inputs(spec, note=note, reason="", reference=reference, satisfied=None)
    evidence = check_evidence(evidence, error=EventRefused)
    with transaction.atomic():
        _check_time(locked, "lodge", at, now)
        _check_admissible(locked_request, locked.channel, at)
        locked = _record(locked, "lodge", at=at, now=now, acting_user=acting_user, inputs=inputs, expected_state=None,
                         evidence=evidence)
        escalate_within(locked, locked_request, acting_user=acting_user, at=at, now=now)
    return locked


def _check_admissible(request: RightsRequest, channel: Channel, at: datetime):
    result = check_admissibility(request=request, channel=channel, on=local_date(at), calendar=work_calendar())
    if not result.ok:
        raise EventRefused(result.refusal())
    return result


def draft_complaint(*, request: RightsRequest, channel: Channel, acting_user=None, at=None, now=None, note: str = "") -> Complaint:
    """Draft a complaint: refused (one line, with the day it will be admissible) unless admissible on `at`."""
    if not may(acting_user, "complaints.add_complaint"):
        raise EventRefused(_("You may not draft complaints."))
    now = now or timezone.now()
    at = _event_time(at, now)
    inputs = _inputs(EVENTS_BY_NAME["draft"], note=note, reason="", reference="", satisfied=None)
    with transaction.atomic(durable=True):
        locked_request = RightsRequest.objects.locked_for_write().get(pk=request.pk)
        complaint = _create_draft(locked_request, channel, at=at, now=now, acting_user=acting_user, inputs=inputs)
    return complaint


def _create_draft(request, channel, *, at, now, acting_user, inputs) -> Complaint:
    from .drafting import DraftError, render_complaint

    complaint = Complaint(request=request, channel=channel, drafted_at=at, created_by=acting_user)
    _check_time(complaint, "draft", at, now)
    _check_admissible(request, channel, at)
    if channel.drafting:
        try:
            complaint.text = render_complaint(request=request, channel=channel, on=local_date(at), language="zh-hans")
            complaint.text_en = render_complaint(request=request, channel=channel, on=local_date(at), language="en")
        except DraftError as error:
            raise EventRefused(str(error)) from error
    complaint.save()
    _append(complaint, event="draft", source="", target=complaint.state, at=at, by=acting_user, note=inputs.note)
    return complaint


def lodge_complaint(*, request: RightsRequest, channel: Channel, acting_user=None, at=None, now=None, reference: str = "",
                    note: str = "", evidence=()) -> Complaint:
    """Lodge the request's drafted complaint to `channel` (drafting it first, in the same transaction, if none is)."""
    drafted = Complaint.objects.filter(request=request, channel=channel, state=ComplaintState.DRAFTED).order_by("-drafted_at", "-id").first()
    if drafted is not None:
        return record_complaint_event(complaint=drafted, event="lodge", acting_user=acting_user, at=at, now=now,
                                      reference=reference, note=note, evidence=evidence)
    for permission, label in (("complaints.add_complaint", "draft"), (EVENTS_BY_NAME["lodge"].permission, "lodge")):
        if not may(acting_user, permission):
            raise EventRefused(_("You may not record “%(event)s” on complaints.") % {"event": event_label(label)})
    now = now or timezone.now()
    at = _event_time(at, now)
    inputs = _inputs(EVENTS_BY_NAME["lodge"], note=note, reason="", reference=reference, satisfied=None)
    evidence = check_evidence(evidence, error=EventRefused)
    with transaction.atomic(durable=True):
        locked_request = RightsRequest.objects.locked_for_write().get(pk=request.pk)
        _check_time(Complaint(request=locked_request, channel=channel), "lodge", at, now)
        complaint = _create_draft(locked_request, channel, at=at, now=now, acting_user=acting_user, inputs=Inputs())
        complaint = _record(complaint, "lodge", at=at, now=now, acting_user=acting_user, inputs=inputs, expected_state=None, evidence=evidence)
        escalate_within(complaint, locked_request, acting_user=acting_user, at=at, now=now)
    return complaint


def escalate_within(complaint: Complaint, locked_request: RightsRequest, *, acting_user, at: datetime, now: datetime) -> str | None:
    """Inside the lodging's transaction: record the request's escalation to the regulator the complaint was lodged
    with, and its outcome in the complaint's history. Returns the refusal, if the request refused it."""
    channel = complaint.channel
    if not channel.escalates_request:
        return None
    refusal = None
    try:
        # No note: a sentence stored in one language would read wrong in the other; the escalation's details
        # (regulator, reference) and the complaint's own history say what happened.
        record_event_within(
            locked_request, "escalate", regulator=channel.name, reference=complaint.reference, acting_user=acting_user,
            at=at, now=now,
        )  # fmt: skip
    except RequestError as error:
        refusal = str(error)
    _append(
        complaint, event="request_not_escalated" if refusal else "request_escalated", source=complaint.state,
        target=complaint.state, at=at, by=acting_user, note=refusal or "",
        details={"channel": channel.code, "request": complaint.request_id},
    )  # fmt: skip
    return refusal


# A history row stores facts (codes, ids, the reference given); the words are chosen when it is read, in the
# reader's language. Rows written before kept the regulator's name under "regulator".
def history_details(details: dict) -> list[str]:
    """A history row's details as phrases for people: "reference GX-1", "request #1 escalated to …"."""
    phrases = []
    for key, value in (details or {}).items():
        if key == "reference":
            phrases.append(_("reference: %(reference)s") % {"reference": value})
        elif key == "satisfied":
            phrases.append(_("the requester is satisfied") if value else _("the requester is not satisfied"))
        elif key == "channel":
            channel = Channel.objects.filter(code=value).first()
            phrases.append(_("channel: %(channel)s") % {"channel": channel.display_name if channel else value})
        elif key == "regulator":
            phrases.append(_("regulator: %(regulator)s") % {"regulator": value})
        elif key == "request":
            phrases.append(_("request #%(id)s") % {"id": value})
        else:
            phrases.append(f"{key}: {value}")
    return phrases


def escalation_refusal(complaint: Complaint) -> str | None:
    entry = complaint.log.filter(event__in=("request_escalated", "request_not_escalated")).order_by("-id").first()
    return entry.note if entry is not None and entry.event == "request_not_escalated" else None


# ------------------------------------------------------------------------------------ catalog and parties
# Plain atomic blocks: the admin's change form already runs inside one (ModelAdmin.changeform_view).


def _audit(subject: str, before: dict, after: dict, acting_user, *, personal_case: str | None = None) -> dict:
    """An audit row of what changed from what. With `personal_case` the values are a person's: the append-only row
    keeps the names of the fields and the values' keyed digest, the values stay beside it (records.personal),
    where the case's redaction clears them."""
    changes = {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
    if changes:
        recorded = changes if personal_case is None else {
            "case": personal_case, "fields": sorted(changes), **seal_values(personal_case, changes)}  # fmt: skip
        audit(action="complaints catalog", subject=subject, changes=recorded, acting_user=acting_user)
    return changes


def _plain(value):
    from django.db.models.fields.files import FieldFile

    return (value.name or "") if isinstance(value, FieldFile) else value


def update_channel(*, channel: Channel, changes: dict, acting_user=None) -> Channel:
    """Edit a channel's catalog data; the audit row says who changed what from what."""
    if not may(acting_user, "complaints.change_channel"):
        raise ComplaintError(_("You may not change complaint channels."))
    with transaction.atomic():
        locked = Channel.objects.select_for_update().get(pk=channel.pk)
        before = {k: getattr(locked, k) for k in changes}
        for key, value in changes.items():
            setattr(locked, key, value)
        locked.full_clean()
        locked.save()
        _audit(f"channel {locked.code}", before, {k: getattr(locked, k) for k in changes}, acting_user)
    return locked


def save_template(*, template: DraftTemplate, body: str, acting_user=None) -> DraftTemplate:
    from .drafting import check_template

    if not may(acting_user, "complaints.change_drafttemplate"):
        raise ComplaintError(_("You may not change draft templates."))
    body = clean_text(body, label=capfirst(_("template")), max_length=100_000, multiline=True, error=ComplaintError)
    if not body:
        raise ComplaintError(_("The %(field)s is required.") % {"field": _("template")})
    check_template(body)
    with transaction.atomic():
        locked = DraftTemplate.objects.select_for_update().get(pk=template.pk) if template.pk else template
        before = {"body": locked.body if template.pk else ""}
        locked.body = body
        locked.save()
        _audit(f"template {locked.key} {locked.language}", before, {"body": body}, acting_user)
    return locked


DETAIL_FIELDS = ("phone", "address", "postcode", "email", "agent_name", "agent_phone", "agent_address",
                 "power_of_attorney", "agent_identity_document")
DETAIL_FILES = ("power_of_attorney", "agent_identity_document")
DETAIL_ADDRESSES = ("address", "agent_address")  # a postal address may run over several lines


def update_requester_details(*, request: RightsRequest, changes: dict, acting_user=None) -> RequesterDetails:
    """The complainant's (and agent's) details a complaint needs; every change leaves an audit row."""
    if not may(acting_user, "complaints.change_requesterdetails"):
        raise ComplaintError(_("You may not change complainant details."))
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ComplaintError(_("Unknown detail: %(names)s") % {"names": ", ".join(sorted(unknown))})
    files = {key: value for key, value in changes.items() if key in DETAIL_FILES and value is not None}
    files = dict(zip(files, check_evidence(files.values(), error=ComplaintError), strict=True))
    with transaction.atomic():
        RightsRequest.objects.select_for_update().get(pk=request.pk)
        details, _created = RequesterDetails.objects.get_or_create(request=request)
        before = {k: _plain(getattr(details, k)) for k in changes}
        for key, value in changes.items():
            if key in DETAIL_FILES:
                if key in files:
                    getattr(details, key).save(safe_file_name(getattr(value, "name", "") or key), files[key], save=False)
                continue
            field = details._meta.get_field(key)
            setattr(details, key, clean_text(
                value, label=capfirst(field.verbose_name), max_length=field.max_length, multiline=key in DETAIL_ADDRESSES,
                error=ComplaintError,
            ))  # fmt: skip
        from .admissibility import POSTCODE

        if details.postcode and not POSTCODE.fullmatch(details.postcode):
            raise ComplaintError(_("A postcode is six digits (0-9)."))
        details.full_clean()
        details.save()
        # Every detail is personal.
        _audit(f"complainant details of request #{request.pk}", before, {k: _plain(getattr(details, k)) for k in changes},
               acting_user, personal_case=TransitionLog(request=request).case_label())  # fmt: skip
    return details
