"""Calendar corrections reach every clock they can move, in every track registered in deadlines.registry
(requests and complaints). policies.services writes the recompute as a job row in the transaction that saves the
change (jobs/); after the commit this receiver asks for the pending jobs to run now: in this process when there is
no broker, through the worker when there is. If the broker is down the job simply waits: beat, `bin/up`'s loop or
`manage.py jobs run` runs it, and every desk page says a recompute is pending until then."""
import logging

from django.dispatch import receiver

from policies.services import calendar_changed

logger = logging.getLogger(__name__)


@receiver(calendar_changed, dispatch_uid="recompute_clocks_on_calendar_change")
def recompute_after_calendar_change(sender, days, year=None, **kwargs):
    from jobs.tasks import run_jobs

    from .tasks import run_task

    try:
        run_task(run_jobs)
    except Exception as error:  # noqa: BLE001 - the job row is committed; beat, the loop or `jobs run` runs it
        logger.warning("clock recompute queued as a job, not started now (%s: %s)", type(error).__name__, error)


def _register_jobs():
    from jobs.registry import CLOCK_RECOMPUTE, register

    from .tasks import recompute_clocks

    register(CLOCK_RECOMPUTE, recompute_clocks)


_register_jobs()  # imported from RightsConfig.ready()
