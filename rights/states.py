"""The states of a rights request, and the groups of states the rules speak of (no model code: the event table
and the model both import them)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    AWAITING_IDENTITY = "awaiting_identity", _("Awaiting identity proof")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ESCALATED = "escalated", _("Escalated to a regulator")
    RESOLVED = "resolved", _("Resolved")


# The app owes an answer or an action and nobody has gone over its head yet.
ACTIVE_STATES = (State.SUBMITTED, State.AWAITING_IDENTITY, State.IN_PROGRESS)
# Nothing more is expected; the request is read-only until it is reopened.
CLOSED_STATES = (State.CONFIRMED, State.REFUSED, State.WITHDRAWN, State.RESOLVED)
OPEN_STATES = tuple(s for s in State if s not in CLOSED_STATES)
