"""The web admin for rights requests: the list, the case page, filing, transitions, CSV export, the dashboard.

Thin by design: every write goes through rights.services (file_request, move_request, assign_request), whose
refusals and conflicts come back to the person as admin messages. The list loads the work calendar once per
page and the clocks in one prefetch, so its query count does not depend on the page size.
"""
from __future__ import annotations

import csv
from datetime import datetime
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, F, Q, Value, When
from django.http import (
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from config.admin_lists import OddInputAdminMixin
from config.admin_readonly import ReadOnlyAdminMixin
from config.numbers import whole_number
from policies.models import work_calendar

from .csvsafe import safe_row
from .desk import BULK_HELP, delete_view, filing_preview, record_for_each, save_view, view_query, visible_views
from .events import AMENDABLE_FIELDS, BUTTON_LABELS, EVENT_LABELS, EVENT_ORDER, GRAVE_EVENTS, event_label
from .forms import AssignForm, BulkEventForm, EventForm, FileRequestForm, FilingPreviewForm, event_forms
from .models import Clock, Evidence, ReminderSettings, RightsRequest, State, TransitionLog, local_minute, mask_contact
from .presenters import DeadlineStatus, PageCalendar, dashboard, deadline_statuses, week_end
from .querysets import today_in_shanghai
from .registry import Condition, TrackStatus, deadline_q, tracks
from .status import due_soon_horizon
from .pagination import EstimatedCountPaginator
from .search import search_requests
from .services import RequestError, allowed_events, event_time, file_request, record_event
from .uploads import evidence_response
from .admin_reminders import ReminderInline, ReminderSnoozeInline  # also registers the reminder pages


class PageClock:
    """`now`, today in Shanghai and the work calendar, read once per HTTP request and shared by every row."""

    def __init__(self):
        self.now = timezone.now()
        self.today = today_in_shanghai(self.now)
        self._calendar = None
        self._due_soon = None
        self._tracked: dict[int, list[TrackStatus]] = {}

    @property
    def due_soon(self) -> int:
        """The one "due soon" setting (Reminder settings), shared with the reminders."""
        if self._due_soon is None:
            self._due_soon = ReminderSettings.load().due_soon_working_days
        return self._due_soon

    def statuses(self, obj, clocks=None) -> list[DeadlineStatus]:
        return deadline_statuses(obj, now=self.now, calendar=self.calendar, due_soon_working_days=self.due_soon, clocks=clocks)

    def track_statuses(self, request_ids) -> dict[int, list[TrackStatus]]:
        """The registered tracks' clocks (complaints') of these requests: one query per track."""
        found: dict[int, list[TrackStatus]] = {}
        ids = list(request_ids)
        for track in tracks() if ids else ():
            for request_id, rows in track.statuses(
                ids, now=self.now, calendar=self.calendar, due_soon_working_days=self.due_soon
            ).items():
                found.setdefault(request_id, []).extend(rows)
        return found

    def load_tracks(self, request_ids) -> None:
        """Keep the tracks' clocks of a page's rows, for its deadline column."""
        ids = list(request_ids)
        found = self.track_statuses(ids)
        self._tracked.update({pk: found.get(pk, []) for pk in ids})

    def tracked(self, request_id: int) -> list[TrackStatus]:
        """The tracks' clocks of a request kept by load_tracks (loaded now, alone, if the page did not)."""
        if request_id not in self._tracked:
            self.load_tracks([request_id])
        return self._tracked[request_id]

    @property
    def calendar(self):
        if self._calendar is None:
            self._calendar = PageCalendar(work_calendar())
        return self._calendar

    @classmethod
    def of(cls, request) -> PageClock:
        if not hasattr(request, "_rights_page_clock"):
            request._rights_page_clock = cls()
        return request._rights_page_clock


# ------------------------------------------------------------------------------------------------ filters


class DeadlineFilter(admin.SimpleListFilter):
    title = gettext_lazy("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("overdue", gettext_lazy("Overdue")),
            ("soon", gettext_lazy("Due soon")),
            ("week", gettext_lazy("Due this week")),
            ("breach", gettext_lazy("Statutory limit breached")),
        ]

    def queryset(self, request, queryset):
        page = PageClock.of(request)
        # rights.desk.deadline_q: the request's own clocks or a registered track's (a complaint's, a regulator's).
        match self.value():
            case "overdue":
                return queryset.filter(deadline_q(Condition.OVERDUE, now=page.now))
            case "soon":
                horizon = due_soon_horizon(page.today, page.due_soon, page.calendar)
                return queryset.filter(deadline_q(Condition.DUE_BY, now=page.now, last_day=horizon))
            case "week":
                return queryset.filter(deadline_q(Condition.DUE_BY, now=page.now, last_day=week_end(page.today)))
            case "breach":
                return queryset.filter(deadline_q(Condition.BREACH, now=page.now))
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = gettext_lazy("assignee")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        from .forms import staff_users

        return [
            ("me", gettext_lazy("Assigned to me")),
            ("none", gettext_lazy("Unassigned")),
            *((str(user.pk), user.get_full_name() or user.get_username()) for user in staff_users()),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.for_assignee(request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value:
            # An id that is no number (?assignee=²) is nobody's: an empty list, never a 500.
            number = whole_number(value)
            return queryset.filter(assignee_id=number) if number is not None else queryset.none()
        return queryset


class OpenFilter(admin.SimpleListFilter):
    """Open (the app or the team still has something to do) or closed; the queue's "mine" and "unassigned"."""

    title = gettext_lazy("open or closed")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("open", gettext_lazy("Open")), ("closed", gettext_lazy("Closed"))]

    def queryset(self, request, queryset):
        match self.value():
            case "open":
                return queryset.open()
            case "closed":
                return queryset.closed()
        return queryset


# ------------------------------------------------------------------------------------------------ display


def deadline_html(status: DeadlineStatus, *, with_action: bool = True):
    clock = status.clock
    provisional = (
        format_html(
            ' <abbr class="rd-provisional" title="{}">{}</abbr>',
            _("Provisional: relies on a year whose official working-day schedule is not published yet."),
            _("provisional"),
        )
        if clock.provisional
        else ""
    )
    return format_html(
        '<li class="rd-deadline rd-deadline--{tone}" data-tone="{tone}" data-last-day="{day}">'
        '{action}<time datetime="{day}">{day}</time> <span class="rd-deadline__left">{text}</span>{provisional}</li>',
        tone=status.tone,
        day=f"{status.last_day:%Y-%m-%d}",
        action=format_html('<span class="rd-deadline__action">{}</span> ', clock.get_action_display()) if with_action else "",
        text=status.text,
        provisional=provisional,
    )


def lead_first(statuses: list[DeadlineStatus]) -> list[DeadlineStatus]:
    """The clock a person must look at first: the nearest one still running, then the rest in date order."""
    running = [s for s in statuses if s.days_left is not None]
    return [*running, *(s for s in statuses if s.days_left is None)]


def track_deadline_html(row: TrackStatus):
    """A running clock of a track (a complaint's answer, a regulator's decision) in a request's row, marked as
    one (data-track) and named by its channel ("12300 受理决定")."""
    status = row.status
    return format_html(
        '<li class="rd-deadline rd-deadline--{tone} rd-deadline--track" data-tone="{tone}" data-last-day="{day}" data-track="{complaint}">'
        '<span class="rd-deadline__action">{label}</span> <time datetime="{day}">{day}</time> <span class="rd-deadline__left">{text}</span></li>',
        tone=status.tone,
        day=f"{status.last_day:%Y-%m-%d}",
        complaint=row.complaint or "",
        label=row.label,
        text=status.text,
    )


def deadlines_html(obj: RightsRequest, page: PageClock):
    statuses = lead_first(page.statuses(obj))
    tracked = [row for row in page.tracked(obj.pk) if row.running]
    if not statuses and not tracked:
        return format_html('<span class="rd-muted">{}</span>', _("no clock yet"))
    # The leading clock is the big one; the others follow, smaller (rd-deadlines > li:first-child in the CSS);
    # the running clocks of its complaints come last, marked.
    return format_html(
        '<ul class="rd-deadlines">{}{}</ul>',
        format_html_join("", "{}", ((deadline_html(s),) for s in statuses)),
        format_html_join("", "{}", ((track_deadline_html(row),) for row in tracked)),
    )


def state_badge(state: str):
    return format_html('<span class="rd-state rd-state--{}" data-state="{}">{}</span>', state, state, State(state).label)


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
class RightsRequestAdmin(admin.ModelAdmin):
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
    inlines = [ReminderInline, ReminderSnoozeInline]
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
    # forms, so the history shows who changed what, when, from which value to which.
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

    def bulk_page(self, request, selected, form, results=None):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record an event for %(n)d requests") % {"n": len(selected)} if results is None
            else _("Bulk results: %(done)d done, %(refused)d refused") % {
                "done": sum(r.done for r in results), "refused": sum(not r.done for r in results)},
            "subtitle": None,
            "opts": self.opts,
            "selected": selected,
            "form": form,
            "results": results,
            "bulk_help": BULK_HELP,
            "bulk_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_bulk"),
            "changelist_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/rights/rightsrequest/bulk.html", context)

    def bulk_view(self, request):
        """Step two: record the event on each selected request through record_event; a result per row."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        ids = [int(v) for v in request.POST.getlist("selected") if v.isascii() and v.isdigit() and len(v) < 19]
        selected = list(self.get_queryset(request).filter(pk__in=ids).select_related("app", "assignee").order_by("pk"))
        form = BulkEventForm(request.POST)
        if not form.is_valid():
            return self.bulk_page(request, selected, form)
        expected = {obj.pk: request.POST.get(f"state_{obj.pk}") or obj.state for obj in selected}
        try:
            results = record_for_each(
                selected, acting_user=request.user, expected_states=expected, **form.service_kwargs()
            )
        except RequestError as error:
            form.add_error("event", str(error))
            return self.bulk_page(request, selected, form)
        return self.bulk_page(request, selected, form, results=results)

    def saved_views_view(self, request):
        """Save the list's current filters and sorting under a name, or delete one of one's own views."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        changelist_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        query = request.POST.get("query", "")
        delete = request.POST.get("delete", "")
        if delete:
            if delete.isascii() and delete.isdigit() and len(delete) < 19 and delete_view(owner=request.user, pk=int(delete)):
                messages.success(request, _("The view was deleted."))
            else:
                messages.error(request, _("Only the person who saved a view can delete it."))
            return redirect(changelist_url)
        try:
            saved = save_view(owner=request.user, name=request.POST.get("name", ""), query=query,
                              shared=request.POST.get("shared") == "on")
        except RequestError as error:
            messages.error(request, str(error))
            return redirect(f"{changelist_url}?{view_query(query)}" if query else changelist_url)
        messages.success(request, _("Saved the view “%(name)s”.") % {"name": saved.name})
        return redirect(f"{changelist_url}?{saved.query}" if saved.query else changelist_url)

    # --- the case page ------------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("dashboard/", wrap(self.dashboard_view), name="%s_%s_dashboard" % info),
            path("export/", wrap(self.export_view), name="%s_%s_export" % info),
            path("bulk/", wrap(self.bulk_view), name="%s_%s_bulk" % info),
            path("add/preview/", wrap(self.filing_preview_view), name="%s_%s_filing_preview" % info),
            path("saved-views/", wrap(self.saved_views_view), name="%s_%s_saved_views" % info),
            path("<path:object_id>/transition/<str:name>/", wrap(self.transition_view), name="%s_%s_transition" % info),
            path("<path:object_id>/assign/", wrap(self.assign_view), name="%s_%s_assign" % info),
            path(
                "<path:object_id>/evidence/<int:evidence_id>/", wrap(self.evidence_view), name="%s_%s_evidence" % info
            ),
            *super().get_urls(),
        ]

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.export_{self.opts.model_name}")

    def change_url(self, obj) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context.update(self.case_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def case_context(self, request, obj: RightsRequest) -> dict:
        page = PageClock.of(request)
        clocks = list(
            Clock.objects.filter(request=obj).select_related("policy_version", "statutory_default").order_by("final_due", "id")
        )
        can_work = self.has_change_permission(request, obj)
        # Assigning has its own panel on the page (the *assign* event behind it): not a second form with the same ids.
        names = [n for n in allowed_events(obj, request.user) if n != "assign"] if can_work else []
        forms = event_forms(obj, names)
        statuses = page.statuses(obj, clocks=clocks)
        history = list(obj.log.select_related("by").prefetch_related("evidence").order_by("at", "id"))
        panels = [
            panel for track in tracks() if track.request_panel
            if (panel := track.request_panel(
                request, obj, now=page.now, calendar=page.calendar, due_soon_working_days=page.due_soon)) is not None
        ]  # fmt: skip
        for entry in history:
            entry.label = event_label(entry.transition)
            entry.detail_text = history_details(entry)
        return {
            "today": page.today,
            "deadline_statuses": statuses,
            "next_deadline": next((s for s in statuses if s.days_left is not None), None),
            "due_soon_working_days": page.due_soon,
            "clocks": clocks,
            "history": history,
            "transitions": [
                # The button is an imperative ("Amend"); what it records is named as the history names it ("Amended").
                {"name": name, "label": EVENT_LABELS[name], "button": BUTTON_LABELS[name], "form": forms[name],
                 "grave": name in GRAVE_EVENTS}
                for name in names
            ],
            "can_work": can_work,
            "assign_form": AssignForm(initial={"assignee": obj.assignee_id}, prefix="assign") if can_work else None,
            "track_panels": panels,
            **{key: value for panel in panels for key, value in panel.context.items()},
        }

    def _object_or_404(self, request, object_id) -> RightsRequest:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No rights request #%(id)s.") % {"id": object_id})
        return obj

    def transition_view(self, request, object_id, name):
        """One transition from a button of the case page; refusals and conflicts come back as messages."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._object_or_404(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if name not in EVENT_LABELS or name == "file":
            raise Http404(_("No such event."))
        form = EventForm(name, request.POST, request.FILES)
        if not form.is_valid():
            errors = "; ".join(
                f"{form.fields[field].label}: {' '.join(problems)}" if field in form.fields else " ".join(problems)
                for field, problems in form.errors.items()
            )
            messages.error(request, _("“%(transition)s” was not recorded: %(errors)s") % {
                "transition": event_label(name), "errors": errors})
            return redirect(self.change_url(obj))
        try:
            moved = record_event(request=obj, event=name, acting_user=request.user, **form.service_kwargs())
        except RequestError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("“%(transition)s” recorded: request #%(id)s is “%(state)s”.")
                % {"transition": event_label(name), "id": moved.pk, "state": moved.get_state_display()},
            )
        return redirect(self.change_url(obj))

    def assign_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._object_or_404(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        form = AssignForm(request.POST, prefix="assign")
        if not form.is_valid():
            messages.error(request, _("Choose an active staff member."))
        elif form.cleaned_data["assignee"] == obj.assignee:
            messages.info(request, _("The assignee did not change."))
        else:
            assignee = form.cleaned_data["assignee"]
            try:
                record_event(request=obj, event="assign", assignee=assignee, acting_user=request.user)
            except RequestError as error:
                messages.error(request, str(error))
                return redirect(self.change_url(obj))
            messages.success(
                request,
                _("Request #%(id)s is assigned to %(user)s.") % {"id": obj.pk, "user": assignee or _("nobody")}
                if assignee
                else _("Request #%(id)s is unassigned.") % {"id": obj.pk},
            )
        return redirect(self.change_url(obj))

    def evidence_view(self, request, object_id, evidence_id):
        """Evidence is personal data: served only to staff who may view the request, never from a public URL."""
        obj = self._object_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        evidence = Evidence.objects.filter(request=obj, pk=evidence_id).first()
        if evidence is None or not evidence.file:
            raise Http404
        return evidence_response(evidence)

    # --- filing -------------------------------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        """File a request through services.file_request: submitted, clocks started at "sent at"."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        # "File and add another" comes back with the app and the right it filed (the next one is usually alike).
        kept = {key: value for key in ("app", "right") if (value := request.GET.get(key, "")) and value.isascii() and value.isprintable()}
        form = FileRequestForm(request.POST or None, user=request.user, initial=kept)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                # The time is checked first so its error stands next to "sent at", not above the form.
                event_time(data["sent_at"], timezone.now(), calendar=work_calendar())
            except RequestError as error:
                form.add_error("sent_at", str(error))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                filed = file_request(
                    app=data["app"],
                    right=data["right"],
                    procedure=data["procedure_obj"],
                    requester_name=data["requester_name"],
                    requester_contact=data["requester_contact"],
                    channel_used=data["channel_used"],
                    app_ticket_number=data["app_ticket_number"],
                    assignee=data["assignee"],
                    notes=data["notes"],
                    at=data["sent_at"],
                    acting_user=request.user,
                )
            except RequestError as error:
                form.add_error(None, str(error))
            else:
                self.log_addition(request, filed, [{"added": {}}])
                messages.success(request, _("Filed request #%(id)s.") % {"id": filed.pk})
                if "_addanother" in request.POST:
                    add_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_add")
                    return redirect(f"{add_url}?{urlencode({'app': data['app'].pk, 'right': data['right']})}")
                return redirect(self.change_url(filed))
        fieldsets = [
            (_("What was asked, of which app"), {"fields": ["app", "right", "procedure"]}),
            (_("Requester"), {"fields": ["requester_name", "requester_contact"]}),
            (_("How and when it was sent"), {"fields": ["sent_at", "channel_used", "app_ticket_number"]}),
            (_("Case"), {"fields": ["assignee", "notes"]}),
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("File a rights request"),
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "adminform": admin.helpers.AdminForm(form, fieldsets, {}),
            "errors": admin.helpers.AdminErrorList(form, []),
            "media": self.media + form.media,
            "has_view_permission": self.has_view_permission(request),
            "preview_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_filing_preview"),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/rights/rightsrequest/file_request.html", context)

    def filing_preview_view(self, request):
        """JSON for the filing page: the clocks this filing would start, computed as filing does; writes nothing."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = FilingPreviewForm(request.GET)
        if not form.is_valid():
            first = next(iter(form.errors.values()))[0]
            return JsonResponse({"error": str(first)}, status=400)
        data = form.cleaned_data
        try:
            preview = filing_preview(app=data["app"], right=data["right"], at=data["sent_at"])
        except RequestError as error:
            return JsonResponse({"error": str(error)}, status=400)
        return JsonResponse(preview)

    # --- export and dashboard ----------------------------------------------------------------------

    def export_view(self, request):
        """The list as CSV, with the changelist's filters, search and order (the query string is shared)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            changelist_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            return HttpResponseRedirect(f"{changelist_url}?e=1")
        page = PageClock.of(request)
        rows = csv_rows(changelist.queryset, page=page)
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse((writer.writerow(safe_row(row)) for row in rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="rights-requests-{page.today:%Y-%m-%d}.csv"'
        return response

    def dashboard_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        page = PageClock.of(request)
        panels = [
            panel for track in tracks() if track.dashboard_panel
            if (panel := track.dashboard_panel(request, now=page.now)) is not None
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Rights requests dashboard"),
            "subtitle": None,
            "opts": self.opts,
            "board": dashboard(page.now),
            "track_panels": panels,
            **{key: value for panel in panels for key, value in panel.context.items()},
            "changelist_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"),
        }
        return TemplateResponse(request, "admin/rights/rightsrequest/dashboard.html", context)


class _Echo:
    """csv.writer target that hands each line back, for streaming."""

    def write(self, value):
        return value


def csv_rows(queryset, *, page: PageClock, chunk_size: int = 500):
    # A UTF-8 byte-order mark, so Excel opens the Chinese names as UTF-8.
    yield ["\ufeff#", _("app"), _("right"), _("state"), _("requester"), _("requester contact (masked)"),
           _("channel used"), _("app's ticket number"), _("assignee"), _("filed at"), _("closed at"),
           _("next last day"), _("working days left"), _("overdue"), _("statutory limit breached"),
           _("provisional"), _("deadlines"), _("complaint deadlines")]  # fmt: skip
    chunk = []
    for obj in queryset.iterator(chunk_size=chunk_size):
        chunk.append(obj)
        if len(chunk) == chunk_size:
            yield from _csv_chunk(chunk, page)
            chunk = []
    yield from _csv_chunk(chunk, page)


def _csv_chunk(chunk: list[RightsRequest], page: PageClock):
    """Rows of a chunk of requests, with their complaints' clocks (one query per track for the chunk)."""
    tracked = page.track_statuses(obj.pk for obj in chunk)
    for obj in chunk:
        statuses = page.statuses(obj)
        running = [s for s in statuses if s.days_left is not None]
        nearest = running[0] if running else None
        others = [row.status for row in tracked.get(obj.pk, [])]
        yield [
            obj.pk,
            obj.app.name,
            obj.get_right_display(),
            obj.get_state_display(),
            obj.requester_name,
            mask_contact(obj.requester_contact),
            obj.channel_used,
            obj.app_ticket_number,
            (obj.assignee.get_username() if obj.assignee else ""),
            local_minute(obj.filed_at),
            local_minute(obj.closed_at),
            f"{nearest.last_day:%Y-%m-%d}" if nearest else "",
            nearest.days_left if nearest else "",
            # Overdue and past the statute as the list's filters say: by the request's clocks or its complaints'.
            _("yes") if any(s.overdue for s in (*statuses, *others)) else "",
            _("yes") if any(s.breach for s in (*statuses, *others)) else "",
            _("yes") if any(s.provisional for s in statuses) else "",
            "; ".join(f"{s.clock.get_action_display()} {s.last_day:%Y-%m-%d} ({s.text})" for s in statuses),
            "; ".join(f"{row.label} {row.status.last_day:%Y-%m-%d} ({row.status.text})" for row in tracked.get(obj.pk, [])),
        ]


class EventFilter(admin.SimpleListFilter):
    """The history's events by their labels (the table in rights/events.py), never by their codes."""

    title = gettext_lazy("event")
    parameter_name = "transition"

    def lookups(self, request, model_admin):
        return [(name, EVENT_LABELS[name]) for name in ("file", *EVENT_ORDER) if name in EVENT_LABELS]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(transition=value) if value in EVENT_LABELS else queryset


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


def history_details(entry: TransitionLog) -> str:
    """An event's details in words, for the history (an amendment's old and new value, an extension's day)."""
    details = entry.details or {}
    match entry.transition:
        case "amend":
            label = AMENDABLE_FIELDS.get(details.get("field"), details.get("field", ""))
            return _("%(field)s: “%(old)s” → “%(new)s”") % {"field": label, "old": details.get("old", ""), "new": details.get("new", "")}
        case "extend":
            return _("to %(day)s; legal basis: %(basis)s") % {"day": details.get("until", ""), "basis": details.get("basis", "")}
        case "assign":
            return "%s → %s" % (details.get("old") or "—", details.get("new") or "—")
        case "escalate":
            return " · ".join(v for v in (details.get("regulator"), details.get("reference")) if v)
        case "snooze":
            return _("until %(day)s") % {"day": details.get("until", "")}
    return ""
