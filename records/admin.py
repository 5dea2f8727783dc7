from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.admin_lists import OddInputAdminMixin
from config.admin_readonly import ReadOnlyAdminMixin

from .audit_labels import action_label, subject_label
from .models import AuditEntry


class ActionFilter(admin.SimpleListFilter):
    """By action, named in the reader's language (the stored codes are English)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(code, action_label(code)) for code in AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(OddInputAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who changed the calendar, the catalog or the reminder settings: read-only for everyone."""

    list_display = ("at", "kind", "about", "by", "what_changed")
    list_filter = (ActionFilter,)
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
        # Personal values sealed out of the row are shown from beside it until a redaction (records.personal).
        return obj.changes_display
