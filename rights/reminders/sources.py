"""The registry of clock sources: what the sweep needs of each track's clocks, filled in by the tracks themselves.

rights is below complaints (deadlines <- policies <- rights <- complaints), so the sweep never names a track's
clocks: each track registers one `ClockSource` in its `AppConfig.ready()` (rights the request clocks,
rights/reminders/request_clocks.py; complaints its complaint clocks, complaints/reminder_clocks.py), and every
step of the sweep loops over `clock_sources()`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

if TYPE_CHECKING:
    from .rules import Rules

# The ledger's `source` of the request's own clocks, the one source whose clocks the ledger references by a foreign
# key (`Reminder.clock`): rights owns them. Every other source's clock is a plain id (`Reminder.source_clock_id`).
REQUEST = "request"


@dataclass(frozen=True)
class ClockDetails:
    """How one clock is named in a digest, in the active language ("12300 受理决定"), and whether its last day is
    provisional (next year's calendar is not published yet)."""

    label: str
    provisional: bool


@dataclass(frozen=True)
class ClockSource:
    """What the sweep needs of one track's clocks.

    - `name`: the ledger's `source` for reminders about these clocks;
    - `add_rules(rules)`: the track's due queries, added with `rules.add(...)` (rights.reminders.rules): rows of
      (request id, clock id, kind, last day, repeat) over its running clocks, with its own named filters;
    - `clocks()`: a queryset of its clocks; `running(prefix)`: the SQL condition of a clock that still runs (the
      one definition of the track); `last_day` and `statutory_last_day`: the columns the reminders are about;
      together they tell the plan whether a recorded, unsent reminder is still due;
    - `describe(ids)`: how the clocks are named in a digest, read in one query, in the active language (the
      request's own clocks need none: a digest reads them through the ledger's foreign key);
    - `note`: a sentence for the foot of a digest that has lines about these clocks (what stops their repeats).
    """

    name: str
    add_rules: Callable[[Rules], None]
    clocks: Callable[[], QuerySet]
    running: Callable[[str], Q]
    last_day: str
    statutory_last_day: str
    describe: Callable[[list[int]], dict[int, ClockDetails]] | None = None
    note: str = ""

    def ledger_columns(self) -> dict:
        """Per ledger row about one of these clocks: whether the clock still runs, its last day and its statutory
        last day, as expressions over the ledger (primary-key probes of the clock, read only for unsent rows)."""
        clock = self.clocks().order_by().filter(pk=OuterRef("source_clock_id"))
        return {
            "is_running": Exists(clock.filter(self.running(""))),
            "last_day": Subquery(clock.values(self.last_day)[:1]),
            "statutory_last_day": Subquery(clock.values(self.statutory_last_day)[:1]),
        }


_sources: dict[str, ClockSource] = {}


def register_clock_source(source: ClockSource) -> None:
    """Called from a track's AppConfig.ready(). Registering a name again replaces it (ready() may run twice in
    tests); the order of first registration (INSTALLED_APPS) is the order the sweep records in."""
    _sources[source.name] = source


def clock_sources() -> list[ClockSource]:
    return list(_sources.values())


def clock_source(name: str) -> ClockSource | None:
    return _sources.get(name)
