"""Complaints about a request: to the app itself, to a regulator (12300, the internet-services platform, 网信,
市场监管) or, after a refusal, to a court. The channels are catalog data with their citations; a complaint has
its own small state machine (complaints.events), its own event log and its own deadline clocks.

State changes go through `complaints.services.record_complaint_event` only (the FSM field is protected).
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from deadlines.models import ClockBase
from deadlines.querysets import ClockQuerySet
from deadlines.status import running_q
from policies.models import App, PolicyVersion, Unit
from records.models import ChainedEntry, append_only_triggers
from rights.models import RightsRequest

from .events import EVENTS, ComplaintState
from .querysets import ComplaintQuerySet


class Addressee(models.TextChoices):
    """Whom a complaint channel addresses (a channel's kind); not policies.ChannelKind, the way a request is made."""

    APP = "app", _("The app itself")
    REGULATOR = "regulator", _("Regulator")
    COURT = "court", _("Court")


class Prerequisite(models.TextChoices):
    NONE = "", _("None")
    APP_COMPLAINT = "app_complaint", _("A complaint to the app, unanswered or answered unsatisfactorily")
    REFUSAL = "refusal", _("The app refused the request")


class ClockStartsAt(models.TextChoices):
    LODGED = "lodged", _("Lodged")
    ADMITTED = "admitted", _("Admitted")


class Channel(models.Model):
    """Where a complaint can go, what it takes, and how long the channel itself has, each with its source."""

    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("As on the command line: app, 12300, isc, 12377, 12315, court."))
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Addressee)
    how_to_lodge = models.TextField(_("how to lodge"), blank=True, help_text=_("Website, phone or address; provincial centres."))
    how_to_lodge_en = models.TextField(_("how to lodge, in English"), blank=True)
    regulation = models.CharField(_("rules"), max_length=300, blank=True, help_text=_("The rules the channel works under."))
    prerequisite = models.CharField(_("prerequisite"), max_length=16, choices=Prerequisite, blank=True, default="")
    prerequisite_days = models.PositiveSmallIntegerField(
        _("days the app has to answer first"), null=True, blank=True, help_text=_("Calendar days after the complaint to the app.")
    )
    prerequisite_citation = models.CharField(_("prerequisite: citation"), max_length=300, blank=True)
    time_bar_years = models.PositiveSmallIntegerField(_("time bar (years)"), null=True, blank=True)
    time_bar_citation = models.CharField(_("time bar: citation"), max_length=300, blank=True)
    contents_citation = models.CharField(_("required contents: citation"), max_length=300, blank=True)
    needs_complainant_address = models.BooleanField(_("needs the complainant's address, phone and postcode"), default=False)
    needs_respondent_address = models.BooleanField(_("needs the respondent's address"), default=False)
    agent_citation = models.CharField(_("agents: citation"), max_length=300, blank=True)
    agent_needs_identity_document = models.BooleanField(_("an agent adds an identity document"), default=False)
    admission_amount = models.PositiveSmallIntegerField(_("admission decided within"), null=True, blank=True)
    admission_unit = models.CharField(_("admission: unit"), max_length=12, choices=Unit, blank=True)
    admission_citation = models.CharField(_("admission: citation"), max_length=300, blank=True)
    answer_amount = models.PositiveSmallIntegerField(
        _("answer within"), null=True, blank=True, help_text=_("For the app itself: used when its policy promises nothing for complaints.")
    )
    answer_unit = models.CharField(_("answer: unit"), max_length=12, choices=Unit, blank=True)
    answer_starts = models.CharField(_("answer clock starts"), max_length=10, choices=ClockStartsAt, default=ClockStartsAt.LODGED)
    answer_citation = models.CharField(_("answer: citation"), max_length=300, blank=True)
    drafting = models.BooleanField(_("drafts a complaint"), default=True, help_text=_("Unchecked: a case file only (courts)."))
    escalates_request = models.BooleanField(
        _("lodging escalates the request"), default=True, help_text=_("Lodging records the request's escalation to this channel.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("complaint channel")
        verbose_name_plural = _("complaint channels")
        constraints = [
            models.CheckConstraint(
                condition=Q(admission_amount__isnull=True, admission_unit="") | Q(admission_amount__gte=1) & ~Q(admission_unit=""),
                name="channel_admission_amount_and_unit",
            ),
            models.CheckConstraint(
                condition=Q(answer_amount__isnull=True, answer_unit="") | Q(answer_amount__gte=1) & ~Q(answer_unit=""),
                name="channel_answer_amount_and_unit",
            ),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.code})"

    # The reader's language picks the words (a page, a mail, a command): the English text where one is entered.
    @property
    def display_name(self) -> str:
        return self.name_en if self.name_en and not _reads_chinese() else self.name

    @property
    def how_to_lodge_display(self) -> str:
        return self.how_to_lodge_en if self.how_to_lodge_en and not _reads_chinese() else self.how_to_lodge

    def clean(self):
        errors = {}
        if (self.admission_amount is None) != (not self.admission_unit):
            errors["admission_unit"] = _("A time limit needs an amount and a unit, or neither.")
        if (self.answer_amount is None) != (not self.answer_unit):
            errors["answer_unit"] = _("A time limit needs an amount and a unit, or neither.")
        if self.prerequisite == Prerequisite.APP_COMPLAINT and not self.prerequisite_days:
            errors["prerequisite_days"] = _("Say how many days the app has to answer first.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_regulator(self) -> bool:
        return self.kind != Addressee.APP


def _reads_chinese() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("zh")


def details_path(instance, filename):
    from rights.uploads import stored_name

    return f"complaints/parties/{instance.request_id}/{stored_name(filename)}"  # random, no extension


class RequesterDetails(models.Model):
    """What a complaint must say about the complainant (and an agent) beyond the request's name and contact."""

    request = models.OneToOneField(RightsRequest, models.CASCADE, related_name="complaint_details", verbose_name=_("request"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("postal address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    agent_name = models.CharField(_("agent"), max_length=200, blank=True, help_text=_("Leave empty when the requester complains in person."))
    agent_phone = models.CharField(_("agent's phone"), max_length=40, blank=True)
    agent_address = models.CharField(_("agent's address"), max_length=300, blank=True)
    power_of_attorney = models.FileField(_("power of attorney (授权委托书)"), upload_to=details_path, blank=True)
    agent_identity_document = models.FileField(_("agent's identity document"), upload_to=details_path, blank=True)

    class Meta:
        verbose_name = _("complainant details")
        verbose_name_plural = _("complainant details")

    def __str__(self):
        return f"#{self.request_id} {self.request.requester_name}"

    @property
    def has_agent(self) -> bool:
        return bool(self.agent_name.strip())


def _named_noop(name):
    """A transition body: django-fsm names the transition after the function."""

    def method(self):
        pass

    method.__name__ = method.__qualname__ = name
    return method


class Complaint(ConcurrentTransitionMixin, models.Model):
    request = models.ForeignKey(RightsRequest, models.PROTECT, related_name="complaints", verbose_name=_("request"))
    channel = models.ForeignKey(Channel, models.PROTECT, related_name="complaints", verbose_name=_("channel"))
    state = FSMField(_("state"), default=ComplaintState.DRAFTED, choices=ComplaintState, protected=True, db_index=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True, help_text=_("The channel's case or ticket number."))
    drafted_at = models.DateTimeField(_("drafted at"))
    lodged_at = models.DateTimeField(_("lodged at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    satisfied = models.BooleanField(_("requester satisfied with the answer"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The text as drafted (and, once lodged, as sent): copied from the generated draft, never re-generated.
    text = models.TextField(_("complaint text"), blank=True)
    text_en = models.TextField(_("English text (for reading)"), blank=True)
    # The channel's time limits as they stood when the complaint was lodged (complaints.clocks.snapshot_limits):
    # the clocks are replayed from these and the complaint's log; later catalog edits never change them.
    promises = models.JSONField(_("time limits held to"), default=list, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by"))

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-drafted_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self):
        return f"#{self.pk} · {self.channel.display_name} · #{self.request_id}"

    # The transitions, one per row of complaints.events.EVENTS that changes the state. Call them only through
    # complaints.services.record_complaint_event, which locks, checks and logs.
    for _event in EVENTS:
        if _event.sources and _event.target:
            locals()[_event.name] = transition(
                field=state, source=list(_event.sources), target=_event.target, permission=_event.permission
            )(_named_noop(_event.name))
    del _event


class ComplaintLog(ChainedEntry, models.Model):
    """The complaint's history: immutable, one row per event, in the complaint's hash chain."""

    # PROTECT: a complaint with history is withdrawn or closed, never deleted.
    complaint = models.ForeignKey(Complaint, models.PROTECT, related_name="log", verbose_name=_("complaint"))
    event = models.CharField(_("event"), max_length=40)
    source = models.CharField(_("from"), max_length=20, choices=ComplaintState, blank=True)
    target = models.CharField(_("to"), max_length=20, choices=ComplaintState)
    at = models.DateTimeField(_("happened at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by"))
    note = models.TextField(_("note"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    by_username = models.CharField(_("by (username then)"), max_length=150, blank=True, editable=False)
    prev_hash = models.CharField(_("previous row's hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False, db_index=True)

    CASE_FIELD = "complaint"
    EVENT_FIELD = "event"

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("complaint history entry")
        verbose_name_plural = _("complaint history")
        triggers = append_only_triggers()

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.event}"


def complaint_evidence_path(instance, filename):
    # A random name with no extension on disk (rights.uploads); the original name goes to `original_name`.
    from rights.uploads import keep_original_name

    return f"complaints/{instance.complaint_id}/{keep_original_name(instance, filename)}"


class ComplaintEvidence(models.Model):
    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="evidence", verbose_name=_("complaint"))
    log_entry = models.ForeignKey(ComplaintLog, models.PROTECT, null=True, blank=True, related_name="evidence", verbose_name=_("history entry"))
    file = models.FileField(_("file"), upload_to=complaint_evidence_path, blank=True)
    # After `file`: its upload_to fills this in while the row is saved. Used only as the download's file name.
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    redacted_at = models.DateTimeField(_("redacted at"), null=True, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("uploaded by"))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("complaint evidence")
        verbose_name_plural = _("complaint evidence")

    def __str__(self):
        return self.description or self.file.name


class ClockAction(models.TextChoices):
    ADMISSION = "admission", _("Admission decision")
    ANSWER = "answer", _("Answer")


class ComplaintClock(ClockBase):
    """A time limit the channel is held to (admission, answer): the same clock as a request's (deadlines.models.
    ClockBase), replayed by complaints.clocks from the complaint's log and the limits snapshotted when it was
    lodged (Complaint.promises). Nothing else writes these rows."""

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="clocks", verbose_name=_("complaint"))
    action = models.CharField(_("what is due"), max_length=10, choices=ClockAction)
    clock_start = models.CharField(_("clock starts at"), max_length=10, choices=ClockStartsAt)
    policy_version = models.ForeignKey(PolicyVersion, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("policy version"))
    # The limit, its last days and moments, and how it ended: deadlines.models.ClockBase.

    objects = ClockQuerySet.as_manager()

    class Meta:
        ordering = ["final_due", "id"]
        verbose_name = _("complaint clock")
        verbose_name_plural = _("complaint clocks")
        constraints = [models.UniqueConstraint(fields=["complaint", "action"], name="complaintclock_one_per_action")]
        indexes = [
            # The reminder sweep's and the queue's conditions on running clocks (deadlines.status.running_q).
            models.Index(
                fields=["deadline_at"], name="complaintclock_running_idx", include=["deadline", "complaint", "id"],
                condition=running_q(),
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.get_action_display()} · {self.final_due:%Y-%m-%d}"


class DraftTemplate(models.Model):
    """The text a draft is generated from; edited in the admin (with a preview), one per key and language."""

    class Language(models.TextChoices):
        ZH = "zh-hans", "简体中文"
        EN = "en", "English"

    key = models.CharField(_("document"), max_length=20, help_text=_("A channel code, or reminder / power_of_attorney."))
    language = models.CharField(_("language"), max_length=8, choices=Language)
    body = models.TextField(_("template"))

    class Meta:
        ordering = ["key", "language"]
        verbose_name = _("draft template")
        verbose_name_plural = _("draft templates")
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="draft_template_one_per_language")]

    def __str__(self):
        return f"{self.key} · {self.get_language_display()}"


__all__ = [
    "App", "Channel", "Addressee", "ClockAction", "ClockStartsAt", "Complaint", "ComplaintClock",
    "ComplaintEvidence", "ComplaintLog", "DraftTemplate", "Prerequisite", "RequesterDetails",
]
