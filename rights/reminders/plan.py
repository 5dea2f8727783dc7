"""The plan: every unsent ledger row grouped by recipient, those no longer due cancelled.

The rows a sweep has just recorded are taken as they are (the rules found them due a moment ago); every other
pending or failed row (held before the send time, failed, or recorded by a sweep running at the same time) is read
once, streamed, and checked against its clock: still running (the one definition of each track, through its clock
source), still the same last day, not snoozed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from deadlines.workdays import WorkCalendar

from ..models import (
    RETRYABLE_REMINDER_STATES,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderSettings,
    ReminderStatus,
)
from ..querysets import today_in_shanghai
from .digest import Digest, DigestItem
from .ledger import BATCH, Recorded, claim, int_array
from .sources import clock_sources


@dataclass
class Plan:
    digests: list[Digest]
    cancelled: int


# What deciding "still due?" and "to whom?" takes, per unsent row; the names and labels a line shows are loaded
# later, for the lines a digest shows (rights.reminders.digest.fill_details).
_PLAN_FIELDS = (
    "id", "request_id", "clock_id", "kind", "due", "repeat", "is_running", "last_day", "statutory_last_day",
    "request__assignee_id", "request__assignee__email", "request__assignee__is_active",
)  # fmt: skip


def still_due(
    *, kind: str, due: date, running: bool, last_day: date | None, statutory_last_day: date | None,
    request_id: int, clock_id: int | None, today: date, snoozes: tuple[set[int], set[int]],
) -> bool:
    """Whether a recorded, unsent reminder is still worth sending today (its clock still runs and still has the
    deadline the reminder is about)."""
    if not running:
        return False
    if kind == ReminderKind.DUE_SOON:
        return last_day == due and today <= due
    if kind == ReminderKind.OVERDUE:
        # Held or failed, it goes out as it is (the next one is recorded only after it was sent), unless snoozed.
        snoozed_requests, snoozed_clocks = snoozes
        return last_day == due and today > due and request_id not in snoozed_requests and clock_id not in snoozed_clocks
    if kind == ReminderKind.STATUTORY_BREACH:
        return statutory_last_day == due
    if kind == ReminderKind.ESCALATE:
        return last_day == due
    return False


class Recipients:
    """Who gets a request's reminders: its assignee (or the address they chose), else the team address."""

    def __init__(self, today: date):
        self.today = today
        self.preferences = {p.user_id: p for p in ReminderPreference.objects.all()}
        self.language = django_settings.LANGUAGE_CODE  # read once: settings are a lazy object, asked per row
        self.team = (django_settings.TEAM_EMAIL, self.language)
        self.known: dict[tuple, tuple[str, str]] = {}  # a few dozen assignees for tens of thousands of rows

    def __call__(self, user_id: int | None, email: str | None, is_active: bool | None) -> tuple[str, str]:
        key = (user_id, email, is_active)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = self._decide(user_id, email, is_active)
        return found

    def _decide(self, user_id: int | None, email: str | None, is_active: bool | None) -> tuple[str, str]:
        if user_id is None or not is_active:
            return self.team
        preference = self.preferences.get(user_id)
        if preference and preference.away_until and self.today <= preference.away_until:
            return self.team  # away: the team covers, nothing waits for their return
        address = (preference.email if preference else "") or email
        if not address:
            return self.team
        return address, preference.language if preference else self.language

    @staticmethod
    def accounts(user_ids) -> dict[int, tuple[str, bool]]:
        """(e-mail, active) of these users."""
        ids = sorted({pk for pk in user_ids if pk is not None})
        found = {}
        for start in range(0, len(ids), BATCH):
            rows = get_user_model().objects.filter(pk__in=ids[start : start + BATCH]).values_list("pk", "email", "is_active")
            found.update((pk, (email, active)) for pk, email, active in rows)
        return found


# One str object per kind, shared by every item (a sweep may hold tens of thousands).
_KINDS = {kind.value: kind.value for kind in ReminderKind}


def plan_deliveries(
    *, now: datetime, config: ReminderSettings, calendar: WorkCalendar, snoozes: tuple[set[int], set[int]],
    recorded: Recorded | None = None,
) -> Plan:
    """Group every unsent row by recipient: the rows this sweep has just `recorded` as they are, every other one
    read once, streamed, and cancelled when it is no longer due."""
    today = today_in_shanghai(now)
    recipient_for = Recipients(today)
    stale: list[int] = []
    digests: dict[str, Digest] = {}

    def add(address: str, language: str, item: DigestItem) -> None:
        digest = digests.get(address)
        if digest is None:
            digest = digests[address] = Digest(address=address, language=language)
        digest.items.append(item)

    own = recorded.rows if recorded else []
    accounts = recipient_for.accounts(row[5] for row in own)
    for reminder_id, request_id, kind, due, repeat, assignee_id, source in own:
        email, active = accounts.get(assignee_id, ("", False))
        add(*recipient_for(assignee_id, email, active), DigestItem(reminder_id, request_id, _KINDS.get(kind, kind), due, repeat, source))

    others = Reminder.objects.filter(status__in=RETRYABLE_REMINDER_STATES)
    own_ids = {row[0] for row in own}
    mine = None
    if own_ids and connection.vendor == "postgresql":
        # Left out in the database, as one array (a list of 80,000 parameters would cost more than the join).
        mine = RawSQL("SELECT unnest(%s::bigint[])", [int_array(sorted(own_ids))])
        others = others.exclude(pk__in=mine)
    # Nothing else unsent (every later sweep of the day, and most first ones): one probe of the ledger's partial
    # index instead of the joins, which PostgreSQL plans from the statistics of a ledger just filled (hashing a
    # million requests and clocks to join no row: 0.2-0.8 s of a repeat sweep at a million requests).
    for source in clock_sources() if others.exists() else ():
        rows = others.filter(source=source.name).order_by().annotate(**source.ledger_columns()).values_list(*_PLAN_FIELDS)
        for row in rows.iterator(chunk_size=5000):
            (reminder_id, request_id, clock_id, kind, due, repeat, running, last_day, statutory_last_day,
             assignee_id, email, assignee_active) = row  # fmt: skip
            if reminder_id in own_ids:
                continue  # (SQLite: left out here)
            if not still_due(
                kind=kind, due=due, running=running, last_day=last_day, statutory_last_day=statutory_last_day,
                request_id=request_id, clock_id=clock_id, today=today, snoozes=snoozes,
            ):  # fmt: skip
                stale.append(reminder_id)
                continue
            item = DigestItem(reminder_id, request_id, _KINDS.get(kind, kind), due, repeat, source.name)
            add(*recipient_for(assignee_id, email, assignee_active), item)
    cancelled = 0
    stale.sort()
    for start in range(0, len(stale), BATCH):
        with transaction.atomic():
            ids = claim(stale[start : start + BATCH])
            cancelled += Reminder.objects.filter(pk__in=ids).update(status=ReminderStatus.CANCELLED)
    for digest in digests.values():
        digest.items.sort(key=lambda item: item.urgency)
    return Plan(digests=sorted(digests.values(), key=lambda d: d.address), cancelled=cancelled)
