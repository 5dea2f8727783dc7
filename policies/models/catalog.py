"""The catalog: each app, its policy versions and the procedure each version states for a right, and the
statutory defaults that apply when a policy is silent and cap what it may promise."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Action, ChannelKind, ClockStart, Confidence, Hedge, ReviewStatus, Right, Unit, nominal_days


class App(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    operator = models.CharField(_("operator"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    emails = models.JSONField(_("e-mail addresses"), default=list, blank=True)
    phones = models.JSONField(_("phone numbers"), default=list, blank=True)
    addresses = models.JSONField(_("postal addresses"), default=list, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("app")
        verbose_name_plural = _("apps")

    def __str__(self):
        return self.name

    def policy_in_force(self, on: date) -> PolicyVersion | None:
        return self.policy_versions.in_force(on).first()


class PolicyVersionQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(status=ReviewStatus.ACCEPTED)

    def in_force(self, on: date):
        """Accepted versions effective on `on`, newest first (the first is the one in force)."""
        effective = models.functions.Coalesce("effective_on", "published_on")
        return (
            self.accepted()
            .annotate(_effective=effective)
            .filter(Q(_effective__lte=on) | Q(_effective__isnull=True))
            .order_by(models.F("_effective").desc(nulls_last=True), "-id")
        )


class PolicyVersion(models.Model):
    app = models.ForeignKey(App, models.CASCADE, related_name="policy_versions", verbose_name=_("app"))
    title = models.CharField(_("title"), max_length=300)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    source_url = models.URLField(_("source URL"), blank=True)
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    source_text = models.TextField(_("source text"), blank=True)
    checksum = models.CharField(_("SHA-256 of the source text"), max_length=64, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus, default=ReviewStatus.ACCEPTED)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["app", "-effective_on", "-id"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [
            models.UniqueConstraint(fields=["app", "checksum"], name="policy_version_unique_text_per_app"),
        ]

    def __str__(self):
        when = self.effective_on or self.published_on
        return f"{self.app} · {self.title}" + (f" ({when:%Y-%m-%d})" if when else "")

    def save(self, *args, **kwargs):
        self.checksum = self.checksum_of(self.source_text)
        super().save(*args, **kwargs)

    @staticmethod
    def checksum_of(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def previous(self) -> PolicyVersion | None:
        """The app's version in force just before this one (for comparing promises)."""
        qs = self.app.policy_versions.accepted().exclude(pk=self.pk)
        when = self.effective_on or self.published_on
        if when:
            qs = qs.filter(Q(effective_on__lt=when) | Q(effective_on__isnull=True, published_on__lt=when))
        return qs.order_by("-effective_on", "-published_on", "-id").first()


