"""Rights requests: what people asked of which app, the state machine, the deadline clocks and the history.

One module per aggregate (requests, history, reminders, views), all importable from here. The state machine lives
on the request (django-fsm-2, protected field); the operations that move it live in `rights/services/`
(record_event), which locks the row, writes the history and replays the clocks in one transaction.
"""

# The desk's name for the one Shanghai-date helper (deadlines.counting.local_day).
from deadlines.counting import local_day as local_date

from ..states import ACTIVE_STATES, CLOSED_STATES, OPEN_STATES, State
from .history import Clock, Evidence, TransitionLog, evidence_path
from .reminders import (
    RETRYABLE_REMINDER_STATES,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderSettings,
    ReminderSnooze,
    ReminderStatus,
)
from .requests import (
    CaseEventTransitions,
    RequestTally,
    RightsRequest,
    _event_transition,
    _may_record,
    local_minute,
    mask_contact,
)
from .views import SavedView

__all__ = [
    "ACTIVE_STATES",
    "CLOSED_STATES",
    "OPEN_STATES",
    "State",
    "_may_record",
    "_event_transition",
    "CaseEventTransitions",
    "RightsRequest",
    "RequestTally",
    "mask_contact",
    "local_date",
    "local_minute",
    "Clock",
    "evidence_path",
    "TransitionLog",
    "Evidence",
    "ReminderKind",
    "ReminderStatus",
    "RETRYABLE_REMINDER_STATES",
    "Reminder",
    "ReminderSettings",
    "ReminderPreference",
    "ReminderSnooze",
    "SavedView",
]
