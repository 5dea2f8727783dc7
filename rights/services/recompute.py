"""Calendar corrections: replay the request clocks a changed calendar day or a published year can move."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from policies.workdays import WorkCalendar

from ..clocks import affected_by_calendar_day, rebuild
from ..models import RightsRequest


def recompute_after_calendar_change(days: Iterable[date]) -> int:
    """Replay the requests whose clocks a change of these calendar days could move; returns how many changed."""
    requests = RightsRequest.objects.none()
    for day in sorted(set(days)):
        requests = requests | affected_by_calendar_day(day)
    ids = RightsRequest.objects.filter(pk__in=requests.values("pk"))
    return len(rebuild(ids))


def recompute_provisional_clocks(*, calendar: WorkCalendar | None = None) -> int:
    """Replay the requests whose deadlines relied on an unpublished year."""
    return len(rebuild(RightsRequest.objects.filter(clocks__provisional=True).distinct(), calendar=calendar))
