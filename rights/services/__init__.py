"""Business operations on rights requests: the one write path.

Every change to a request is an event of the table in rights/events.py, recorded by `record_event`
(services/recording.py): permission first (an auditor can record nothing), then one durable transaction that locks
the row, checks the state the person saw and the event's time, writes one history row with its evidence and
details, and replays the clocks (rights/clocks.py). Nothing is half-written on a refusal. The admin, the commands,
the desk and the tasks all call `record_event` with the event's name and inputs; filing (`file_request`,
services/filing.py) is one transaction too.

The checks at the boundary (typed text, an event's time, permission, evidence files: services/boundary.py) are
the ones complaints.services calls too. `at` is when the event really happened (backdated entries); `now` is when
it is being recorded. `acting_user` None is the system (commands without --by, tasks), which may record every event.
"""

from .boundary import (
    RequestError,
    TransitionConflict,
    TransitionRefused,
    check_evidence,
    check_in_calendar,
    clean_text,
    event_time,
    may,
    may_record,
    parse_day,
)
from .filing import default_procedure, file_request
from .recording import allowed_events, apply_event, record_event, record_event_within, refusal_message, snooze_request

__all__ = [
    "RequestError",
    "TransitionConflict",
    "TransitionRefused",
    "allowed_events",
    "apply_event",
    "check_evidence",
    "check_in_calendar",
    "clean_text",
    "default_procedure",
    "event_time",
    "file_request",
    "may",
    "may_record",
    "parse_day",
    "record_event",
    "record_event_within",
    "refusal_message",
    "snooze_request",
]
