"""A request event's inputs: checked and normalised before the lock (`clean_inputs`), then written onto the
request and into the history row's details inside it (`apply_inputs`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from deadlines.counting import local_day as local_date
from deadlines.workdays import WorkCalendar
from policies.models import Action
from records.personal import seal_values

from ..events import AMENDABLE_FIELDS, CaseEvent
from ..models import RightsRequest, TransitionLog
from .boundary import TransitionRefused, check_in_calendar, clean_text, parse_day


def clean_inputs(event: CaseEvent, inputs: dict, note: str, *, now: datetime, calendar: WorkCalendar) -> dict:
    """The event's inputs, checked and normalised; a missing or malformed one is refused in one line."""
    values: dict[str, Any] = {"note": clean_text(note, label=_("Note"), max_length=10_000, multiline=True)}
    required = set(event.inputs)
    for name in event.fields:
        raw = inputs.get(name)
        if name == "note":
            continue
        if name == "reason":
            values[name] = clean_text(raw, label=_("The app's reason"), max_length=10_000, multiline=True)
        elif name in ("regulator", "reference", "basis"):
            labels = {"regulator": _("Regulator"), "reference": _("Regulator's reference"), "basis": _("Legal basis")}
            limit = {"regulator": 200, "reference": 100, "basis": 300}[name]
            values[name] = clean_text(raw, label=labels[name], max_length=limit)
        elif name == "until":
            values[name] = None if raw in (None, "") else parse_day(raw, label=_("Until"))
            if values[name] is not None:
                check_in_calendar(values[name], calendar=calendar, now=now)
        elif name == "field":
            values[name] = clean_text(raw, label=_("Field"))
            if values[name] and values[name] not in AMENDABLE_FIELDS:
                raise TransitionRefused(
                    _("Only these details can be amended: %(fields)s.") % {"fields": ", ".join(AMENDABLE_FIELDS)}
                )
        elif name == "value":
            values[name] = raw if raw is None else str(raw)
        elif name == "action":
            values[name] = clean_text(raw, label=_("Promised action"))
            if values[name] and values[name] not in Action.values:
                raise TransitionRefused(_("Unknown promised action %(action)r.") % {"action": values[name]})
        elif name == "assignee":
            values[name] = raw
    missing = [
        name
        for name in required
        if name == "note" and not values["note"] or name != "note" and values.get(name) in (None, "")
    ]
    if missing:
        raise TransitionRefused(_missing_message(event, missing[0]))
    return values


def _missing_message(event: CaseEvent, name: str) -> str:
    messages = {
        "reason": _("A refusal needs the app's reason (PIPL art. 50 requires one)."),
        "regulator": _("An escalation needs the regulator it was lodged with."),
        "note": _("“%(transition)s” needs a note saying why.") % {"transition": event.label},
        "until": _("“%(transition)s” needs a day (until when).") % {"transition": event.label},
        "basis": _("An extension needs its legal basis, or “none” when the app gave none."),
        "field": _("Say which detail to amend."),
        "value": _("Give the new value."),
    }
    return messages.get(name, _("“%(transition)s” needs %(input)s.") % {"transition": event.label, "input": name})


def apply_inputs(locked: RightsRequest, spec: CaseEvent, values: dict, *, at: datetime) -> dict:
    """Write the event's inputs onto the request where they belong; return the history row's details."""
    match spec.name:
        case "refuse":
            locked.refusal_reason = values["reason"]
            return {"reason": values["reason"]}
        case "escalate":
            locked.regulator, locked.regulator_reference = values["regulator"], values.get("reference", "")
            return {"regulator": locked.regulator, "reference": locked.regulator_reference}
        case "reopen":
            locked.refusal_reason = ""
            return {}
        case "assign":
            assignee = values.get("assignee")
            if assignee is not None and not isinstance(assignee, get_user_model()):
                assignee = get_user_model().objects.filter(pk=assignee).first()
            if assignee is not None and not (assignee.is_active and assignee.is_staff):
                raise TransitionRefused(_("Requests can only be assigned to active staff members."))
            if assignee == locked.assignee:
                raise TransitionRefused(_("The assignee did not change."))
            old = locked.assignee
            locked.assignee = assignee
            return {
                "old": old.get_username() if old else None,
                "new": assignee.get_username() if assignee else None,
            }
        case "amend":
            name = values["field"]
            field = RightsRequest._meta.get_field(name)
            label = str(AMENDABLE_FIELDS[name])
            new = clean_text(values["value"], label=label, max_length=field.max_length, multiline=name == "notes")
            if name == "requester_name" and not new:
                raise TransitionRefused(_("The requester's name is required."))
            old = getattr(locked, name)
            if new == old:
                raise TransitionRefused(_("%(field)s is already “%(value)s”.") % {"field": label, "value": new})
            setattr(locked, name, new)
            if name in RightsRequest.PERSONAL_FIELDS:
                # The append-only row chains only their keyed digest; the values stay beside it, where the
                # redaction (README "Retention and redaction") can clear them.
                return {"field": name, **seal_values(TransitionLog(request=locked).case_label(), {"old": old, "new": new})}
            return {"field": name, "old": old, "new": new}
        case "extend":
            until = values["until"]
            if until <= local_date(at):
                raise TransitionRefused(_("An extension must name a later last day than the day it was announced."))
            return {"until": until.isoformat(), "basis": values["basis"], "action": values.get("action", "")}
        case "snooze":
            if values["until"] < local_date(at):
                raise TransitionRefused(_("A snooze must last until today or later."))
            return {"until": values["until"].isoformat()}
    return {}
