"""The catalog: what each app's privacy policy promises for each right, and the statutory defaults (a package:
choices, catalog, workcalendar, promises, imports; every name importable from policies.models)."""

from .catalog import (
    App,
    EffectiveDeadline,
    PolicyVersion,
    PolicyVersionQuerySet,
    Procedure,
    ProcedureQuerySet,
    StatutoryDefault,
)
from .choices import Action, ChannelKind, ClockStart, Confidence, Hedge, ReviewStatus, Right, Unit, nominal_days
from .imports import PolicyImport
from .promises import Promise, promises_for
from .workcalendar import CalendarOverride, CalendarYear, work_calendar

__all__ = [
    "Action",
    "App",
    "CalendarOverride",
    "CalendarYear",
    "ChannelKind",
    "ClockStart",
    "Confidence",
    "EffectiveDeadline",
    "Hedge",
    "PolicyImport",
    "PolicyVersion",
    "PolicyVersionQuerySet",
    "Procedure",
    "ProcedureQuerySet",
    "Promise",
    "ReviewStatus",
    "Right",
    "StatutoryDefault",
    "Unit",
    "nominal_days",
    "promises_for",
    "work_calendar",
]
