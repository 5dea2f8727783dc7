"""What every app records and never rewrites: the append-only rule of a history, and the audit log of changes to
the catalog, the calendar, the complaint channels and the settings. Nothing here imports an app of the product,
so the deadline layer, the catalog and both tracks may use it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class AppendOnly:
    """A record's entries are written once: the audit log, a request's and a complaint's history are evidence, so
    an entry is never changed or deleted through the ORM's instance methods."""

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(
                _("%(entries)s cannot be changed: they are a record.")
                % {"entries": capfirst(self._meta.verbose_name_plural)}
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(
            _("%(entries)s cannot be deleted: they are a record.")
            % {"entries": capfirst(self._meta.verbose_name_plural)}
        )


class AuditEntry(AppendOnly, models.Model):
    """Who changed the catalog, the calendar or the reminder settings, when, and what (old -> new)."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=40)
    subject = models.CharField(_("subject"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        # The table the catalog created before the audit log moved here: moving the model moved no rows.
        db_table = "policies_auditentry"
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject}"
