from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.admin_lists import OddInputAdminMixin
from config.admin_readonly import ReadOnlyAdminMixin

from .audit_labels import action_label, changes_text, subject_label
from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(OddInputAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who changed the calendar, the catalog or the reminder settings: read-only for everyone."""

    list_display = ("at", "kind", "about", "by", "what_changed")
    list_filter = ("action",)
    search_fields = ("subject",)
    date_hierarchy = "at"
    fields = ("at", "kind", "about", "by", "what_changed")
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def kind(self, obj):
        return action_label(obj.action)

    @admin.display(description=_("subject"), ordering="subject")
    def about(self, obj):
        return subject_label(obj.subject)

    @admin.display(description=_("changes"))
    def what_changed(self, obj):
        return changes_text(obj.changes)
