"""Changes to the catalog's calendar, its policy versions and their procedures, and other audited settings: one
function each, with its audit row in the same transaction.

A calendar correction moves deadlines: after the change commits, `calendar_changed` is sent with the days it
touched, and rights replays the clocks those days can move (rights/signals.py).
"""
from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.dispatch import Signal

from jobs.registry import CLOCK_RECOMPUTE
from jobs.services import enqueue
from records.models import AuditEntry

from .models import CalendarOverride, CalendarYear, PolicyVersion, Procedure

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


# --- Policy versions and their procedures --------------------------------------------------------------------
# A version's text and status change only through the importer's review (importer/store.py, which audits each
# decision); what the admin may still correct (a title, a date, a procedure) is saved here, with what it was.

VERSION_FIELDS = ("title", "published_on", "effective_on", "source_url", "source_name", "status", "checksum")


def _plain(value):
    """A field's value as JSON holds it (dates as ISO text)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value if value is None or isinstance(value, (bool, int, float, str, list, dict)) else str(value)


def _diff(old, new, fields) -> dict:
    return {
        name: {"old": _plain(getattr(old, name, None)), "new": _plain(getattr(new, name))}
        for name in fields
        if old is None or getattr(old, name) != getattr(new, name)
    }


def _version_subject(version: PolicyVersion) -> str:
    return f"{version.app} · {version.title} · #{version.pk}"


def _procedure_fields() -> list[str]:
    return [f.attname for f in Procedure._meta.concrete_fields if f.name not in ("id", "policy_version")]


def save_policy_version(*, version: PolicyVersion, acting_user=None) -> PolicyVersion:
    """Save a version added or corrected by hand, and audit what changed (nothing changed: no row)."""
    with transaction.atomic():
        old = PolicyVersion.objects.select_for_update().filter(pk=version.pk).first() if version.pk else None
        version.save()
        changes = _diff(old, version, VERSION_FIELDS)
        if changes:
            audit(
                action="policy version added" if old is None else "policy version changed",
                subject=_version_subject(version),
                changes=changes,
                acting_user=acting_user,
            )
    return version


def delete_policy_version(*, version: PolicyVersion, acting_user=None) -> None:
    with transaction.atomic():
        audit(
            action="policy version deleted",
            subject=_version_subject(version),
            changes={"old": {name: _plain(getattr(version, name)) for name in VERSION_FIELDS},
                     "procedures": version.procedures.count()},
            acting_user=acting_user,
        )  # fmt: skip
        version.delete()


def save_procedure(*, procedure: Procedure, acting_user=None) -> Procedure:
    """Save a procedure added or corrected in the catalog, and audit what changed (nothing changed: no row)."""
    with transaction.atomic():
        old = Procedure.objects.select_for_update().filter(pk=procedure.pk).first() if procedure.pk else None
        procedure.save()
        changes = _diff(old, procedure, _procedure_fields())
        if changes:
            audit(
                action="procedure added" if old is None else "procedure changed",
                subject=f"{_version_subject(procedure.policy_version)} · {procedure.right} · #{procedure.pk}",
                changes=changes,
                acting_user=acting_user,
            )
    return procedure


def delete_procedure(*, procedure: Procedure, acting_user=None) -> None:
    with transaction.atomic():
        audit(
            action="procedure deleted",
            subject=f"{_version_subject(procedure.policy_version)} · {procedure.right} · #{procedure.pk}",
            changes={"old": {name: _plain(getattr(procedure, name)) for name in _procedure_fields()}},
            acting_user=acting_user,
        )
        procedure.delete()
