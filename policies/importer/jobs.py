"""Imports started in the admin run in the background, so that no web request waits on reading a policy.

start_policy_import stores what to import as a PolicyImport and, once that is committed, hands its id to the
Celery task policies.tasks.run_policy_import: to a worker through the broker in production (REDIS_URL set,
so settings.RIGHTSDESK_TASKS_IN_PROCESS is false), or, in the embedded default and the tests (tasks in
process: nothing would ever take the task from the in-memory transport), to a thread of this process that runs
the same task in place. run_policy_import is the one path that reads, extracts and stores; the admin's
progress page follows the row.

A broker that does not answer (Redis down, a wrong REDIS_URL) fails the job at once with a one-line reason
instead of leaving it queued for nobody; the job keeps the text, and the admin shows the form again with it.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections, transaction
from django.utils.translation import gettext as _

from policies.models import PolicyImport

from .errors import ImporterError
from .extract import extract
from .store import import_policy_version

logger = logging.getLogger(__name__)

# How far an import is, in percent, after each step (the admin's progress bar).
_STARTED, _EXTRACTED = 10, 60


@transaction.atomic
def start_policy_import(
    *, text: str, app_name: str = "", source_name: str = "", source_url: str = "", acting_user=None
) -> PolicyImport:
    """Queue the import of a policy text that was read (reading.read_policy) and run it in the background."""
    job = PolicyImport.objects.create(
        text=text,
        app_name=app_name.strip()[:200],
        source_name=source_name[:255],
        source_url=source_url,
        started_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    transaction.on_commit(lambda: dispatch(job.pk), robust=True)
    return job


def dispatch(job_id: int) -> bool:
    """Hand the job to its runner; False (and the job failed, saying why) when the broker cannot take it."""
    from policies.tasks import run_policy_import

    try:
        if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) or not settings.RIGHTSDESK_TASKS_IN_PROCESS:
            # Through the broker; kombu retries a refused connection briefly, then raises OperationalError.
            run_policy_import.delay(job_id)
        else:
            threading.Thread(target=_run_in_thread, args=(job_id,), name=f"policy-import-{job_id}", daemon=True).start()
    except Exception:  # whatever the transport raises, the person gets one line, the log the rest
        logger.exception("policy import #%s could not be handed to its runner", job_id)
        with transaction.atomic():
            job = PolicyImport.objects.select_for_update().filter(pk=job_id, state=PolicyImport.State.QUEUED).first()
            if job is not None:
                _fail(
                    job,
                    _(
                        "The import could not be started: the background task queue does not answer. The text is kept; "
                        "try again in a few minutes, and tell the administrator if it goes on."
                    ),
                )
        return False
    return True


def _run_in_thread(job_id: int) -> None:
    from policies.tasks import run_policy_import

    try:
        run_policy_import.apply(args=(job_id,))
    finally:
        connections.close_all()  # this thread's own connections


def run_import(*, job_id: int) -> PolicyImport | None:
    """Run a queued import: extract, store the draft version, record the outcome. A job that another run has
    already taken (a task delivered twice) is left alone. Every failure ends the job with a one-line message;
    none escapes."""
    with transaction.atomic():
        job = PolicyImport.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != PolicyImport.State.QUEUED:
            return job
        job.state, job.progress = PolicyImport.State.RUNNING, _STARTED
        job.save(update_fields=["state", "progress", "updated_at"])
    try:
        extraction = extract(job.text)
        _advance(job, _EXTRACTED)
        version = import_policy_version(
            text=job.text,
            app_name=job.app_name,
            source_name=job.source_name,
            source_url=job.source_url,
            extraction=extraction,
        )
    except ImporterError as e:
        return _fail(job, str(e))
    except Exception:  # the person sees one line; the log keeps the traceback
        logger.exception("policy import #%s failed", job.pk)
        return _fail(job, _("The import failed unexpectedly (the error is logged for the administrator); try again."))
    job.state, job.progress, job.policy_version = PolicyImport.State.DONE, 100, version
    job.save(update_fields=["state", "progress", "policy_version", "updated_at"])
    return job


def _advance(job: PolicyImport, progress: int) -> None:
    job.progress = progress
    job.save(update_fields=["progress", "updated_at"])


def _fail(job: PolicyImport, message: str) -> PolicyImport:
    job.state, job.error = PolicyImport.State.FAILED, " ".join(message.split())[:500]
    job.save(update_fields=["state", "error", "updated_at"])
    return job
