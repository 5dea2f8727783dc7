"""Every desk page says when a clock recompute is still waiting: until it runs, some deadlines shown are stale."""

from __future__ import annotations

from .models import Job
from .registry import CLOCK_RECOMPUTE


def pending_jobs(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated or not request.user.is_staff:
        return {}
    return {"clock_recompute_pending": Job.objects.pending().filter(kind=CLOCK_RECOMPUTE).exists()}
