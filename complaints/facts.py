"""One reading of a case: what the record says happened, as of a day. Every sentence of a draft
(complaints.drafting), every admissibility check (complaints.admissibility) and the case file
(complaints.casefile) read the case through CaseFacts, so none of them restates a rule: the verdict on a clock
comes from the one status module, a moment's day from the one Shanghai-date helper, and "late by N working days"
from the work calendar.

Read only: builds nothing, writes nothing.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.utils.translation import gettext as _

from deadlines.counting import SHANGHAI

# The one status module: complaints import it here only.
from deadlines.status import ClockStatus, clock_status, kept_promise
from deadlines.workdays import WorkCalendar
from policies.models import work_calendar
from rights.models import Clock, RightsRequest, TransitionLog, local_date

from .models import Addressee, Complaint, RequesterDetails

# What the app said, in the request's events: each of these answers the requester (they keep a reply clock, or
# are an answer in their own right); a refusal is an answer too, stated with its reason.
ANSWERS = ("acknowledge", "reply", "complete", "confirm")
COMPLETIONS = ("complete", "confirm")
PHONE = re.compile(r"\+?[0-9][0-9 \-]{5,19}")


def looks_like_phone(contact: str) -> bool:
    return bool(PHONE.fullmatch((contact or "").strip()))


def day_start(day: date) -> datetime:
    """00:00 of `day` in Asia/Shanghai."""
    return datetime.combine(day, time(0), SHANGHAI)


def day_end(day: date) -> datetime:
    """24:00 of `day` in Asia/Shanghai (Civil Code art. 203: a last day runs to its end)."""
    return day_start(day + timedelta(days=1))


@dataclass(frozen=True)
class Event:
    """One event of the request's record, with the day it happened on in Asia/Shanghai."""

    name: str
    at: datetime
    note: str = ""
    details: dict | None = None

    @property
    def day(self) -> date:
        return local_date(self.at)


@dataclass(frozen=True)
class ClockFacts:
    """A request clock as of a day: its verdict from the status module and how far past its last day it went."""

    clock: Clock
    status: str
    last_day: date  # what decides the verdict: the promised last day, or an extension with a legal basis
    met_on: date | None
    on: date
    facts: CaseFacts = field(repr=False, compare=False)
    promise_kept: bool | None = None  # the verdict on the promise apart from the statute's (deadlines.status)

    @cached_property
    def late_working_days(self) -> int:
        """Working days past the last day, on the work calendar: until it was kept late, or, still owed, until the
        day asked about (0 otherwise). Counted only when asked: the admissibility checks never need the calendar."""
        if self.kept_late:
            end = self.met_on
        elif self.overdue:
            end = self.on
        else:
            return 0
        return max(self.facts.calendar.working_days_between(self.last_day, end), 0)

    @property
    def action(self) -> str:
        return self.clock.action

    @property
    def label(self) -> str:
        """The status's name for people, as every screen shows it."""
        return str(ClockStatus(self.status).label)

    @property
    def kept_late(self) -> bool:
        """Kept after its (paused or lawfully extended) last day: a promise kept in time but after the statutory
        last day is not late on the promise (past_statute says the rest)."""
        return self.met_on is not None and self.promise_kept is False

    @property
    def kept_in_time(self) -> bool:
        """Kept by its promised last day (past_statute still says whether the statutory one had passed)."""
        return self.met_on is not None and self.promise_kept is True

    @property
    def overdue(self) -> bool:
        """Still owed and past its last day (or past the statutory one)."""
        return self.met_on is None and self.status in (ClockStatus.OVERDUE, ClockStatus.STATUTORY_BREACH)

    @property
    def running(self) -> bool:
        return self.status in (ClockStatus.RUNNING, ClockStatus.DUE_SOON)

    @property
    def past_statute(self) -> bool:
        return self.status == ClockStatus.STATUTORY_BREACH

    @property
    def refused(self) -> bool:
        return self.status == ClockStatus.REFUSED

    @property
    def paused(self) -> bool:
        return self.status == ClockStatus.PAUSED

    @property
    def stopped(self) -> bool:
        """Stopped without being kept or refused (withdrawn, closed), before or after its last day."""
        return self.met_on is None and self.status in (ClockStatus.STOPPED, ClockStatus.MISSED)


