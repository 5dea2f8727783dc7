"""Read-only views of requests for people: deadline status in words, the dashboard's figures.

Nothing here writes, and nothing here decides a status: deadlines.status does (one definition), this module only
words it. Each function takes `now` and the work calendar as arguments, so a page loads the calendar once
(`work_calendar()` is two queries) and counts every row's working days in Python.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deadlines.status import (
    ClockStatus,
    clock_status,
    is_overdue,
    kept_promise,
    within_statute,
)
from deadlines.workdays import WorkCalendar
from policies.models import App

from .models import OPEN_STATES, Clock, RightsRequest, State, local_date
from .querysets import today_in_shanghai
from .registry import Condition, by_tracks_only
from .status import Verdict
from .tally import figures


class Tone:
    """CSS modifier of a deadline, from calm to alarming."""

    ON_TRACK = "on-track"
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"
    BREACH = "breach"
    KEPT = "kept"
    LATE = "late"
    REFUSED = "refused"
    IDLE = "idle"  # stopped or paused


TONES = {
    ClockStatus.RUNNING: Tone.ON_TRACK,
    ClockStatus.DUE_SOON: Tone.DUE_SOON,
    ClockStatus.OVERDUE: Tone.OVERDUE,
    ClockStatus.STATUTORY_BREACH: Tone.BREACH,
    ClockStatus.KEPT: Tone.KEPT,
    ClockStatus.MISSED: Tone.LATE,
    ClockStatus.REFUSED: Tone.REFUSED,
    ClockStatus.STOPPED: Tone.IDLE,
    ClockStatus.PAUSED: Tone.IDLE,
}


@dataclass(frozen=True)
class DeadlineStatus:
    clock: Clock
    status: str  # a deadlines.status.ClockStatus name
    text: str
    days_left: int | None  # working days from today to the last day; negative when overdue; None when not running
    overdue: bool = False  # running past its last day
    # The badge: the last day itself lies in a year whose official schedule is not published, and the clock still
    # runs (or waits). Not because the statutory day falls in such a year, never on a kept or stopped clock.
    provisional: bool = False

    @property
    def tone(self) -> str:
        return TONES[self.status]

    @property
    def breach(self) -> bool:
        return self.status == ClockStatus.STATUTORY_BREACH


    @property
    def last_day(self) -> date:
        return self.clock.deadline or self.clock.final_due


class PageCalendar:
    """A work calendar for one page: the working days between two days counted once per pair (the rows of a list
    share their few last days; an overdue one is a walk over every day since)."""

    def __init__(self, calendar: WorkCalendar):
        self._calendar = calendar
        self._between: dict[tuple[date, date], int] = {}

    def working_days_between(self, start: date, end: date) -> int:
        key = (start, end)
        if key not in self._between:
            self._between[key] = self._calendar.working_days_between(start, end)
        return self._between[key]

    def __getattr__(self, name):
        return getattr(self._calendar, name)


def working_days_left_text(days_left: int) -> str:
    """The one wording of a deadline ahead, on the list, the pages and in the reminders."""
    if days_left == 0:
        return str(_("due today"))
    return ngettext("%(n)d working day left", "%(n)d working days left", days_left) % {"n": days_left}


def overdue_by_text(days_left: int) -> str:
    """The one wording of a deadline passed (`days_left` is negative), on the list, the pages and in the reminders."""
    late = -days_left
    if late <= 0:
        return str(_("overdue"))
    return ngettext("overdue by %(n)d working day", "overdue by %(n)d working days", late) % {"n": late}


def deadline_status(clock: Clock, *, now: datetime, calendar: WorkCalendar, due_soon_working_days: int) -> DeadlineStatus:
    """How one clock stands at `now`, in words (deadlines.status decides which status it is)."""
    name = clock_status(clock, now=now, calendar=calendar, due_soon_working_days=due_soon_working_days)
    if clock.met_at is not None:
        met_on = f"{local_date(clock.met_at):%Y-%m-%d}"
        # Both verdicts: a paused promise can be kept and the statute breached all the same.
        text = (_("kept on %(day)s") if kept_promise(clock) else _("kept late, on %(day)s")) % {"day": met_on}
        if within_statute(clock) is False:
            text = f"{text} · {_('statutory limit passed')}"
        return DeadlineStatus(clock, name, text, None)
    if clock.stopped_at is not None:
        day = f"{local_date(clock.stopped_at):%Y-%m-%d}"
        if name == ClockStatus.REFUSED:
            return DeadlineStatus(clock, name, _("refused on %(day)s") % {"day": day}, None)
        if name == ClockStatus.MISSED:
            return DeadlineStatus(clock, name, _("missed; stopped on %(day)s") % {"day": day}, None)
        return DeadlineStatus(clock, name, _("stopped on %(day)s") % {"day": day}, None)
    if name == ClockStatus.PAUSED:
        day = f"{local_date(clock.paused_since):%Y-%m-%d}"
        return DeadlineStatus(
            clock, name, _("paused since %(day)s: waiting for the requester") % {"day": day}, None,
            provisional=_unpublished(clock, calendar),
        )  # fmt: skip
    days_left = calendar.working_days_between(today_in_shanghai(now), clock.deadline)
    past_promise = is_overdue(clock, now)
    text = overdue_by_text(days_left) if past_promise else working_days_left_text(days_left)
    if name == ClockStatus.STATUTORY_BREACH:
        text = f"{text} · {_('statutory limit passed')}"
    return DeadlineStatus(clock, name, text, days_left, past_promise, provisional=_unpublished(clock, calendar))


def _unpublished(clock: Clock, calendar: WorkCalendar) -> bool:
    """Whether a clock's own last day lies in a year whose working-day schedule is not published yet."""
    return not calendar.is_published((clock.deadline or clock.final_due).year)


