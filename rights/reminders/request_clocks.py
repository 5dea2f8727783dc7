"""The request's own clocks as a clock source of the sweep (registered in rights/apps.py)."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q

from ..models import Clock, ReminderKind, RightsRequest, State
from ..status import running_q
from .rules import Rules
from .sources import REQUEST, ClockSource


def add_request_rules(rules: Rules) -> None:
    # A request with a regulator is the regulator's to chase: its app clocks keep their status but remind no one.
    # (As `request_id NOT IN (escalated requests)`, read from the state index: joining the requests made PostgreSQL
    # scan all of them, 0.5 s per rule at a million.)
    escalated = RightsRequest.objects.filter(state=State.ESCALATED).values("pk")
    clocks = Clock.objects.exclude(request_id__in=escalated)
    now, source = rules.now, REQUEST_CLOCKS
    rules.add(source, clocks.due_by(rules.horizon, now), request="request_id", kind=ReminderKind.DUE_SOON, last_day="deadline")
    late = rules.repeatable(clocks.overdue(now).exclude(id__in=rules.snoozed_clocks), request="request_id", last_day="deadline")
    rules.add(source, late, request="request_id", kind=ReminderKind.OVERDUE, last_day="deadline", repeat=rules.repeat("deadline"))
    # Running past the statutory last day (a clock kept late is no longer anyone's to-do): once per clock.
    breaches = clocks.statutory_breach(now).running()
    rules.add(source, breaches, request="request_id", kind=ReminderKind.STATUTORY_BREACH, last_day="statutory_due")
    if rules.config.suggest_escalation:
        # Once per request, about its longest-overdue clock (the earliest last day, then the lowest id).
        stale = clocks.overdue(now).filter(deadline__lte=rules.escalation_cutoff)
        earlier = stale.filter(request_id=OuterRef("request_id")).filter(
            Q(deadline__lt=OuterRef("deadline")) | Q(deadline=OuterRef("deadline"), id__lt=OuterRef("id"))
        )
        rules.add(source, stale.filter(~Exists(earlier)), request="request_id", kind=ReminderKind.ESCALATE, last_day="deadline")


@dataclass(frozen=True)
class RequestClockSource(ClockSource):
    """The ledger references these clocks by its own foreign key (`Reminder.clock`): the plan joins them (one join
    instead of a probe per row), and a digest reads their action and provisional flag in its details query."""

    def ledger_columns(self) -> dict:
        # A request with a regulator is the regulator's to chase: its own clocks remind no one (its complaints' do).
        runs = Q(clock__isnull=False) & running_q("clock__") & ~Q(request__state=State.ESCALATED)
        return {
            "is_running": ExpressionWrapper(runs, output_field=BooleanField()),
            "last_day": F("clock__deadline"),
            "statutory_last_day": F("clock__statutory_due"),
        }


REQUEST_CLOCKS = RequestClockSource(
    name=REQUEST,
    add_rules=add_request_rules,
    clocks=Clock.objects.all,
    running=running_q,
    last_day="deadline",
    statutory_last_day="statutory_due",
)
