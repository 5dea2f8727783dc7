"""The request: what was asked of which app, its state machine (django-fsm-2, generated from the event table),
the tally the desk counts from, and the Asia/Shanghai moments the desk shows."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from deadlines.counting import SHANGHAI
from policies.models import (
    App,
    Procedure,
    Right,
)

from ..events import EVENTS, STATE_EVENTS
from ..querysets import RightsRequestQuerySet
from ..states import ACTIVE_STATES, CLOSED_STATES, OPEN_STATES, State  # noqa: F401 - re-exported


def _may_record(permission: str):
    def check(instance, user) -> bool:
        # None is the system (commands without --by, tasks): it may record every event.
        return user is None or user.has_perm(permission)

    return check


def _event_transition(name: str):
    event = EVENTS[name]

    def method(self):
        pass

    method.__name__ = name
    method.__doc__ = str(event.help) if event.help else None
    return transition(
        field="state", source=list(event.sources), target=event.target, permission=_may_record(event.permission)
    )(method)


# The FSM transitions, one per state-changing event of the table (rights/events.py): never written by hand.
CaseEventTransitions = type("CaseEventTransitions", (), {name: _event_transition(name) for name in STATE_EVENTS})


class RightsRequest(CaseEventTransitions, ConcurrentTransitionMixin, models.Model):
    app = models.ForeignKey(App, models.PROTECT, related_name="requests", verbose_name=_("app"))
    right = models.CharField(_("right"), max_length=24, choices=Right)
    procedure = models.ForeignKey(
        Procedure,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("procedure followed"),
        help_text=_("The procedure of the policy in force that this request follows."),
    )
    requester_name = models.CharField(_("requester"), max_length=200)
    requester_contact = models.CharField(_("requester contact"), max_length=200, blank=True)
    channel_used = models.CharField(_("channel used"), max_length=300, blank=True)
    app_ticket_number = models.CharField(_("app's ticket number"), max_length=100, blank=True, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
        verbose_name=_("assignee"),
    )
    notes = models.TextField(_("notes"), blank=True)
    state = FSMField(_("state"), default=State.DRAFT, choices=State, protected=True, db_index=True)
    regulator = models.CharField(_("regulator"), max_length=200, blank=True)
    regulator_reference = models.CharField(_("regulator's reference"), max_length=100, blank=True)
    refusal_reason = models.TextField(_("refusal reason"), blank=True)
    filed_at = models.DateTimeField(_("filed at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    # The promises the request is held to, as the policy in force stated them when the request reached the app
    # (rights.clocks.snapshot_promises); the clocks are replayed from these and the events.
    promises = models.JSONField(_("promises held to"), default=list, blank=True, editable=False)
    # Kept by the clock projection (rights.clocks.project), never written anywhere else.
    next_due = models.DateField(_("next last day"), null=True, blank=True, editable=False)
    next_due_at = models.DateTimeField(_("overdue from"), null=True, blank=True, editable=False)
    breach_at = models.DateTimeField(_("past the statutory limit from"), null=True, blank=True, editable=False)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True, editable=False)
    # What the finished clocks already decide (rights.status.settled_verdict), kept by the projection too: the
    # dashboard's kept / missed / refused per app is then one indexed GROUP BY instead of a pass over every request.
    verdict = models.CharField(_("verdict so far"), max_length=8, blank=True, editable=False, db_index=False)

    objects = RightsRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("rights request")
        verbose_name_plural = _("rights requests")
        permissions = [("export_rightsrequest", _("Can export rights requests"))]
        indexes = [
            # The list's order (nearest last day first, then the newest; ASC puts NULLs last in PostgreSQL, as the
            # ordering asks; SQLite refuses NULLS LAST in an index), so a page is an index range, not a
            # sort of every request; the same order within one state or one app.
            # next_due_at last: "due by a day" (request_due_by_q) checks the moment in the index while it walks
            # the days in list order, and counts from the index alone.
            models.Index(
                F("next_due").asc(),
                F("filed_at").desc(),
                F("id").desc(),
                F("next_due_at"),
                name="request_list_order_idx",
            ),
            # Sorted by the deadline column descending (?o=-1: next_due DESC, PostgreSQL's NULLS FIRST, then the
            # newest): the ascending index read backwards would give the oldest first among equal days.
            models.Index(F("next_due").desc(), F("filed_at").desc(), F("id").desc(), name="request_list_desc_idx"),
            models.Index(
                "state", F("next_due").asc(), F("filed_at").desc(), F("id").desc(), name="request_state_order_idx"
            ),
            models.Index(
                "app", F("next_due").asc(), F("filed_at").desc(), F("id").desc(), name="request_app_order_idx"
            ),
            models.Index(
                "assignee", F("next_due").asc(), F("filed_at").desc(), F("id").desc(), name="request_assignee_order_idx"
            ),
            # The home's unassigned cases by next last day (rights.desk.home_desk): the index above starts with the
            # assignee, and the planner walked the list's order instead, past every assigned request due earlier.
            models.Index(
                F("next_due").asc(), F("filed_at").desc(), F("id").desc(), name="request_unassigned_order_idx",
                condition=Q(assignee__isnull=True),
            ),
            # The dashboard's groups: open requests by state and app, settled verdicts by app (index-only scans).
            models.Index(fields=["state", "app"], name="request_state_app_idx"),
            models.Index(fields=["verdict", "app"], name="request_verdict_app_idx", condition=~Q(verdict="")),
            # The deadline filters and the dashboard's per-app counts (rights.status.request_overdue_q and
            # request_breach_q): index-only ranges on the projected moments.
            models.Index(
                fields=["next_due_at", "app"], name="request_next_due_at_idx", condition=Q(next_due_at__isnull=False)
            ),
            models.Index(
                fields=["breach_at", "app"], name="request_breach_at_idx", condition=Q(breach_at__isnull=False)
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.app} · {self.get_right_display()} · {self.requester_name}"

    def clean(self):
        if self.procedure_id and self.app_id and self.procedure.policy_version.app_id != self.app_id:
            raise ValidationError({"procedure": _("The procedure belongs to another app's policy.")})

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES

    # The requester's own data (PIPL art. 47): chained as a digest at filing, replaced by a marker on redaction.
    PERSONAL_FIELDS = ("requester_name", "requester_contact")

    def personal_fields(self) -> dict:
        return {name: getattr(self, name) for name in self.PERSONAL_FIELDS}


class RequestTally(models.Model):
    """How many requests of an app are in a state, have a verdict, a refusal reason, or a deadline moment on a day:
    the dashboard's counts at any size. Kept by a PostgreSQL trigger on the request table (rights.tally), like an
    index: nothing in Python writes it."""

    app = models.ForeignKey(App, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("app"))
    kind = models.CharField(max_length=12)
    value = models.CharField(max_length=200, blank=True)
    day = models.DateField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["app", "kind", "value", "day"], name="request_tally_key")]

    def __str__(self):
        return f"{self.app_id} {self.kind} {self.value} {self.day}: {self.n}"


def mask_contact(contact: str) -> str:
    """Show enough of a phone or e-mail to recognise it, not to use it: 138****5678, z***@example.com."""
    contact = contact.strip()
    if not contact:
        return ""
    if "@" in contact:
        local_part, _, domain = contact.partition("@")
        return f"{local_part[:1]}***@{domain}"
    if len(contact) <= 4:
        return "*" * len(contact)
    keep = 3 if len(contact) >= 11 else 1
    return contact[:keep] + "*" * (len(contact) - keep - 4) + contact[-4:]


def local_minute(moment: datetime | None) -> str:
    """A moment as the desk shows it: Asia/Shanghai, to the minute ("" for none)."""
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if moment else ""
