"""Provisional deadlines are recomputed as soon as a year's official schedule is entered or corrected."""
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from policies.models import CalendarOverride, CalendarYear


@receiver([post_save, post_delete], sender=CalendarYear, dispatch_uid="recompute_on_calendar_year")
@receiver([post_save, post_delete], sender=CalendarOverride, dispatch_uid="recompute_on_calendar_override")
def recompute_provisional_deadlines(sender, **kwargs):
    from .services import recompute_provisional_clocks

    # After commit: one recompute per admin save, on the calendar as committed.
    transaction.on_commit(lambda: recompute_provisional_clocks())
