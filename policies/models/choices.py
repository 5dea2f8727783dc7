"""The catalog's vocabulary: rights, promised actions, units, clock starts, how firmly a promise is worded, channel
kinds, and the importer's confidence and review states."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from deadlines.models import Unit


class Right(models.TextChoices):
    ACCOUNT_CANCELLATION = "account_cancellation", _("Account cancellation")
    DELETION = "deletion", _("Deletion")
    CORRECTION = "correction", _("Correction")
    ACCESS = "access", _("Access")
    COPY = "copy", _("Copy")
    CONSENT_WITHDRAWAL = "consent_withdrawal", _("Consent withdrawal")
    COMPLAINT = "complaint", _("Complaint")
    ANY_REQUEST = "any_request", _("Any request")


class Action(models.TextChoices):
    """What the app promises to do within the deadline."""

    REPLY = "reply", _("Reply")
    COMPLETION = "completion", _("Completion")


class ClockStart(models.TextChoices):
    """The event that starts a promise's clock."""

    RECEIPT = "receipt", _("Receipt of the request")
    IDENTITY_VERIFIED = "identity_verified", _("Identity verified")
    ACCOUNT_CANCELLED = "account_cancelled", _("Account cancelled")
    APPLICATION = "application", _("Application filed")


class Hedge(models.TextChoices):
    """How firmly a promise is worded: "一般情况下/原则上/尽最大努力" is soft; "最长" is an outer cap."""

    FIRM = "", _("Firm")
    SOFT = "soft", _('Soft ("usually", "in principle")')
    CAP = "cap", _('Outer cap ("at most")')


class ChannelKind(models.TextChoices):
    SELF_SERVICE = "self_service", _("Self-service path")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    IN_APP_AGENT = "in_app_agent", _("In-app agent")
    CONTACT_PERSON = "contact_person", _("Assigned contact person")
    POST = "post", _("Post")
    WEB = "web", _("Website")


class Confidence(models.TextChoices):
    """How sure the importer is of a proposed procedure: high when everything it proposes is written in the
    sentence itself; lower for each part read from around it (a heading, the sentence before, a normalised
    surface form). Hand-made catalog entries have none."""

    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class ReviewStatus(models.TextChoices):
    """Imported procedures wait for a person to accept them; the hand-made catalog is accepted."""

    DRAFT = "draft", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


# Nominal lengths in days, only to compare a promise with a cap stated in another unit.
_NOMINAL_DAYS = {
    Unit.WORKING_DAY: 7 / 5,
    Unit.CALENDAR_DAY: 1,
    Unit.HOUR: 1 / 24,
    Unit.WEEK: 7,
    Unit.MONTH: 30,
}


def nominal_days(amount: int, unit: str) -> float:
    return amount * _NOMINAL_DAYS[Unit(unit)]
