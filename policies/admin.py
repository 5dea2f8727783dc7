from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .admin_import import PolicyImportAdminMixin
from .models import App, CalendarOverride, CalendarYear, PolicyVersion, Procedure, StatutoryDefault, Unit


class PolicyVersionInline(admin.TabularInline):
    model = PolicyVersion
    fields = ("title", "published_on", "effective_on", "status")
    show_change_link = True
    extra = 0


# Django 6's default scheme for URLs typed without one.
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(App)
class AppAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ("name", "operator", "website")
    search_fields = ("name", "operator")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [PolicyVersionInline]


class ProcedureInline(admin.StackedInline):
    model = Procedure
    extra = 0
    fields = (
        ("right", "action", "review_status"),
        ("deadline_min", "deadline_max", "deadline_unit"),
        ("clock_start", "hedge"),
        "channels",
        "quote",
        "effective",
        "note",
    )
    readonly_fields = ("effective",)

    @admin.display(description=_("effective deadline"))
    def effective(self, obj):
        return effective_deadline_html(obj) if obj.pk else "—"


def effective_deadline_html(procedure: Procedure):
    effective = procedure.effective_deadline()
    if effective is None:
        return "—"
    amount = str(effective.min) if effective.min == effective.max else f"{effective.min}–{effective.max}"
    text = f"{amount} {Unit(effective.unit).label}"
    if effective.exceeds_cap:
        return format_html(
            '<strong style="color:#b00">{}</strong> · {} ({})', text, _("promise exceeds the statutory cap"), effective.statutory.citation
        )
    if effective.statutory:
        return format_html("{} · {} ({})", text, _("statutory default"), effective.statutory.citation)
    return text


@admin.register(PolicyVersion)
class PolicyVersionAdmin(PolicyImportAdminMixin, admin.ModelAdmin):
    list_display = ("app", "title", "published_on", "effective_on", "status", "procedure_count")
    list_filter = ("app", "status")
    search_fields = ("app__name", "title")
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    readonly_fields = ("checksum", "imported_at")
    inlines = [ProcedureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("app").annotate(
            _procedures=Count("procedures")
        )

    @admin.display(description=_("procedures"), ordering="_procedures")
    def procedure_count(self, obj):
        return obj._procedures


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("app", "right", "action", "promise", "clock_start", "hedge", "effective", "review_status")
    list_filter = ("right", "action", "deadline_unit", "review_status", "policy_version__app")
    search_fields = ("quote", "policy_version__app__name")
    list_select_related = ("policy_version__app",)
    # What the importer proposed a procedure from is its record, not something to edit.
    readonly_fields = ("extraction_rule", "confidence", "confidence_reasons")

    @admin.display(description=_("app"), ordering="policy_version__app__name")
    def app(self, obj):
        return obj.policy_version.app

    @admin.display(description=_("promise"))
    def promise(self, obj):
        return obj.promise_display()

    @admin.display(description=_("channels"))
    def channels_display(self, obj):
        return format_html_join(", ", "{}", ((c.get("value"),) for c in obj.channels))

    @admin.display(description=_("effective deadline"))
    def effective(self, obj):
        return effective_deadline_html(obj)


@admin.register(StatutoryDefault)
class StatutoryDefaultAdmin(admin.ModelAdmin):
    list_display = ("code", "citation", "amount", "unit", "action", "is_cap", "priority")


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "published_on", "source")


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("day", "is_working_day", "name")
    list_filter = ("is_working_day",)
    date_hierarchy = "day"
