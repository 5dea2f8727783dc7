"""The desk's view of correspondence: letters sent and messages received are records (read-only); triage is the
list of received messages filtered to "Unmatched", sorted with `mail attach` / `mail discard`."""

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from config.admin_lists import OddInputAdminMixin
from config.admin_readonly import ReadOnlyAdminMixin
from rights.models import RightsRequest

from . import views
from .models import InboundMail, Letter
from .reading import sanitise_html


@admin.register(Letter)
class LetterAdmin(OddInputAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sent_at", "request", "kind", "to", "subject", "message_id")
    list_filter = ("kind",)
    search_fields = ("message_id", "to", "subject")
    date_hierarchy = "sent_at"

    def get_urls(self):
        send = self.admin_site.admin_view(require_POST(self.send_view))
        send_complaint = self.admin_site.admin_view(require_POST(views.complaint_send_view))
        return [
            path("send/<int:request_id>/", send, name="correspondence_letter_send"),
            path("send-complaint/<int:complaint_id>/", send_complaint, name="correspondence_complaint_send"),
            *super().get_urls(),
        ]

    def send_view(self, http_request, request_id):
        """The case page's button: the same service as `requests send`; a refusal is the page's one-line message."""
        from .letters import LetterError
        from .sending import send_letter

        rights_request = get_object_or_404(RightsRequest, pk=request_id)
        try:
            letter = send_letter(
                request=rights_request,
                follow_up=bool(http_request.POST.get("follow_up")),
                acting_user=http_request.user,
            )
        except LetterError as error:
            messages.error(http_request, str(error))
        else:
            messages.success(http_request, f"{letter.subject} → {letter.to} ({letter.message_id})")
        return redirect(reverse("admin:rights_rightsrequest_change", args=[rights_request.pk]))


@admin.register(InboundMail)
class InboundMailAdmin(OddInputAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "received_at",
        "sender",
        "subject",
        "kind",
        "auto",
        "request",
        "suggested_request",
        "proposed_event",
    )
    list_filter = ("kind", "auto", "matched_by", "unreadable")
    search_fields = ("message_id", "sender", "subject")
    date_hierarchy = "received_at"
    exclude = ("raw", "body_html")  # the raw bytes are evidence, not a form field; HTML only as `html` below
    readonly_fields = ("html", "attachment_links")

    def get_urls(self):
        confirm = self.admin_site.admin_view(require_POST(views.confirm_view))
        attachment = self.admin_site.admin_view(views.attachment_view)
        return [
            path("<int:mail_id>/confirm/", confirm, name="correspondence_inboundmail_confirm"),
            path("attachment/<int:attachment_id>/", attachment, name="correspondence_mailattachment_download"),
            *super().get_urls(),
        ]

    @admin.display(description=_("body (HTML, sanitised)"))
    def html(self, mail):
        # Sanitised again as it is shown (nh3: no script, no event handler, no remote image), whatever was stored.
        return mark_safe(sanitise_html(mail.body_html)) if mail.body_html else "-"  # noqa: S308 - nh3-cleaned

    @admin.display(description=_("attachments"))
    def attachment_links(self, mail):
        items = [
            format_html(
                '<a href="{}" download>{}</a> ({} B)',
                reverse("admin:correspondence_mailattachment_download", args=[a.pk]), a.name, a.size,
            )
            if a.file
            else format_html("{} ({} B) — {}", a.name, a.size, a.refused)
            for a in mail.attachments.all()
        ]  # fmt: skip
        return format_html_join(mark_safe("<br>"), "{}", ((item,) for item in items)) if items else "-"
