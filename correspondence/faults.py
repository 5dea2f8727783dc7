"""A fault-injection point for the test that kills `mail fetch` with SIGKILL mid-run (tests/correspondence/
test_fetch.py). Only the test settings define MAIL_FETCH_PAUSE ("before_commit:FILE" or "after_commit:FILE", from
the environment variable RIGHTSDESK_TEST_FETCH_PAUSE); anywhere else this does nothing."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings


def pause_here(point: str) -> None:
    """At `point`, when the test asks for it: create FILE (the test's signal to kill) and wait to be killed."""
    wanted, _, marker = getattr(settings, "MAIL_FETCH_PAUSE", "").partition(":")
    if wanted != point or not marker:
        return
    Path(marker).touch()
    time.sleep(120)  # killed long before; if not, the test fails on its own timeout
