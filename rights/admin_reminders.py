"""The admin of the reminders: the ledger, the reminder settings (N, M, K, send time), each person's own reminder
preferences, snoozes — and `ReminderInline`, the "reminders sent" table of the request page.

rights/admin.py imports this module (which registers these pages) and puts `ReminderInline` on the request page.
Nothing here sends mail: the sweep (rights/reminders/) does, on its schedule.
"""
from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.admin_lists import OddInputAdminMixin
from config.admin_readonly import ReadOnlyAdminMixin
from policies.services import audit

from .models import (
    Reminder,
    ReminderPreference,
    ReminderSettings,
    ReminderSnooze,
    ReminderStatus,
    local_minute,
)
from .pagination import EstimatedCountPaginator
from .querysets import today_in_shanghai
from .reminders import clock_source, snooze_reminders
from .services import RequestError, may_record

# How long the "snooze" action of the ledger stops overdue repeats.
SNOOZE_DAYS = 7


def _my_addresses(user) -> list[str]:
    preference = ReminderPreference.objects.filter(user=user).first()
    return [address for address in {user.email, preference.email if preference else ""} if address]


def _request_link(request_id: int) -> str:
    url = reverse("admin:rights_rightsrequest_change", args=[request_id])
    return format_html('<a href="{}">#{}</a>', url, request_id)


