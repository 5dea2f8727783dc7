"""The dashboard's pictures (issue 19): per app, kept / missed / refused as a bar, and the median working days to
completion against the promise. Drawn here as SVG (no chart library, no CDN); coloured by the classes of
rights/static/rights/home.css, never by style attributes, so the CSP that forbids inline styles holds.

The verdicts are the dashboard's own (rights.presenters.dashboard: the tally's counts). The median reads the
latest WINDOW completions of all apps from an index (at most SAMPLE per app, one query), so the page costs the
same at a million requests as at a hundred; an app with no completion among them shows no days bar.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import median

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from deadlines.counting import local_day
from policies.models import Action, work_calendar

from .models import Clock, RightsRequest
from .presenters import AppRecord

SAMPLE = 50  # the latest completions per app the median is taken over...
WINDOW = 1000  # ...among the latest completions of every app (a bound on the rows read)


@dataclass(frozen=True)
class Completion:
    """How long an app took to complete requests, in working days, and how long its promises allowed."""

    count: int  # completions the medians are taken over (the latest SAMPLE at most)
    taken: float  # median working days from the clock's start to completion
    allowed: float  # median working days from the clock's start to the promise's last day

    @property
    def late(self) -> bool:
        return self.taken > self.allowed


def completions(*, now: datetime, sample: int = SAMPLE, window: int = WINDOW) -> dict[int, Completion]:
    """Per app id, the medians over its latest `sample` completions among the `window` latest of all apps (met
    by `now`): one index range (clock_completed_idx) and their requests' apps by primary key, however many
    requests there are."""
    latest = list(
        Clock.objects.filter(action=Action.COMPLETION, met_at__isnull=False, met_at__lte=now)
        .order_by("-met_at")
        .values_list("request_id", "started_at", "met_at", "final_due")[:window]
    )
    if not latest:
        return {}
    app_of = dict(RightsRequest.objects.filter(pk__in={row[0] for row in latest}).values_list("pk", "app_id"))
    rows = [(app_of[request], local_day(started_at), local_day(met_at), final_due) for request, started_at, met_at, final_due in latest]
    first = min(row[1] for row in rows)
    last = max(max(row[2], row[3]) for row in rows)
    between = work_calendar().working_days_counter(min(first, last), last)
    taken: dict[int, list[int]] = {}
    allowed: dict[int, list[int]] = {}
    for app_id, start, met, final_due in rows:
        if len(taken.get(app_id, ())) >= sample:
            continue
        taken.setdefault(app_id, []).append(between(start, met))
        allowed.setdefault(app_id, []).append(between(start, final_due))
    return {
        app_id: Completion(count=len(days), taken=median(days), allowed=median(allowed[app_id]))
        for app_id, days in taken.items()
    }


def _number(value: float) -> str:
    return f"{value:g}"


def _svg(label: str, shapes: SafeString) -> SafeString:
    """A bar as wide as its box: a 100x10 drawing stretched to the width home.css gives it."""
    return format_html(
        '<svg class="rd-svg rd-svg--bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{}"'
        ' xmlns="http://www.w3.org/2000/svg"><title>{}</title>'
        '<rect class="rd-svg__track" x="0" y="0" width="100" height="10"></rect>{}</svg>',
        label, label, shapes,
    )  # fmt: skip


def verdict_bar(record: AppRecord) -> SafeString:
    """Kept, missed and refused side by side, each as its share of the app's decided requests."""
    label = _("kept %(kept)d, missed %(missed)d, refused %(refused)d") % {
        "kept": record.kept, "missed": record.missed, "refused": record.refused}  # fmt: skip
    x, parts = 0.0, []
    for css, n in (("kept", record.kept), ("missed", record.missed), ("refused", record.refused)):
        width = 100 * n / record.judged if record.judged else 0
        if width:
            parts.append((css, f"{x:.2f}", f"{width:.2f}", n))
        x += width
    shapes = format_html_join(
        "", '<rect class="rd-svg__{}" data-part="{}" x="{}" y="0" width="{}" height="10"><title>{}</title></rect>',
        ((css, css, left, width, n) for css, left, width, n in parts),
    )  # fmt: skip
    return _svg(label, shapes)


def days_bar(completion: Completion, scale: float) -> SafeString:
    """The median working days taken as a bar, the promise's median as a mark across it; red when later."""
    label = _("median %(taken)s working days to completion; the promise allows %(allowed)s") % {
        "taken": _number(completion.taken), "allowed": _number(completion.allowed)}  # fmt: skip
    scale = scale or 1
    taken = 100 * min(completion.taken, scale) / scale
    promise = 100 * min(completion.allowed, scale) / scale
    shapes = format_html(
        '<rect class="rd-svg__{}" data-part="taken" x="0" y="2" width="{}" height="6"></rect>'
        '<line class="rd-svg__promise" data-part="promise" x1="{}" x2="{}" y1="0" y2="10" vector-effect="non-scaling-stroke"></line>',
        "late" if completion.late else "taken", f"{taken:.2f}", f"{promise:.2f}", f"{promise:.2f}",
    )  # fmt: skip
    return _svg(label, shapes)


@dataclass(frozen=True)
class AppChart:
    record: AppRecord
    verdicts: SafeString | None  # None: nothing decided yet
    completion: Completion | None
    days: SafeString | None


def app_charts(records: list[AppRecord], *, now: datetime) -> list[AppChart]:
    """One row of pictures per app, in the dashboard's order; one scale for every app's days bar."""
    found = completions(now=now)
    scale = max((max(c.taken, c.allowed) for c in found.values()), default=0)
    rows = []
    for record in records:
        completion = found.get(record.app.pk)
        rows.append(
            AppChart(
                record=record,
                verdicts=verdict_bar(record) if record.judged else None,
                completion=completion,
                days=days_bar(completion, scale) if completion else None,
            )
        )
    return rows
