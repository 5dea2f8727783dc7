"""What each kind of job does. The apps above register a handler from their AppConfig.ready(), so this layer runs
their side effects without importing them."""

from __future__ import annotations

from collections.abc import Callable

# The clock recompute after a calendar change: while one is pending, every desk page says some deadlines are stale.
CLOCK_RECOMPUTE = "recompute_clocks"
# The periodic checkpoint of the history's chain heads (records.heads), scheduled by jobs.periodic.
EVIDENCE_CHECKPOINT = "evidence_checkpoint"

_handlers: dict[str, Callable[..., object]] = {}


def register(kind: str, handler: Callable[..., object]) -> None:
    _handlers[kind] = handler


def handler(kind: str) -> Callable[..., object]:
    return _handlers[kind]
