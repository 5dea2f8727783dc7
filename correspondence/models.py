"""Letters out and mail in, for both tracks. Both are records: written once (records.AppendOnly), never changed.
What a message did to a case is read from them: a letter is *not delivered* when a bounce answers it, a request's
mail is its letters and the messages threaded to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from records.models import AppendOnly, append_only_triggers
from rights.models import RightsRequest
from rights.uploads import stored_name


def mail_path(instance, filename):
    # Under a random name (rights.uploads' rule); the original name is kept in the row.
    return f"mail/{stored_name(filename)}"


class LetterKind(models.TextChoices):
    REQUEST = "request", _("Request letter")
    FOLLOW_UP = "follow_up", _("Follow-up")
    COMPLAINT = "complaint", _("Complaint to the app")


class Letter(AppendOnly, models.Model):
    """A letter the desk sent to the app, as it left: its headers, the .eml and its SHA-256."""

    request = models.ForeignKey(RightsRequest, models.PROTECT, related_name="letters", verbose_name=_("request"))
    # A complaint to the app (`complaints send`): the letter is the complaint's, and still on its request's record.
    complaint = models.ForeignKey(
        Complaint, models.PROTECT, null=True, blank=True, related_name="letters", verbose_name=_("complaint")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=LetterKind)
    message_id = models.CharField(_("message ID"), max_length=300, unique=True)
    in_reply_to = models.CharField(_("in reply to"), max_length=300, blank=True)
    sender = models.CharField(_("from"), max_length=300)
    to = models.CharField(_("to"), max_length=300)
    reply_to = models.CharField(_("reply to"), max_length=300)
    subject = models.CharField(_("subject"), max_length=300)
    sent_at = models.DateTimeField(_("sent at"))
    eml = models.FileField(_("message as sent (.eml)"), upload_to=mail_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("sent by")
    )

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        triggers = append_only_triggers()

    def __str__(self):
        return f"#{self.request_id} {self.subject}"


class MailKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    AUTO_REPLY = "auto_reply", _("Auto-reply")
    BOUNCE = "bounce", _("Not delivered")
    UNMATCHED = "unmatched", _("Unmatched (triage)")


class MatchedBy(models.TextChoices):
    TOKEN = "token", _("Reply address")
    THREAD = "thread", _("In-Reply-To / References")
    NONE = "", _("Not matched")


class InboundMail(AppendOnly, models.Model):
    """A message received, kept as it arrived (raw bytes and their SHA-256) with what was read from it. Unreadable
    bytes are kept too (`unreadable`), so nothing that reached the desk is lost."""

    message_id = models.CharField(_("message ID"), max_length=300, unique=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    raw = models.BinaryField(_("message as received"))
    unreadable = models.BooleanField(_("unreadable"), default=False)
    received_at = models.DateTimeField(_("received at"))
    sent_at = models.DateTimeField(_("date (its Date header)"), null=True, blank=True)
    sender = models.CharField(_("from"), max_length=300, blank=True)
    to = models.TextField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    headers = models.JSONField(_("headers"), default=list, blank=True)
    authentication = models.TextField(_("Authentication-Results"), blank=True)
    body_text = models.TextField(_("body (text)"), blank=True)
    body_html = models.TextField(_("body (HTML, sanitised)"), blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=MailKind)
    auto = models.BooleanField(_("auto-reply"), default=False)
    matched_by = models.CharField(_("matched by"), max_length=8, choices=MatchedBy, blank=True)
    request = models.ForeignKey(
        RightsRequest, models.PROTECT, null=True, blank=True, related_name="inbound_mail", verbose_name=_("request")
    )
    complaint = models.ForeignKey(
        Complaint, models.PROTECT, null=True, blank=True, related_name="inbound_mail", verbose_name=_("complaint")
    )
    letter = models.ForeignKey(
        Letter, models.PROTECT, null=True, blank=True, related_name="answers", verbose_name=_("answers the letter")
    )
    proposed_event = models.CharField(_("proposed event"), max_length=40, blank=True)
    suggested_request = models.ForeignKey(
        RightsRequest, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("suggested request")
    )

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("received message")
        verbose_name_plural = _("received messages")
        indexes = [models.Index(fields=["kind", "received_at"], name="inbound_kind_idx")]
        triggers = append_only_triggers()

    def __str__(self):
        return f"{self.sender} {self.subject}"


class MailAttachment(AppendOnly, models.Model):
    """An attachment of a received message: stored as evidence when the one upload check (rights.services.
    check_evidence) accepts it; otherwise only its name, size, hash and why it was refused."""

    mail = models.ForeignKey(InboundMail, models.PROTECT, related_name="attachments", verbose_name=_("message"))
    name = models.CharField(_("name"), max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(_("file"), upload_to=mail_path, blank=True)
    refused = models.CharField(_("refused because"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        triggers = append_only_triggers()

    def __str__(self):
        return self.name


class TriageDecision(AppendOnly, models.Model):
    """What a person decided about an unmatched message: it belongs to this request, or (no request) it is discarded.
    Written once; the message itself is never changed."""

    mail = models.OneToOneField(InboundMail, models.PROTECT, related_name="decision", verbose_name=_("message"))
    request = models.ForeignKey(
        RightsRequest, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("attached to")
    )
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("triage decision")
        verbose_name_plural = _("triage decisions")
        triggers = append_only_triggers()

    def __str__(self):
        return f"{self.mail_id} -> {self.request_id or '-'}"
