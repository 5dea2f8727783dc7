"""The boundary of both tracks: what a person typed, when they say it happened, whether they may record it, and
the files they attach. Requests (this package) and complaints (complaints.services) call these same functions, so
a refusal reads the same on both; each check raises the caller's own one-line error (`error=`, RequestError by
default), never a traceback."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils import timezone
from django.utils.translation import gettext as _

from config import text
from deadlines.counting import SHANGHAI
from deadlines.counting import local_day as local_date
from deadlines.workdays import WorkCalendar, supported_years

from ..events import EVENTS, CaseEvent
from ..models import local_minute
from ..uploads import check_evidence_file


class RequestError(Exception):
    """A request operation that cannot be done; the message (one line) is for the person who asked."""


class TransitionRefused(RequestError):
    pass


class TransitionConflict(RequestError):
    """Someone else moved the request first."""


# config.text's one rule for typed text, refused as a RequestError unless the caller names its own error.
clean_text = partial(text.clean_text, error=RequestError)


def may(user, permission: str) -> bool:
    """Whether `user` may do what `permission` guards (None: the system or the command line, which may)."""
    return user is None or (user.is_active and user.has_perm(permission))


def may_record(event: CaseEvent | str, user) -> bool:
    """Whether `user` may record the request event at all (None: the system, which may)."""
    event = EVENTS[event] if isinstance(event, str) else event
    return may(user, event.permission)


def check_in_calendar(
    day: date, *, calendar: WorkCalendar, now: datetime, error: type[Exception] = RequestError
) -> None:
    years = supported_years(this_year=local_date(now).year, entered_years=calendar.entered_years)
    if day.year not in years:
        raise error(
            _("%(day)s is outside the working-day calendar: dates from %(first)d to %(last)d are supported.")
            % {"day": day.isoformat(), "first": years.start, "last": years.stop - 1}
        )


# Events that move neither the state nor a clock (a corrected contact detail, who works on the case, a snooze of the
# reminders): they do not order the case, so recording one never stops anyone recording what happened before it.
UNORDERED_EVENTS = frozenset({"amend", "assign", "snooze"})


def previous_moment(log) -> datetime | None:
    """The moment a new event of the case may not predate: its latest event that moves the state or a clock
    (`log`: the case's event rows)."""
    return log.exclude(transition__in=UNORDERED_EVENTS).order_by("-at", "-id").values_list("at", flat=True).first()


def event_time(
    at: datetime | date | None,
    now: datetime,
    *,
    calendar: WorkCalendar,
    previous: datetime | None = None,
    event: str = "",
    case: str = "",
    error: type[Exception] = RequestError,
) -> datetime:
    """When an event happened: now, or a backdated moment (a bare date is 00:00, a naive moment Asia/Shanghai).
    Never outside the years the calendar can count, never in the future, and never before the case's `previous`
    event when the caller knows it (inside its lock; previous_moment: an amendment does not count); `event` and
    `case` name them in that refusal."""
    if at is None:
        at = now
    elif not isinstance(at, datetime):
        at = datetime.combine(at, datetime.min.time())
    # The date as typed, before any conversion: a year such as 9999 would overflow on the way to UTC.
    check_in_calendar(at.date(), calendar=calendar, now=now, error=error)
    if timezone.is_naive(at):
        at = at.replace(tzinfo=SHANGHAI)
    if at > now:
        raise error(_("An event cannot be dated in the future (%(at)s).") % {"at": local_minute(at)})
    if previous is not None and at < previous:
        raise error(
            _("“%(event)s” cannot be dated %(at)s: the %(case)s's previous event happened at %(previous)s.")
            % {"event": event, "at": local_minute(at), "case": case, "previous": local_minute(previous)}
        )
    return at


def parse_day(value: Any, *, label: str, error: type[Exception] = RequestError) -> date:
    if isinstance(value, datetime):
        return local_date(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    day = clean_text(value, label=label, error=error)
    try:
        if not day.isascii():
            raise ValueError
        return date.fromisoformat(day)
    except ValueError:
        raise error(
            _("%(field)s must be a date such as 2026-10-30, not %(value)r.") % {"field": label, "value": day}
        ) from None


def check_evidence(files: Iterable[Any], *, error: type[Exception] = RequestError) -> list[Any]:
    """Evidence files as the upload form checks them (rights.uploads: settings.RIGHTSDESK_MAX_UPLOAD_BYTES, then the
    type by content), checked again here because commands and other services attach files without a form."""
    files = [item if hasattr(item, "size") else File(item) for item in files or ()]
    for item in files:
        try:
            check_evidence_file(item)
        except ValidationError as refused:
            raise error(" ".join(refused.messages)) from None
    return files
