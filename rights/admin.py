"""The web admin for rights requests: the list, the case page, the history. Registered here; the rest is split by
what it does: rights/admin_html.py (the page's clock and HTML helpers), admin_filters.py, admin_csv.py,
admin_views.py (the custom pages and their URLs), admin_reminders.py (the reminder pages).

Thin by design: every write goes through rights.services (record_event, file_request), whose refusals and
conflicts come back to the person as admin messages. The list loads the work calendar once per page, the clocks
in one prefetch and its complaints' clocks in one query per track, so its query count does not depend on the
page size.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from config.admin_lists import OddInputAdminMixin
from config.admin_readonly import ReadOnlyAdminMixin

from . import admin_reminders  # noqa: F401  (registers the reminder pages)
from .admin_case import case_context
from .admin_filters import AssigneeFilter, DeadlineFilter, EventFilter, OpenFilter
from .admin_html import PageClock, deadlines_html, history_details, state_badge
from .admin_views import RequestViews
from .desk import view_query, visible_views
from .events import event_label
from .forms import BulkEventForm
from .models import RightsRequest, TransitionLog, local_minute, mask_contact
from .pagination import EstimatedCountPaginator
from .search import search_requests
from .services import RequestError, record_event


class RequestChangeList(ChangeList):
    """The request list's rows link to their case pages with the list's filters kept (as Django's do), built from
    one reverse() per page: Django's way resolves each link's URL again to learn that it is not the list itself,
    two links per row (a fifth of a filtered page's Python time)."""

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Kept for our links; emptied so that items_for_result does not resolve every link again.
        self.link_query, self.preserved_filters = self.preserved_filters, ""
        # The page's complaint clocks for the deadline column: one query per track for all rows.
        PageClock.of(request).load_tracks(row.pk for row in self.result_list)

    def url_for_result(self, result):
        prefix = getattr(self, "_change_url_prefix", None)
        if prefix is None:
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=["0"], current_app=self.model_admin.admin_site.name
            )
            prefix = self._change_url_prefix = url.removesuffix("0/change/")
        url = f"{prefix}{quote(getattr(result, self.pk_attname))}/change/"
        return f"{url}?{self.link_query}" if self.link_query else url


# ------------------------------------------------------------------------------------------------- admins


@admin.register(RightsRequest)
class RightsRequestAdmin(RequestViews, admin.ModelAdmin):
    # The deadline leads (issue 10): it is what a case worker acts on. App and right share a column, so the
    # list fits a 1280-px laptop in Chinese and English; at phone width the rows become cards (desk.css).
    list_display = ("deadlines", "number", "requester", "app_right", "state_display", "assignee_display")
    list_display_links = ("number", "requester")
    list_filter = (DeadlineFilter, OpenFilter, "state", "app", "right", AssigneeFilter)
    # rights.search does the searching (get_search_results); search_fields only turns the search box on.
    search_fields = ("requester_name",)
    search_help_text = gettext_lazy("Requester, any part of the contact, the app, the right, the app's ticket number, or #id.")
    list_per_page = 50
    # No COUNT of every request on every page (rights.pagination): estimates beyond what is cheap to count. No
    # "Show counts" either: Django's facets count every choice of every filter over the whole list (at a million
    # requests the page did not come back within ten minutes).
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = ["assign_to_me", "record_event_for_selected"]
    # No inlines: the reminders sent and the snoozes are entries of the case view's timeline (rights.admin_case).
    fieldsets = (
        (gettext_lazy("Request"), {"fields": (("app", "right"), "procedure", ("state", "assignee"))}),
        (
            gettext_lazy("Requester"),
            {"fields": ("requester_name", "requester_contact", "channel_used", "app_ticket_number", "notes")},
        ),
        (
            gettext_lazy("Dates"),
            {"fields": (("filed_at_local", "submitted_at_local", "closed_at_local"), "created_by")},
        ),
        (
            gettext_lazy("Refusal and escalation"),
            {"fields": ("refusal_reason", ("regulator", "regulator_reference")), "classes": ("collapse",)},
        ),
    )
    # Nothing is edited here: every change is an event (rights.services.record_event) from the case page's
    # forms, so the history shows who changed what, when, from which value to which. The case view
    # (change_form.html, rights.admin_case) shows none of these stock fields: its summary says them.
    readonly_fields = (
        "app", "right", "procedure", "state", "assignee", "filed_at_local", "submitted_at_local", "closed_at_local", "created_by",
        "refusal_reason", "regulator", "regulator_reference",
        "requester_name", "requester_contact", "channel_used", "app_ticket_number", "notes",
    )  # fmt: skip

    def has_delete_permission(self, request, obj=None):
        return False  # the case record is evidence: nobody deletes it, superusers included

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None and request.method == "POST":
            obj = self._object_or_404(request, object_id)
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            # The plain change form would save the model behind the event log's back.
            messages.error(request, _("Details change through the events on this page (e.g. “Amend”), not this form."))
            return redirect(self.change_url(self._object_or_404(request, object_id)))
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False, "show_delete": False}
        return super().changeform_view(request, object_id, form_url, extra_context)

    # Moments as everywhere else on the page: Asia/Shanghai, to the minute, in both languages.
    @admin.display(description=RightsRequest._meta.get_field("filed_at").verbose_name)
    def filed_at_local(self, obj):
        return local_minute(obj.filed_at) or "—"

    @admin.display(description=RightsRequest._meta.get_field("submitted_at").verbose_name)
    def submitted_at_local(self, obj):
        return local_minute(obj.submitted_at) or "—"

    @admin.display(description=RightsRequest._meta.get_field("closed_at").verbose_name)
    def closed_at_local(self, obj):
        return local_minute(obj.closed_at) or "—"

    # --- list ---------------------------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("app", "assignee").prefetch_related("clocks")

    def get_object(self, request, object_id, from_field=None):
        """One request with its app, assignee and procedure, without the list's clock prefetch: the case view reads
        the clocks once, with their policies (rights.admin_case)."""
        queryset = admin.ModelAdmin.get_queryset(self, request).select_related("app", "assignee", "procedure")
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (RightsRequest.DoesNotExist, ValidationError, ValueError):
            return None

    def get_changelist(self, request, **kwargs):
        return RequestChangeList

    def get_ordering(self, request):
        # The nearest running deadline first, requests with nothing running last, then the newest: exactly the
        # index request_list_order_idx, so a page is an index range at any size. (Putting "mine" first here made
        # PostgreSQL sort every request on every page; "Assigned to me" is a filter and the home queue's.)
        return [F("next_due").asc(nulls_last=True), "-filed_at"]

    def get_search_results(self, request, queryset, search_term):
        # rights.search: requester, any part of the contact, app, right label, ticket number, #id; indexed on
        # PostgreSQL, never an error whatever is typed. Each word narrows `queryset` (already filtered).
        return search_requests(queryset, search_term), False

    def get_list_display(self, request):
        # list_display callables get no request, and the ModelAdmin is shared between threads: the deadline
        # column is bound here to this page's calendar, loaded once for all rows.
        page = PageClock.of(request)

        @admin.display(description=gettext_lazy("deadlines"), ordering="next_due")
        def deadlines(obj):
            return deadlines_html(obj, page)

        request.rd_deadline_column = deadlines  # the column get_sortable_by names (Django compares the object)
        return [deadlines if name == "deadlines" else name for name in self.list_display]

    def get_sortable_by(self, request):
        # Sorted on what an index keeps in order (the deadline, the number, the state); by requester, app or
        # assignee a million requests would be sorted whole (0.7-1.2 s): those are found by search and filters.
        return (getattr(request, "rd_deadline_column", "deadlines"), "number", "state_display")

    @admin.display(description=gettext_lazy("deadlines"), ordering="next_due")
    def deadlines(self, obj):
        """Stands in for the system check and other callers; the list uses get_list_display's version."""
        return deadlines_html(obj, PageClock())

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        # Django's own renders a form widget through the template engine for every row: a third of the list's
        # time at 50 rows. The same markup, written directly.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), obj),
        )

    @admin.display(description="#", ordering="pk")
    def number(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=gettext_lazy("requester"), ordering="requester_name")
    def requester(self, obj):
        contact = mask_contact(obj.requester_contact)
        if not contact:
            return obj.requester_name
        return format_html('{}<br><span class="rd-muted">{}</span>', obj.requester_name, contact)

    @admin.display(description=gettext_lazy("app and right"), ordering="app__name")
    def app_right(self, obj):
        return format_html('{}<br><span class="rd-muted">{}</span>', obj.app.name, obj.get_right_display())

    @admin.display(description=gettext_lazy("state"), ordering="state")
    def state_display(self, obj):
        return state_badge(obj.state)

    @admin.display(description=gettext_lazy("assignee"), ordering="assignee__username")
    def assignee_display(self, obj):
        if obj.assignee is None:
            return format_html('<span class="rd-muted">{}</span>', _("unassigned"))
        return obj.assignee.get_full_name() or obj.assignee.get_username()

    def changelist_view(self, request, extra_context=None):
        page = PageClock.of(request)
        extra_context = {
            **(extra_context or {}),
            "today": page.today,
            "can_export": self.has_export_permission(request),
            "saved_views": list(visible_views(request.user)),
            "view_query": view_query(request.META.get("QUERY_STRING", "")),
            "saved_view_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_saved_views"),
            "requests_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"),
        }
        return super().changelist_view(request, extra_context)

    def get_actions(self, request):
        # No bulk delete: a request's log is the audit trail (a superuser can still delete one request).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=gettext_lazy("Assign the selected requests to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        moved = 0
        for obj in queryset.exclude(assignee=request.user):
            try:
                record_event(request=obj, event="assign", assignee=request.user, acting_user=request.user)
            except RequestError as error:
                self.message_user(request, f"#{obj.pk}: {error}", messages.WARNING)
            else:
                moved += 1
        message = ngettext("%(n)d request assigned to you.", "%(n)d requests assigned to you.", moved) % {"n": moved}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Record an event for the selected requests…"), permissions=["change"])
    def record_event_for_selected(self, request, queryset):
        """Step one of bulk work: the selected requests (as the person sees them now) and the event's form."""
        selected = list(queryset.select_related("app", "assignee").order_by("pk"))
        return self.bulk_page(request, selected, BulkEventForm())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context.update(case_context(self, request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(TransitionLog)
class TransitionLogAdmin(OddInputAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail across requests: read-only for everyone, superusers included."""

    list_display = ("at", "request_link", "transition_label", "source", "target", "by", "note")
    # A date filter rather than Django's date drill-down, whose years and months are a DISTINCT over every entry
    # (0.6 s at a million requests' history, on every page).
    list_filter = (EventFilter, "target", "at")
    search_fields = ("request__requester_name", "request__app__name", "note", "=request__id")
    list_select_related = ("request__app", "by")
    # Newest first, on the history's (at, id) index; no COUNT of every entry (rights.pagination).
    ordering = ("-at", "-id")
    # Sorting only on what an index keeps in order: any other column sorts every entry (millions).
    sortable_by = ("at", "request_link")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # counts per filter choice over every entry (see the request list)


    @admin.display(description=gettext_lazy("request"), ordering="request_id")
    def request_link(self, obj):
        url = reverse("admin:rights_rightsrequest_change", args=[obj.request_id])
        return format_html('<a href="{}">#{} {}</a>', url, obj.request_id, obj.request.app.name)

    @admin.display(description=gettext_lazy("event"), ordering="transition")
    def transition_label(self, obj):
        return event_label(obj.transition)

    # The entry's own page: the event and its details in words, not the stored code and JSON.
    fields = ("request_link", "transition_label", "source", "target", "at", "recorded_at", "by", "by_username", "note",
              "details_text", "prev_hash", "hash")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("details"))
    def details_text(self, obj):
        return history_details(obj) or "—"