class SentToMeFilter(admin.SimpleListFilter):
    title = _("recipient")
    parameter_name = "to"

    def lookups(self, request, model_admin):
        return [("me", _("Sent to me"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(recipient__in=_my_addresses(request.user))
        return queryset


class LedgerDates:
    """Dates as on the rest of the desk: Y-m-d, moments in Asia/Shanghai to the minute (the ledger list and the
    request page's table of reminders)."""

    @admin.display(description=_("clock"))
    def about(self, obj):
        # What is due ("Reply", "12300 Admission decision"); its last day is the deadline column. Another track's
        # clock is named by its clock source (rights.reminders.sources), one query for such a row.
        if obj.clock_id is not None:
            return obj.clock.get_action_display() if obj.clock else "—"
        source = clock_source(obj.source)
        if source is None or source.describe is None or obj.source_clock_id is None:
            return "—"
        found = source.describe([obj.source_clock_id]).get(obj.source_clock_id)
        return found.label if found else "—"

    @admin.display(description=_("deadline"))
    def deadline(self, obj):
        return f"{obj.due:%Y-%m-%d}"

    @admin.display(description=_("sent at"))
    def sent(self, obj):
        return local_minute(obj.sent_at) or "—"


@admin.register(Reminder)
class ReminderAdmin(OddInputAdminMixin, LedgerDates, admin.ModelAdmin):
    """The ledger, read-only: what was recorded, sent, failed (and retried) or cancelled, and to whom."""

    # One "clock" column (a row is about exactly one, the request's own or a complaint's) and dates as on the rest
    # of the desk (Y-m-d, moments to the minute in Asia/Shanghai): the list fits a 1280-px screen.
    list_display = ("recorded", "request_link", "about", "kind", "deadline", "repeat", "to", "status", "sent")
    # Sorting only on what an index keeps in order: any other column sorts the whole ledger (a million rows).
    sortable_by = ("recorded", "request_link")
    # A date filter rather than Django's date drill-down, whose years and months are a DISTINCT over the whole
    # ledger (0.2 s at a million rows, on every page).
    list_filter = ("status", "kind", SentToMeFilter, "due", "created_at")
    list_select_related = ("clock",)
    search_fields = ("=request__id", "recipient")
    search_help_text = _("Request number or recipient address.")
    # Newest first by id, the order rows are recorded in, on the primary key (the ledger keeps no other index it
    # does not need: each costs every row a sweep records and marks sent). No COUNT of the whole ledger.
    ordering = ("-id",)
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # counts per filter choice over the whole ledger (see the request list)
    actions = ["snooze_repeats"]
    fields = (
        "request_link", "about", "kind", "due", "repeat", "recipient", "status", "attempts", "last_error",
        "message_id", "created_at", "sent_at",
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("request"), ordering="request_id")
    def request_link(self, obj):
        return _request_link(obj.request_id)

    @admin.display(description=_("recorded at"), ordering="id")  # the order rows are recorded in, on the key
    def recorded(self, obj):
        return local_minute(obj.created_at)

    @admin.display(description=_("recipient"))
    def to(self, obj):
        # A narrow column breaks an address after its "@", not inside a word.
        local, at, domain = obj.recipient.rpartition("@")
        return format_html("{}@<wbr>{}", local, domain) if at else obj.recipient

    def get_search_results(self, request, queryset, search_term):
        """A number ("123", "#123") finds the request's rows on the ledger's unique key, which starts with the
        request (Django's `=request__id` compares the id as text, which reads the whole ledger); anything else is
        a part of the recipient's address."""
        term = search_term.strip()
        if not term:
            return queryset, False
        number = term.removeprefix("#")
        if number.isascii() and number.isdigit():
            return (queryset.filter(request_id=int(number)) if len(number) <= 18 else queryset.none()), False
        return queryset.filter(recipient__icontains=term), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the sweep alone writes the ledger

    def has_delete_permission(self, request, obj=None):
        # Deleting a row would let the reminder go out again: only a superuser may, deliberately.
        return request.user.is_superuser

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_snooze_permission(self, request):

        return may_record("snooze", request.user)

    @admin.action(
        description=_("Snooze the overdue repeats of the selected requests for a week"), permissions=["snooze"]
    )
    def snooze_repeats(self, request, queryset):
        until = today_in_shanghai() + timedelta(days=SNOOZE_DAYS)
        snoozed = 0
        for reminder in queryset.select_related("request").distinct():
            if reminder.request.snoozes.filter(clock__isnull=True, until__gte=until).exists():
                continue
            try:
                snooze_reminders(
                    request=reminder.request, until=until, reason=str(_("Snoozed from the reminder list.")),
                    acting_user=request.user,
                )  # fmt: skip
            except RequestError as error:
                self.message_user(request, f"#{reminder.request_id}: {error}", messages.WARNING)
                continue
            snoozed += 1
        message = ngettext(
            "Overdue reminders of %(n)d request snoozed until %(until)s.",
            "Overdue reminders of %(n)d requests snoozed until %(until)s.",
            snoozed,
        ) % {"n": snoozed, "until": f"{until:%Y-%m-%d}"}
        self.message_user(request, message, messages.SUCCESS)


class ReminderInline(LedgerDates, admin.TabularInline):
    """The request page's "reminders sent" table (read-only)."""

    model = Reminder
    fields = ("kind", "about", "deadline", "repeat", "status", "recipient", "sent", "attempts", "last_error")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-created_at", "-id")
    verbose_name = _("reminder")
    verbose_name_plural = _("reminders sent")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("clock")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReminderSnoozeInline(admin.TabularInline):
    """Snoozes on the request page: a case worker can stop the overdue repeats of a request until a day."""

    model = ReminderSnooze
    fields = ("clock", "until", "reason", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("reminder snoozes")

    # A snooze is an event of the request ("Reminders snoozed" on the case page): recorded there, shown here.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderSnooze)
class ReminderSnoozeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("request_link", "clock", "until", "reason", "created_by", "created_at")
    list_filter = ("until",)
    search_fields = ("=request__id", "reason")

    @admin.display(description=_("request"), ordering="request_id")
    def request_link(self, obj):
        return _request_link(obj.request_id)


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    """One row: the list goes straight to it. Read by every sweep, so a change applies at the next sweep."""

    fieldsets = (
        (None, {"fields": ("enabled", "send_time")}),
        (_("When"), {"fields": ("due_soon_working_days", "repeat_every_days")}),
        (_("Escalation"), {"fields": ("suggest_escalation", "escalate_after_working_days")}),
    )

    def changelist_view(self, request, extra_context=None):
        settings_row, _created = ReminderSettings.objects.get_or_create(pk=1)  # the page edits the one row
        return HttpResponseRedirect(reverse("admin:rights_remindersettings_change", args=[settings_row.pk]))

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):

        old = ReminderSettings.objects.filter(pk=obj.pk).values(*form.changed_data).first() or {}
        super().save_model(request, obj, form, change)
        audit(
            action="reminder settings",
            subject=str(obj),
            changes={name: {"old": str(old.get(name)), "new": str(getattr(obj, name))} for name in form.changed_data},
            acting_user=request.user,
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    """Everyone's own reminder settings ("My reminder settings"): no model permission needed for one's own row;
    a superuser also sees everyone's."""

    list_display = ("user", "language", "email", "away_until")
    readonly_fields = ("reminders_to_me",)

    def get_fields(self, request, obj=None):
        fields = ["language", "email", "away_until", "reminders_to_me"]
        return ["user", *fields] if request.user.is_superuser else fields

    def get_readonly_fields(self, request, obj=None):
        return ("user", "reminders_to_me") if request.user.is_superuser else ("reminders_to_me",)

    @admin.display(description=_("reminders sent to you"))
    def reminders_to_me(self, obj):
        addresses = [a for a in {obj.user.email, obj.email} if a]
        rows = Reminder.objects.filter(recipient__in=addresses)
        sent = rows.filter(status=ReminderStatus.SENT).count()
        failed = rows.filter(status=ReminderStatus.FAILED).count()
        url = reverse("admin:rights_reminder_changelist") + "?to=me"
        return format_html('<a href="{}">{}</a>', url, _("%(sent)d sent, %(failed)d failed — see the list") % {
            "sent": sent, "failed": failed})

    def _own(self, request, obj) -> bool:
        return obj is None or obj.user_id == request.user.pk or request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request) and self._own(request, obj)

    def has_add_permission(self, request):
        return False  # created on first visit

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def changelist_view(self, request, extra_context=None):
        if request.user.is_superuser and request.GET.get("all"):
            return super().changelist_view(request, extra_context)
        preference, _created = ReminderPreference.objects.get_or_create(
            user=request.user, defaults={"language": _language_of(request)}
        )
        return HttpResponseRedirect(reverse("admin:rights_reminderpreference_change", args=[preference.pk]))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.away_until and obj.away_until >= today_in_shanghai(timezone.now()):
            self.message_user(
                request,
                _("Until %(day)s your reminders go to the team address.") % {"day": f"{obj.away_until:%Y-%m-%d}"},
                messages.INFO,
            )


def _language_of(request) -> str:
    language = getattr(request, "LANGUAGE_CODE", "") or ""
    return language if language in ReminderPreference.Language.values else ReminderPreference.Language.ZH_HANS


__all__ = ["ReminderInline", "ReminderSnoozeInline"]
