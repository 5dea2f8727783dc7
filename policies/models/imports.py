"""An import of a policy started in the admin, run in the background (policies.importer.jobs)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalog import PolicyVersion


class PolicyImport(models.Model):
    """One import of a policy started in the admin. It runs in the background (policies.importer.jobs): the
    admin shows its progress and, once done, the review of the draft version it stored. Its error, if it
    fails, is one line for people."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    # What to import: the text as read (decoded, checked) when the import was started.
    text = models.TextField(_("text"))
    app_name = models.CharField(_("app"), max_length=200, blank=True)
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    source_url = models.URLField(_("source URL"), blank=True)
    policy_version = models.ForeignKey(
        PolicyVersion, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("policy version")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("policy import")
        verbose_name_plural = _("policy imports")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="policy_import_progress_at_most_100"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.source_name or self.app_name or ''}".strip()

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
