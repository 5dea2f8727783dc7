"""The tracks whose clocks the deadline layer keeps: each registers here from its AppConfig.ready() (rights: the
requests; complaints: the complaints), so this layer reaches every clock without importing the apps above it.

A track gives what replaying its clocks takes: every owner of clocks (a queryset), the owners a change of one
calendar day could move, the owners with a provisional clock, and `rebuild(owners, check=, calendar=)`. Then
`clocks rebuild [--check]` and a calendar correction (admin or command line, any year, published or not) go
through every track the same way.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from .workdays import WorkCalendar


@dataclass(frozen=True)
class ClockTrack:
    name: str  # what the command line prints: "request", "complaint"
    owners: Callable[[], object]  # () -> a queryset of every object with clocks
    affected_by_day: Callable[[date], object]  # (day) -> the owners whose clocks a change of that day could move
    provisional: Callable[[], object]  # () -> the owners with a clock relying on an unpublished year
    # (owners queryset, *, check, calendar) -> [(owner id, [difference, ...])]: with check, the owners whose
    # stored clocks differ from a replay (nothing written); without, the owners it rewrote.
    rebuild: Callable[..., list[tuple[int, list[str]]]]


_tracks: dict[str, ClockTrack] = {}


def register(track: ClockTrack) -> None:
    _tracks[track.name] = track


def tracks() -> tuple[ClockTrack, ...]:
    return tuple(_tracks.values())


@dataclass(frozen=True)
class Replayed:
    track: ClockTrack
    total: int  # owners replayed
    differing: list[tuple[int, list[str]]]  # owners that differed (and, without check, were rewritten)


def rebuild_all(*, check: bool = False, calendar: WorkCalendar) -> list[Replayed]:
    """Replay every track's clocks (or, with `check`, compare them with a replay and change nothing)."""
    result = []
    for track in tracks():
        owners = track.owners()
        result.append(Replayed(track, owners.count(), track.rebuild(owners, check=check, calendar=calendar)))
    return result


def recompute_after_calendar_change(
    days: Iterable[date], *, year_published: bool = False, calendar: WorkCalendar
) -> dict[str, int]:
    """Replay, in every track, the clocks a change of these calendar days could move (and, once a year's schedule
    is entered or removed, every provisional one); returns how many owners changed per track."""
    days = sorted(set(days))
    changed = {}
    for track in tracks():
        affected = track.owners().none()
        for day in days:
            affected = affected | track.affected_by_day(day)
        if year_published:
            affected = affected | track.provisional()
        owners = track.owners().filter(pk__in=affected.values("pk"))
        changed[track.name] = len(track.rebuild(owners, check=False, calendar=calendar))
    return changed
