from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from config.admin_lists import OddInputAdminMixin
from config.admin_readonly import ReadOnlyAdminMixin

from .admin_import import PolicyImportAdminMixin
from .forms import AppForm, ProcedureForm
from .models import App, CalendarOverride, CalendarYear, PolicyVersion, Procedure, StatutoryDefault, Unit
from .services import (
    delete_policy_version,
    delete_procedure,
    publish_calendar_year,
    remove_calendar_day,
    remove_calendar_year,
    save_policy_version,
    save_procedure,
    set_calendar_day,
)


class PolicyVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The app's versions, read only: a version changes through the importer's review (and its own page, audited),
    never in passing on the App page, where a status set to draft would silently take the app's promises away."""

    model = PolicyVersion
    fields = ("title", "published_on", "effective_on", "status")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False


# Django 6's default scheme for URLs typed without one.
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(App)
class AppAdmin(admin.ModelAdmin):
    form = AppForm  # e-mails, phones and addresses as rows, not JSON
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ("name", "operator", "website")
    search_fields = ("name", "operator")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [PolicyVersionInline]


class ProcedureInline(admin.StackedInline):
    model = Procedure
    form = ProcedureForm  # channels as rows of (kind, value)
    extra = 0
    fields = (
        ("right", "action", "review_status"),
        ("deadline_min", "deadline_max", "deadline_unit"),
        ("clock_start", "hedge"),
        "channels",
        "quote",
        "effective",
        ("note", "note_en"),
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
            '<strong class="rd-warning">{}</strong> · {} ({})', text, _("promise exceeds the statutory cap"), effective.statutory.citation
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
    # A version's text and review status change only through the importer's review: an edit here would skip the
    # review and break the verbatim quotes the procedures (and every request's snapshot) carry.
    readonly_fields = ("checksum", "imported_at", "status", "source_text")
    inlines = [ProcedureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("app").annotate(
            _procedures=Count("procedures")
        )

    @admin.display(description=_("procedures"), ordering="_procedures")
    def procedure_count(self, obj):
        return obj._procedures

    # Every change to a version or its procedures goes through policies.services, which audits it.
    def save_model(self, request, obj, form, change):
        save_policy_version(version=obj, acting_user=request.user)

    def delete_model(self, request, obj):
        delete_policy_version(version=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_policy_version(version=obj, acting_user=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Procedure:
            return super().save_formset(request, form, formset, change)
        for procedure in formset.save(commit=False):
            save_procedure(procedure=procedure, acting_user=request.user)
        for procedure in formset.deleted_objects:
            delete_procedure(procedure=procedure, acting_user=request.user)
        return None


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    # Channel and quote tell apart procedures that promise the same (no look-alike rows, issue 10).
    list_display = (
        "app", "right", "action", "promise", "hedge_display", "channels_display", "quote_excerpt", "clock_start",
        "effective", "review_status",
    )  # fmt: skip
    list_filter = ("right", "action", "deadline_unit", "review_status", "policy_version__app")
    search_fields = ("quote", "policy_version__app__name")
    list_select_related = ("policy_version__app",)
    form = ProcedureForm  # channels as rows of (kind, value), not JSON
    # What the importer proposed a procedure from is its record, not something to edit.
    readonly_fields = ("extraction_rule", "confidence", "confidence_reasons")

    @admin.display(description=_("app"), ordering="policy_version__app__name")
    def app(self, obj):
        return obj.policy_version.app

    def save_model(self, request, obj, form, change):
        save_procedure(procedure=obj, acting_user=request.user)

    def delete_model(self, request, obj):
        delete_procedure(procedure=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_procedure(procedure=obj, acting_user=request.user)

    @admin.display(description=_("promise"))
    def promise(self, obj):
        return obj.promise_display()

    @admin.display(description=_("channels"))
    def channels_display(self, obj):
        channels = [c for c in obj.channels or [] if isinstance(c, dict)]
        return format_html_join(mark_safe("<br>"), "{}", ((c.get("value"),) for c in channels)) or "—"

    @admin.display(description=_("how firm"), ordering="hedge")
    def hedge_display(self, obj):
        # "Firm" would be false for a procedure that promises no deadline at all.
        return obj.get_hedge_display() if obj.has_promise else _("no deadline promised")

    @admin.display(description=_("quote"))
    def quote_excerpt(self, obj):
        quote = " ".join((obj.quote or "").split())
        return format_html('<span title="{}" lang="zh-Hans">{}</span>', quote, quote if len(quote) <= 60 else quote[:59] + "…")

    @admin.display(description=_("effective deadline"))
    def effective(self, obj):
        return effective_deadline_html(obj)


@admin.register(StatutoryDefault)
class StatutoryDefaultAdmin(admin.ModelAdmin):
    list_display = ("code", "citation", "amount", "unit", "action", "is_cap", "priority")


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Entering a year's schedule goes through policies.services (audit row; clocks replayed after commit)."""

    list_display = ("year", "published_on", "source")

    def save_model(self, request, obj, form, change):
        saved = publish_calendar_year(
            year=obj.year, published_on=obj.published_on, source=obj.source, acting_user=request.user
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        remove_calendar_year(entry=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            remove_calendar_year(entry=obj, acting_user=request.user)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(OddInputAdminMixin, admin.ModelAdmin):
    """Corrections of the calendar go through policies.services (audit row; clocks replayed after commit)."""

    list_display = ("day", "is_working_day", "name")
    list_filter = ("is_working_day",)
    date_hierarchy = "day"

    def get_readonly_fields(self, request, obj=None):
        return ("day",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = set_calendar_day(day=obj.day, working=obj.is_working_day, name=obj.name, acting_user=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        remove_calendar_day(override=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            remove_calendar_day(override=obj, acting_user=request.user)

