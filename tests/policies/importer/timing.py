"""Time the importer without hanging the suite: super-linear code is stopped at its budget, not waited for.

Times are the process's CPU time, not wall time: on a shared 2-core CI machine the neighbours decide the wall
time (a 40k policy took 0.15 s of CPU and 0.56 s of wall time at a load of 12), not the importer. The budget is
generous on purpose (5 s of CPU per 100,000 characters, five times the issue's "under 1 s"); the code this
replaced took minutes to hours on the same texts. How time grows with the length is measured in bench/ (bench_importer_shapes.py), not asserted here.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager

import pytest

SECONDS_PER_100K = 5.0


def budget_for(chars: int) -> float:
    return max(1.0, SECONDS_PER_100K * chars / 100_000)


class _OverBudget(Exception):
    pass


def _stop(signum, frame):
    raise _OverBudget


@contextmanager
def within(seconds: float, what: str):
    """Fail the test (rather than wait) when the block uses more than `seconds` of CPU time (ITIMER_PROF).
    Regular expressions are interrupted too: the re module checks for signals while it backtracks."""
    previous = signal.signal(signal.SIGPROF, _stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    over = False
    try:
        yield
    except _OverBudget:
        over = True
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
    if over:
        pytest.fail(f"{what} did not finish within {seconds:.1f} s", pytrace=False)
