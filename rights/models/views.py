"""Saved views of the request list (the desk)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..states import ACTIVE_STATES, CLOSED_STATES, OPEN_STATES, State  # noqa: F401 - re-exported


class SavedView(models.Model):
    """A filter set and sorting of the request list saved under a name (the list's query string), the owner's
    own or shared with the team. Written by rights.desk.save_view, which checks the name and the query."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="saved_views", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters and sorting"), max_length=1000, blank=True)
    shared = models.BooleanField(_("shared with the team"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_view_unique_name_per_owner")]

    def __str__(self):
        return self.name
