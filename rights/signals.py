"""Calendar corrections reach every clock they can move, in every track registered in deadlines.registry
(requests and complaints), after the change commits (never inside the admin's transaction): a Celery task, run
in process when there is no broker."""
from django.dispatch import receiver

from policies.services import calendar_changed


@receiver(calendar_changed, dispatch_uid="recompute_clocks_on_calendar_change")
def recompute_after_calendar_change(sender, days, year=None, **kwargs):
    from .tasks import recompute_clocks, run_task

    try:
        run_task(recompute_clocks, days=[day.isoformat() for day in days], provisional=year is not None)
    except Exception:  # the edit is committed; `clocks rebuild` repairs what a failed run left
        import logging

        logging.getLogger(__name__).exception("recomputing clocks after a calendar change failed")