class Outcome:
    """What the app did about the request, as of a day: the one sentence a letter states about it."""

    COMPLETED_LATE = "completed_late"
    COMPLETED = "completed"
    REFUSED = "refused"
    REPLIED = "replied"
    NOTHING = "nothing"


@dataclass(frozen=True)
class Conduct:
    kind: str
    day: date | None = None  # of the completion, the refusal or the first answer
    late_working_days: int = 0  # for a late completion
    last_day: date | None = None  # the completion's last day, for a late completion
    identity_requested_on: date | None = None  # the app's last request for proof of identity, when it did nothing else
    reason: str = ""  # of a refusal, as recorded


@dataclass(frozen=True)
class Grievance:
    """What the app did wrong, as of a day: the day the matter arose, or the day it will if nothing happens."""

    arose_on: date | None
    expected_on: date | None  # the day after the nearest running last day, when nothing went wrong yet
    what: str = ""


def _as_of(clock: Clock, moment: datetime) -> Clock:
    """The clock as the record stood at `moment`: what was kept, stopped or paused later had not happened yet."""
    if all(value is None or value < moment for value in (clock.met_at, clock.stopped_at, clock.paused_since)):
        return clock
    seen = copy.copy(clock)
    if seen.met_at is not None and seen.met_at >= moment:
        seen.met_at = None
    if seen.stopped_at is not None and seen.stopped_at >= moment:
        seen.stopped_at, seen.stop_reason = None, ""
    if seen.paused_since is not None and seen.paused_since >= moment:
        seen.paused_since = None
    return seen


