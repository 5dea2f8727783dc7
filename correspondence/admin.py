"""The desk's view of correspondence: letters sent and messages received are records (read-only); triage is the
list of received messages filtered to "Unmatched", sorted with `mail attach` / `mail discard`."""

from django.contrib import admin

from config.admin_lists import OddInputAdminMixin
from config.admin_readonly import ReadOnlyAdminMixin

from .models import InboundMail, Letter


@admin.register(Letter)
class LetterAdmin(OddInputAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sent_at", "request", "kind", "to", "subject", "message_id")
    list_filter = ("kind",)
    search_fields = ("message_id", "to", "subject")
    date_hierarchy = "sent_at"


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
    exclude = ("raw", "body_html")  # the raw bytes are evidence, not a form field; HTML is never rendered here
