"""Complaint clocks as a clock source of the reminder sweep (registered in complaints/apps.py): a regulator overdue is
reminded like an app overdue, with the clock filters every track shares (deadlines.querysets, deadlines.status)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from deadlines.status import running_q
from rights.models import ReminderKind
from rights.reminders import ClockDetails, ClockSource
from rights.reminders.digest import one_line
from rights.reminders.rules import Rules

from .models import Addressee, ClockAction, ComplaintClock

REQUEST = "complaint__request_id"


def add_complaint_rules(rules: Rules) -> None:
    # Whatever the request's state: lodging with a regulator escalates the request, and the regulator's clocks are
    # exactly what is then to be chased. A snooze of the request silences their overdue repeats as well. No
    # escalation suggestion: the complaint is one.
    clocks, now = ComplaintClock.objects.all(), rules.now
    rules.add(COMPLAINT_CLOCKS, clocks.due_by(rules.horizon, now), request=REQUEST, kind=ReminderKind.DUE_SOON, last_day="deadline")
    late = rules.repeatable(clocks.overdue(now), request=REQUEST, last_day="deadline")
    rules.add(COMPLAINT_CLOCKS, late, request=REQUEST, kind=ReminderKind.OVERDUE, last_day="deadline", repeat=rules.repeat("deadline"))
    breaches = clocks.statutory_breach(now).running()
    rules.add(COMPLAINT_CLOCKS, breaches, request=REQUEST, kind=ReminderKind.STATUTORY_BREACH, last_day="statutory_due")


def describe_complaint_clocks(ids: list[int]) -> dict[int, ClockDetails]:
    """The channel as on the command line ("12300", "isc"; the app's own complaint procedure by its kind's label),
    then what is due: "12300 受理决定", "12300 Admission decision"."""
    actions = dict(ClockAction.choices)
    rows = ComplaintClock.objects.filter(pk__in=ids).values_list(
        "pk", "action", "provisional", "complaint__channel__code", "complaint__channel__kind"
    )
    found = {}
    for pk, action, provisional, code, kind in rows:
        name = str(Addressee.APP.label) if kind == Addressee.APP else one_line(code)
        found[pk] = ClockDetails(f"{name} {actions.get(action, action)}", provisional)
    return found


COMPLAINT_CLOCKS = ClockSource(
    name="complaint",
    add_rules=add_complaint_rules,
    clocks=ComplaintClock.objects.all,
    running=running_q,
    last_day="deadline",
    statutory_last_day="statutory_due",
    describe=describe_complaint_clocks,
    note=_(
        "Reminders about a complaint's clocks (a regulator's admission or answer, the app's answer to a complaint) "
        "repeat until the complaint is answered, closed or withdrawn, or the request is snoozed."
    ),
)