def deadline_statuses(
    request: RightsRequest,
    *,
    now: datetime,
    calendar: WorkCalendar,
    due_soon_working_days: int,
    clocks: list[Clock] | None = None,
) -> list[DeadlineStatus]:
    """The request's clocks (given, or prefetched), nearest last day first."""
    clocks = sorted(request.clocks.all() if clocks is None else clocks, key=lambda c: (c.deadline or c.final_due, c.pk))
    return [deadline_status(c, now=now, calendar=calendar, due_soon_working_days=due_soon_working_days) for c in clocks]


def week_end(today: date) -> date:
    """Sunday of the current week: "due this week" means due from today up to and including it."""
    return today + timedelta(days=6 - today.weekday())


# --------------------------------------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    share: float  # 0..1, of the largest bar (for the chart's width)
    url_query: str = ""


@dataclass(frozen=True)
class AppRecord:
    app: App
    open: int
    overdue: int
    breach: int
    kept: int
    missed: int
    refused: int
    refusal_reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def judged(self) -> int:
        return self.kept + self.missed + self.refused

    @property
    def kept_share(self) -> float | None:
        return self.kept / self.judged if self.judged else None

    @property
    def kept_percent(self) -> int | None:
        share = self.kept_share
        return None if share is None else round(share * 100)


def _bars(rows: list[tuple[str, str, int, str]]) -> list[Bar]:
    top = max((row[2] for row in rows), default=0) or 1
    return [Bar(key, label, count, count / top, query) for key, label, count, query in rows]


@dataclass(frozen=True)
class Dashboard:
    today: date
    week_end: date
    open_total: int
    overdue_total: int
    breach_total: int
    due_this_week_total: int
    by_state: list[Bar]
    overdue_by_app: list[Bar]
    apps: list[AppRecord]
    kept_total: int
    judged_total: int

    @property
    def kept_percent(self) -> int | None:
        return round(100 * self.kept_total / self.judged_total) if self.judged_total else None


def dashboard(now: datetime | None = None) -> Dashboard:
    """The figures of the dashboard. Every tile counts the same named filter (rights.status's request
    conditions) as the list it links to: open requests by state and app; overdue, past the statute and due this
    week; kept / missed / refused per app from the projection's `verdict` column (what the finished clocks
    decided, rights.status.settled_verdict) plus, for requests not decided yet, "missed because a running clock
    is late now" (request_live_missed_q).

    At a million requests nothing here walks the requests: on PostgreSQL the counts come from the tally the
    database keeps (rights.tally), plus today's moments up to now from the request indexes."""

    now = now or timezone.now()
    today = today_in_shanghai(now)
    sunday = week_end(today)

    counts = figures(now, today)
    open_counts: Counter = Counter()
    open_by_app: Counter = Counter()
    for state, app_id, n in counts.by_state():
        if state in OPEN_STATES:
            open_counts[state] += n
            open_by_app[app_id] += n
    by_state = _bars(
        [(s, State(s).label, open_counts.get(s, 0), f"state__exact={s}") for s in OPEN_STATES if s != State.DRAFT or open_counts.get(s)]
    )
    # The list's own filters: rights.status's request conditions on the projected columns, plus the requests
    # that meet them only by a complaint's clock (rights.desk.by_tracks_only, the tracks in rights.registry).
    overdue = counts.overdue() + by_tracks_only(Condition.OVERDUE, now=now)
    breach = counts.breach() + by_tracks_only(Condition.BREACH, now=now)
    due_this_week = counts.due_by(sunday) + sum(by_tracks_only(Condition.DUE_BY, now=now, last_day=sunday).values())
    verdicts = counts.verdicts()
    # Not decided by finished clocks, but a running one is late now: missed (rights.status.request_verdict).
    for app_id, n in counts.late().items():
        verdicts[app_id][Verdict.MISSED] += n
    reasons: dict[int, Counter] = defaultdict(Counter)
    for app_id, reason, n in counts.reasons():
        reasons[app_id][reason.strip() or str(_("no reason given"))] += n
    apps = [
        AppRecord(
            app=app,
            open=open_by_app.get(app.pk, 0),
            overdue=overdue.get(app.pk, 0),
            breach=breach.get(app.pk, 0),
            kept=verdicts[app.pk][Verdict.KEPT],
            missed=verdicts[app.pk][Verdict.MISSED],
            refused=verdicts[app.pk][Verdict.REFUSED],
            refusal_reasons=reasons[app.pk].most_common(3),
        )
        for app in App.objects.order_by("name")
    ]
    overdue_by_app = _bars(
        sorted(
            ((r.app.slug, r.app.name, r.overdue, f"app__id__exact={r.app.pk}&deadline=overdue") for r in apps if r.overdue),
            key=lambda row: -row[2],
        )
    )
    return Dashboard(
        today=today,
        week_end=sunday,
        open_total=sum(open_counts.values()),
        overdue_total=sum(overdue.values()),
        breach_total=sum(breach.values()),
        due_this_week_total=due_this_week,
        by_state=by_state,
        overdue_by_app=overdue_by_app,
        apps=apps,
        kept_total=sum(r.kept for r in apps),
        judged_total=sum(r.judged for r in apps),
    )
