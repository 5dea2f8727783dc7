"""The interpreter's settings a burst of work may change for its own length (and always puts back)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cyclic_collection() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a burst of work runs (a reminder sweep, a policy's
    extraction). Such work allocates many short-lived objects, and every few thousand of them the collector
    scanned everything alive, Django included: at a million requests a fifth of a sweep's Python time, and the
    slowest tenth of extractions. Reference counting still frees what the work drops; the few cycles it makes
    wait for the next collection after it. The setting as it was is put back (work in another thread that found
    the collector paused leaves it to the first)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
