"""Complaint clocks that relied on an unpublished year follow calendar edits, like the request's clocks.

Issue 8 moves the request's recompute into a task run after commit; on merge, call
`recompute_provisional_complaint_clocks` from that task too and drop this receiver.
"""
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from policies.models import CalendarOverride, CalendarYear


@receiver([post_save, post_delete], sender=CalendarYear, dispatch_uid="complaints_recompute_on_calendar_year")
@receiver([post_save, post_delete], sender=CalendarOverride, dispatch_uid="complaints_recompute_on_calendar_override")
def recompute_complaint_deadlines(sender, **kwargs):
    def recompute():
        from policies.models import work_calendar

        from .clocks import recompute_provisional_complaint_clocks

        with transaction.atomic():
            recompute_provisional_complaint_clocks(calendar=work_calendar())

    transaction.on_commit(recompute)
