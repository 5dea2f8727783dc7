from django.contrib import admin

from config.admin_lists import OddInputAdminMixin
from config.admin_readonly import ReadOnlyAdminMixin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(OddInputAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who changed the calendar, the catalog or the reminder settings: read-only for everyone."""

    list_display = ("at", "action", "subject", "by", "changes")
    list_filter = ("action",)
    search_fields = ("subject",)
    date_hierarchy = "at"