class StatutoryDefault(models.Model):
    """A regulatory time limit: the default when a policy is silent, and the cap on what it may promise."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    citation = models.CharField(_("citation"), max_length=300)
    clause = models.TextField(_("clause"), help_text=_("The rule, quoted."))
    rights = models.JSONField(_("rights"), default=list, help_text=_("Rights this limit governs."))
    action = models.CharField(_("action"), max_length=12, choices=Action, blank=True, help_text=_("Empty: any action."))
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=12, choices=Unit)
    clock_start = models.CharField(_("clock starts at"), max_length=20, choices=ClockStart)
    is_cap = models.BooleanField(_("caps promises"), default=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)

    class Meta:
        ordering = ["priority", "code"]
        verbose_name = _("statutory default")
        verbose_name_plural = _("statutory defaults")

    def __str__(self):
        return f"{self.citation}: {self.amount} {Unit(self.unit).label}"

    def clean(self):
        unknown = set(self.rights) - set(Right.values)
        if unknown:
            raise ValidationError({"rights": _("Unknown rights: %(r)s") % {"r": ", ".join(sorted(unknown))}})

    @classmethod
    def governing(cls, right: str, action: str) -> StatutoryDefault | None:
        # JSON "contains" lookups are not supported on SQLite, so match rights in Python (a handful of rows).
        for default in cls.objects.filter(Q(action=action) | Q(action="")).order_by("priority", "code"):
            if right in default.rights:
                return default
        return None


@dataclass(frozen=True)
class EffectiveDeadline:
    """What a request is held to: the promise, or the statutory default when the policy is silent."""

    min: int
    max: int
    unit: str
    clock_start: str
    statutory: StatutoryDefault | None  # the default used, if the promise is missing or exceeds the cap
    exceeds_cap: bool  # the promise is longer than the statutory cap (non-compliant; the cap applies)

    def as_dict(self) -> dict:
        return {
            "min": self.min,
            "max": self.max,
            "unit": self.unit,
            "clock_start": self.clock_start,
            "source": "statutory" if self.statutory else "promise",
            "exceeds_cap": self.exceeds_cap,
        }


class ProcedureQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(review_status=ReviewStatus.ACCEPTED)

    def in_force(self, app: App, on: date):
        version = app.policy_in_force(on)
        return self.filter(policy_version=version).accepted() if version else self.none()


class Procedure(models.Model):
    """One right's procedure as a policy version states it: channels, promise and the verbatim clause."""

    policy_version = models.ForeignKey(
        PolicyVersion, models.CASCADE, related_name="procedures", verbose_name=_("policy version")
    )
    right = models.CharField(_("right"), max_length=24, choices=Right)
    action = models.CharField(_("promised action"), max_length=12, choices=Action)
    channels = models.JSONField(
        _("channels"),
        default=list,
        blank=True,
        help_text=_('A list of {"kind": …, "value": …}, e.g. {"kind": "self_service", "value": "我的-设置-注销账户"}.'),
    )
    deadline_min = models.PositiveIntegerField(_("deadline (least)"), null=True, blank=True)
    deadline_max = models.PositiveIntegerField(_("deadline (most)"), null=True, blank=True)
    deadline_unit = models.CharField(_("deadline unit"), max_length=12, choices=Unit, blank=True)
    clock_start = models.CharField(_("clock starts at"), max_length=20, choices=ClockStart, default=ClockStart.RECEIPT)
    hedge = models.CharField(_("hedge"), max_length=4, choices=Hedge, blank=True, default=Hedge.FIRM)
    quote = models.TextField(_("quoted clause"), help_text=_("Verbatim from the policy text."))
    # The analyst's note, in both languages of the desk: the catalog is read in Chinese and in English.
    note = models.TextField(_("note (Chinese)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    # What the importer proposed this from and how sure it is (empty for the hand-made catalog).
    extraction_rule = models.CharField(_("extraction rule"), max_length=40, blank=True)
    confidence = models.CharField(_("confidence"), max_length=8, choices=Confidence, blank=True)
    confidence_reasons = models.JSONField(_("reasons"), default=list, blank=True)
    review_status = models.CharField(_("review"), max_length=10, choices=ReviewStatus, default=ReviewStatus.ACCEPTED)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        ordering = ["policy_version", "right", "action", "id"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_min__isnull=True, deadline_max__isnull=True, deadline_unit="")
                | Q(deadline_min__isnull=False, deadline_max__isnull=False, deadline_min__lte=models.F("deadline_max"))
                & ~Q(deadline_unit=""),
                name="procedure_deadline_complete_and_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.policy_version.app} · {self.get_right_display()} · {self.promise_display()}"

    @property
    def has_promise(self) -> bool:
        return self.deadline_min is not None

    def promise_display(self) -> str:
        if not self.has_promise:
            return str(_("no promised deadline"))
        amount = (
            str(self.deadline_min)
            if self.deadline_min == self.deadline_max
            else f"{self.deadline_min}–{self.deadline_max}"
        )
        return f"{amount} {Unit(self.deadline_unit).label}"

    def clean(self):
        errors = {}
        if self.deadline_min is not None and self.deadline_max is None:
            self.deadline_max = self.deadline_min
        if (self.deadline_min is None) != (self.deadline_max is None) or (
            (self.deadline_min is None) != (not self.deadline_unit)
        ):
            errors["deadline_unit"] = _("A deadline needs an amount and a unit, or neither.")
        elif self.deadline_min is not None and self.deadline_min > self.deadline_max:
            errors["deadline_max"] = _("The longest deadline cannot be shorter than the shortest.")
        if (
            self.policy_version_id
            and self.policy_version.source_text
            and self.quote not in self.policy_version.source_text
        ):
            errors["quote"] = _("The quote must be a verbatim passage of the policy text.")
        for channel in self.channels or []:
            if (
                not isinstance(channel, dict)
                or channel.get("kind") not in ChannelKind.values
                or not channel.get("value")
            ):
                errors["channels"] = _('Each channel needs a known "kind" and a "value".')
                break
        if errors:
            raise ValidationError(errors)

    def statutory_default(self) -> StatutoryDefault | None:
        return StatutoryDefault.governing(self.right, self.action)

    def effective_deadline(self, statutory: StatutoryDefault | None = None) -> EffectiveDeadline | None:
        """The promise; the statutory default when the policy is silent; the cap when the promise exceeds it."""
        statutory = statutory if statutory is not None else self.statutory_default()
        if self.has_promise:
            if (
                statutory
                and statutory.is_cap
                and nominal_days(self.deadline_max, self.deadline_unit) > nominal_days(statutory.amount, statutory.unit)
            ):
                return EffectiveDeadline(
                    statutory.amount, statutory.amount, statutory.unit, self.clock_start, statutory, True
                )
            return EffectiveDeadline(
                self.deadline_min, self.deadline_max, self.deadline_unit, self.clock_start, None, False
            )
        if statutory:
            return EffectiveDeadline(
                statutory.amount, statutory.amount, statutory.unit, statutory.clock_start, statutory, False
            )
        return None

    def as_dict(self) -> dict:
        effective = self.effective_deadline()
        return {
            "right": self.right,
            "action": self.action,
            "deadline": (
                {"min": self.deadline_min, "max": self.deadline_max, "unit": self.deadline_unit}
                if self.has_promise
                else None
            ),
            "clock_start": self.clock_start,
            "hedge": self.hedge or None,
            "channels": self.channels,
            "quote": self.quote,
            "effective_deadline": effective.as_dict() if effective else None,
            "statutory": (
                {
                    "code": effective.statutory.code,
                    "citation": effective.statutory.citation,
                    "amount": effective.statutory.amount,
                    "unit": effective.statutory.unit,
                }
                if effective and effective.statutory
                else None
            ),
        }
