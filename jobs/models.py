"""Durable side effects (a transactional outbox of our own): a job row is written in the transaction that saves
the change, so a broker outage, a crash or a restart cannot lose it. The worker, beat, `bin/up`'s loop and
`manage.py jobs run` all run what is pending through jobs.runner, retrying until the job succeeds.

This app is the lowest layer: it imports nothing of the product. The apps above register what each kind of job
does (jobs.registry) from their AppConfig.ready().
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(done_at__isnull=True)

    def due(self, *, now):
        return self.pending().filter(run_after__lte=now)


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    run_after = models.DateTimeField(_("run after"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["id"]
        indexes = [models.Index(fields=["run_after"], condition=models.Q(done_at__isnull=True), name="job_pending")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"
