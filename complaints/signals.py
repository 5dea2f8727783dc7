"""Complaint clocks that relied on an unpublished year follow calendar corrections, like the request's clocks:
policies.services sends `calendar_changed` after the correction commits."""
from django.db import transaction
from django.dispatch import receiver

from policies.services import calendar_changed


@receiver(calendar_changed, dispatch_uid="complaints_recompute_on_calendar_change")
def recompute_complaint_deadlines(sender, **kwargs):
    from policies.models import work_calendar

    from .clocks import recompute_provisional_complaint_clocks

    with transaction.atomic():
        recompute_provisional_complaint_clocks(calendar=work_calendar())
