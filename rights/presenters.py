"""Read-only views of requests for people: deadline status with working days left, the dashboard's figures.

Nothing here writes. Each function takes `today` / `now` and the work calendar as arguments, so a page loads
the calendar once (`work_calendar()` is two queries) and counts every row's working days in Python.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policies.models import App
from policies.workdays import WorkCalendar

from .models import ACTIVE_STATES, CLOSED_STATES, OPEN_STATES, Clock, RightsRequest, State, local_date
from .querysets import today_in_shanghai

# A running deadline is "due soon" when at most this many working days are left (today counts as 0).
DUE_SOON_WORKING_DAYS = 3


class Tone:
    """CSS modifier of a deadline, from calm to alarming."""

    ON_TRACK = "on-track"
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"
    BREACH = "breach"
    KEPT = "kept"
    LATE = "late"
    IDLE = "idle"  # stopped, or paused while the request is not active


@dataclass(frozen=True)
class DeadlineStatus:
    clock: Clock
    tone: str
    text: str
    days_left: int | None  # working days from today to the last day; negative when overdue; None when not running
    breach: bool  # past the statutory last day (running) or kept only after it

    @property
    def last_day(self) -> date:
        return self.clock.final_due

    @property
    def provisional(self) -> bool:
        return self.clock.provisional


def deadline_status(clock: Clock, *, state: str, today: date, calendar: WorkCalendar) -> DeadlineStatus:
    """How one clock stands today, in words and a tone; `state` is its request's (avoids a query per clock)."""
    breach = clock.breaches_statute(today, state=state)
    if clock.met_at is not None:
        met_on = local_date(clock.met_at)
        if clock.kept_promise():
            return DeadlineStatus(clock, Tone.KEPT, _("kept on %(day)s") % {"day": f"{met_on:%Y-%m-%d}"}, None, breach)
        return DeadlineStatus(
            clock, Tone.BREACH if breach else Tone.LATE, _("kept late, on %(day)s") % {"day": f"{met_on:%Y-%m-%d}"},
            None, breach,
        )
    if clock.stopped_at is not None:
        return DeadlineStatus(clock, Tone.IDLE, _("stopped on %(day)s") % {"day": f"{local_date(clock.stopped_at):%Y-%m-%d}"}, None, False)
    if state not in ACTIVE_STATES:
        return DeadlineStatus(clock, Tone.IDLE, _("not running while the request is “%(state)s”") % {"state": State(state).label}, None, False)

    days_left = calendar.working_days_between(today, clock.final_due)
    if clock.is_overdue(today, state=state):
        late = -days_left
        text = (
            ngettext("overdue by %(n)d working day", "overdue by %(n)d working days", late) % {"n": late}
            if late > 0
            else str(_("overdue"))
        )
        if breach:
            return DeadlineStatus(clock, Tone.BREACH, f"{text} · {_('statutory limit passed')}", days_left, True)
        return DeadlineStatus(clock, Tone.OVERDUE, text, days_left, False)
    if breach:
        # A promise longer than the statutory cap: within the promise, yet past the law's last day
        # (the same requests the "statutory breach" filter lists).
        text = ngettext("%(n)d working day left", "%(n)d working days left", days_left) % {"n": days_left}
        return DeadlineStatus(clock, Tone.BREACH, f"{text} · {_('statutory limit passed')}", days_left, True)
    if days_left == 0:
        return DeadlineStatus(clock, Tone.DUE_SOON, str(_("due today")), 0, False)
    text = ngettext("%(n)d working day left", "%(n)d working days left", days_left) % {"n": days_left}
    tone = Tone.DUE_SOON if days_left <= DUE_SOON_WORKING_DAYS else Tone.ON_TRACK
    return DeadlineStatus(clock, tone, text, days_left, False)


def deadline_statuses(
    request: RightsRequest, *, today: date, calendar: WorkCalendar, clocks: list[Clock] | None = None
) -> list[DeadlineStatus]:
    """The request's clocks (given, or prefetched), nearest last day first."""
    clocks = sorted(request.clocks.all() if clocks is None else clocks, key=lambda c: (c.final_due, c.pk))
    return [deadline_status(clock, state=request.state, today=today, calendar=calendar) for clock in clocks]