class CaseFacts:
    """The record of one request, read once; `clocks(on)`, `conduct(on)` and `grievance(on)` judge it as of a day.
    The request page checks every channel against one CaseFacts."""

    def __init__(self, request: RightsRequest, calendar: WorkCalendar | None = None):
        self.request = request
        self._calendar = calendar
        self._clocks: dict[date, list[ClockFacts]] = {}

    @cached_property
    def calendar(self) -> WorkCalendar:
        return self._calendar or work_calendar()

    # --- the record --------------------------------------------------------------------------------------

    @cached_property
    def log(self) -> list[TransitionLog]:
        return list(self.request.log.select_related("by").order_by("at", "id"))

    @cached_property
    def stored_clocks(self) -> list[Clock]:
        return list(self.request.clocks.select_related("policy_version").order_by("final_due", "id"))

    @cached_property
    def details(self) -> RequesterDetails:
        return RequesterDetails.objects.filter(request=self.request).first() or RequesterDetails(request=self.request)

    # --- the parties: the complainant's details (a contact that is a phone number or an e-mail address counts as
    # one) and the operator's, from the catalog

    @cached_property
    def phone(self) -> str:
        contact = self.request.requester_contact
        return self.details.phone.strip() or (contact.strip() if looks_like_phone(contact) else "")

    @cached_property
    def email(self) -> str:
        contact = self.request.requester_contact
        return self.details.email.strip() or (contact.strip() if "@" in contact else "")

    @cached_property
    def operator(self) -> str:
        return self.request.app.operator.strip()

    @cached_property
    def operator_address(self) -> str:
        return next((str(a).strip() for a in self.request.app.addresses if str(a).strip()), "")

    @cached_property
    def complaints(self) -> list[Complaint]:
        lodged = Complaint.objects.filter(request=self.request, lodged_at__isnull=False).select_related("channel")
        return list(lodged.order_by("lodged_at", "id"))

    @cached_property
    def lodged_app_complaints(self) -> list[Complaint]:
        return [c for c in self.complaints if c.channel.kind == Addressee.APP]

    @cached_property
    def refusal(self) -> TransitionLog | None:
        """The first refusal in the record (whatever came after it)."""
        return next((entry for entry in self.log if entry.transition == "refuse"), None)

    def events(self, on: date) -> list[Event]:
        """The request's events up to the end of `on`."""
        return [Event(e.transition, e.at, e.note, e.details) for e in self.log if local_date(e.at) <= on]

    def complaints_on(self, on: date) -> list[Complaint]:
        return [c for c in self.complaints if local_date(c.lodged_at) <= on]

    # --- judged as of a day --------------------------------------------------------------------------------

    def clocks(self, on: date) -> list[ClockFacts]:
        """Each request clock's verdict as of `on`: a running clock is judged at the start of the day (its last
        day runs to 24:00), what was kept or stopped during the day counts."""
        if on not in self._clocks:
            self._clocks[on] = [self._judge(clock, on) for clock in self.stored_clocks]
        return self._clocks[on]

    def _judge(self, clock: Clock, on: date) -> ClockFacts:
        seen = _as_of(clock, day_end(on))
        # "Due soon" plays no part in a letter or a check: with 0 days of it the status reads no calendar.
        status = clock_status(seen, now=day_start(on), calendar=None, due_soon_working_days=0)
        last_day = clock.deadline or clock.final_due
        met_on = local_date(seen.met_at) if seen.met_at is not None else None
        return ClockFacts(clock, status, last_day, met_on, on, self, promise_kept=kept_promise(seen))

    def answers(self, on: date) -> list[Event]:
        """The app's answers up to `on` (acknowledgement, reply, completion), in order."""
        return [event for event in self.events(on) if event.name in ANSWERS]

    def conduct(self, on: date) -> Conduct:
        """What the app did, as of `on`: completed (late or in time), refused (with its reason), answered without
        completing, or nothing. Of a completion and a refusal the later one is the app's last word; a reopening
        takes back both before it."""
        completed = refused = None
        for event in self.events(on):
            if event.name in COMPLETIONS and completed is None:
                completed = event
            elif event.name == "refuse":
                refused = event
            elif event.name == "reopen":
                completed = refused = None
        if completed is not None and (refused is None or refused.at < completed.at):
            late = [c for c in self.clocks(on) if c.action == "completion" and c.kept_late]
            if late:
                latest = max(late, key=lambda c: c.late_working_days)
                return Conduct(Outcome.COMPLETED_LATE, completed.day, latest.late_working_days, last_day=latest.last_day)
            return Conduct(Outcome.COMPLETED, completed.day)
        if refused is not None:
            reason = (refused.details or {}).get("reason") or refused.note or self.request.refusal_reason
            return Conduct(Outcome.REFUSED, refused.day, reason=reason)
        answers = self.answers(on)
        if answers:
            return Conduct(Outcome.REPLIED, answers[0].day)
        asked = [event.day for event in self.events(on) if event.name == "request_identity"]
        return Conduct(Outcome.NOTHING, identity_requested_on=asked[-1] if asked else None)

    def grievance(self, on: date) -> Grievance:
        """A missed promise (overdue, kept late, past the statutory limit) or a refusal, as of `on`."""
        days = []
        refusal = self.refusal
        if refusal is not None and local_date(refusal.at) <= on:
            days.append((local_date(refusal.at), _("the app refused")))
        running_ends = []
        for judged in self.clocks(on):
            if judged.kept_late:
                days.append((judged.last_day + timedelta(days=1), _("the app kept its promise late")))
            elif judged.met_on is not None and judged.past_statute:
                days.append((judged.met_on, _("the app kept its promise only after the statutory limit")))
            elif judged.overdue:
                days.append((judged.last_day + timedelta(days=1), _("the app missed its promised last day %(day)s") % {
                    "day": judged.last_day.isoformat()}))
            elif judged.running:
                running_ends.append(judged.last_day + timedelta(days=1))
        if days:
            arose, what = min(days)
            return Grievance(arose, None, what)
        return Grievance(None, min(running_ends) if running_ends else None)
