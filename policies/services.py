"""Changes to the catalog's calendar and other audited settings: one function each, with its audit row.

A calendar correction moves deadlines: after the change commits, `calendar_changed` is sent with the days it
touched, and rights replays the clocks those days can move (rights/signals.py).
"""
from __future__ import annotations

from datetime import date

from django.db import transaction
from django.dispatch import Signal

from jobs.registry import CLOCK_RECOMPUTE
from jobs.services import enqueue
from records.models import AuditEntry

from .models import CalendarOverride, CalendarYear

# Sent after commit with `days` (the calendar days that changed) and `year` (a year whose schedule was entered).
calendar_changed = Signal()


def audit(*, action: str, subject: str, changes: dict | None = None, acting_user=None) -> AuditEntry:
    return AuditEntry.objects.create(action=action, subject=subject[:300], changes=changes or {}, by=acting_user)


def _notify(days: list[date], year: int | None = None) -> None:
    # The recompute is a job row in this transaction: a broker outage or a crash after the commit cannot lose it
    # (jobs/; the tracks register what it does).
    enqueue(CLOCK_RECOMPUTE, {"days": [day.isoformat() for day in days], "provisional": year is not None})
    transaction.on_commit(lambda: calendar_changed.send(sender=CalendarOverride, days=days, year=year))


def set_calendar_day(*, day: date, working: bool, name: str = "", acting_user=None, notify: bool = True) -> CalendarOverride:
    """Enter a day's status as the State Council notice gives it: a day off, or a make-up working day."""
    with transaction.atomic():
        old = CalendarOverride.objects.select_for_update().filter(day=day).first()
        override, _created = CalendarOverride.objects.update_or_create(day=day, defaults={"is_working_day": working, "name": name})
        audit(
            action="calendar override",
            subject=day.isoformat(),
            changes={
                "old": None if old is None else {"working": old.is_working_day, "name": old.name},
                "new": {"working": working, "name": name},
            },
            acting_user=acting_user,
        )
        if notify:
            _notify([day])
    return override


def remove_calendar_day(*, override: CalendarOverride, acting_user=None, notify: bool = True) -> None:
    with transaction.atomic():
        audit(
            action="calendar override removed",
            subject=override.day.isoformat(),
            changes={"old": {"working": override.is_working_day, "name": override.name}, "new": None},
            acting_user=acting_user,
        )
        day = override.day
        override.delete()
        if notify:
            _notify([day])


def publish_calendar_year(*, year: int, published_on: date | None = None, source: str = "", acting_user=None, notify: bool = True) -> CalendarYear:
    """Mark a year's official schedule as entered: its deadlines stop being provisional."""
    with transaction.atomic():
        entry, created = CalendarYear.objects.update_or_create(year=year, defaults={"published_on": published_on, "source": source})
        audit(
            action="calendar year published",
            subject=str(year),
            changes={"new": {"published_on": published_on.isoformat() if published_on else None, "source": source}, "created": created},
            acting_user=acting_user,
        )
        if notify:
            _notify([date(year, 1, 1)], year)
    return entry


def remove_calendar_year(*, entry: CalendarYear, acting_user=None, notify: bool = True) -> None:
    with transaction.atomic():
        audit(action="calendar year removed", subject=str(entry.year), changes={"old": {"source": entry.source}}, acting_user=acting_user)
        year = entry.year
        entry.delete()
        if notify:
            _notify([date(year, 1, 1)], year)