def week_end(today: date) -> date:
    """Sunday of the current week: "due this week" means due from today up to and including it."""
    return today + timedelta(days=6 - today.weekday())


def nearest_deadline_first(queryset):
    """Annotate `running_due`: the nearest last day of a clock that runs (active request, neither kept nor
    stopped); None for requests with nothing running, which then sort after the rest."""
    return queryset.annotate(
        running_due=Min(
            "clocks__final_due",
            filter=Q(clocks__met_at__isnull=True, clocks__stopped_at__isnull=True, state__in=ACTIVE_STATES),
        )
    )


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

    @property
    def judged(self) -> int:
        return self.kept + self.missed

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


def closed_with_verdict(queryset=None):
    """Closed requests annotated `kept_any` / `missed_any` about their promised last days (`final_due`).

    A clock is kept when it was met by its last day; missed when it was met after it, or stopped (refused,
    withdrawn) after it, or left open past it until the request closed (e.g. a regulator resolved it). A clock
    stopped before its last day without being met says nothing either way. A request met its promise when a
    clock was kept and none was missed.
    """
    queryset = RightsRequest.objects.all() if queryset is None else queryset
    clocks = Clock.objects.filter(request=OuterRef("pk"))
    kept = clocks.filter(met_at__isnull=False, met_at__date__lte=F("final_due"))
    missed = clocks.filter(
        Q(met_at__isnull=False, met_at__date__gt=F("final_due"))
        | Q(met_at__isnull=True, stopped_at__isnull=False, stopped_at__date__gt=F("final_due"))
        | Q(met_at__isnull=True, stopped_at__isnull=True, request__closed_at__date__gt=F("final_due"))
    )
    return queryset.filter(state__in=CLOSED_STATES).annotate(kept_any=Exists(kept), missed_any=Exists(missed))


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
    """The figures of the dashboard: a fixed number of grouped queries, whatever the number of requests."""
    today = today_in_shanghai(now)
    sunday = week_end(today)
    requests = RightsRequest.objects.all()

    open_counts = dict(requests.open().values_list("state").annotate(n=Count("pk")).order_by())
    by_state = _bars(
        [(s, State(s).label, open_counts.get(s, 0), f"state__exact={s}") for s in OPEN_STATES if s != State.DRAFT or open_counts.get(s)]
    )

    def per_app(queryset) -> dict[int, int]:
        return dict(queryset.values_list("app_id").annotate(n=Count("pk", distinct=True)).order_by())

    open_by_app = per_app(requests.open())
    overdue = per_app(requests.overdue(now))
    breach = per_app(requests.overdue(now).statutory_breach(now))
    verdicts = {
        row["app_id"]: row
        for row in closed_with_verdict(requests)
        .values("app_id")
        .annotate(kept=Count("pk", filter=Q(kept_any=True, missed_any=False)), missed=Count("pk", filter=Q(missed_any=True)))
        .order_by()
    }
    apps = [
        AppRecord(
            app=app,
            open=open_by_app.get(app.pk, 0),
            overdue=overdue.get(app.pk, 0),
            breach=breach.get(app.pk, 0),
            kept=verdicts.get(app.pk, {}).get("kept", 0),
            missed=verdicts.get(app.pk, {}).get("missed", 0),
        )
        for app in App.objects.order_by("name")
    ]
    overdue_by_app = _bars(
        sorted(
            ((record.app.slug, record.app.name, record.overdue, f"app__id__exact={record.app.pk}&deadline=overdue") for record in apps if record.overdue),
            key=lambda row: -row[2],
        )
    )
    return Dashboard(
        today=today,
        week_end=sunday,
        open_total=sum(open_counts.values()),
        overdue_total=requests.overdue(now).count(),
        breach_total=requests.overdue(now).statutory_breach(now).count(),
        due_this_week_total=requests.due_by(sunday, now).count(),
        by_state=by_state,
        overdue_by_app=overdue_by_app,
        apps=apps,
        kept_total=sum(r.kept for r in apps),
        judged_total=sum(r.judged for r in apps),
    )
