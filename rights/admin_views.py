"""The request admin's own pages: the case page's event and assign forms, evidence, filing and its preview, bulk
events, saved views, the CSV export and the dashboard. Every write goes through rights.services; a refusal comes
back as an admin message.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.models import work_calendar

from .admin_csv import csv_response
from .admin_html import PageClock
from .charts import app_charts
from .desk import BULK_HELP, delete_view, filing_preview, record_for_each, save_view, view_query
from .events import EVENT_LABELS, event_label
from .forms import AssignForm, BulkEventForm, EventForm, FileRequestForm, FilingPreviewForm
from .models import Evidence, RightsRequest
from .presenters import dashboard
from .registry import tracks
from .services import RequestError, event_time, file_request, record_event
from .uploads import evidence_response


class RequestViews:
    """The custom views of RightsRequestAdmin (its URLs in get_urls)."""

    # --- bulk events and saved views -----------------------------------------------------------------

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

    # --- URLs and the case page's forms --------------------------------------------------------------

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
        # A time filing would refuse is an answer, not a failed request: 200 with the one-line error, so a person
        # typing a year does not fill the browser's console with errors (issue 19).
        form = FilingPreviewForm(request.GET)
        if not form.is_valid():
            first = next(iter(form.errors.values()))[0]
            return JsonResponse({"error": str(first)})
        data = form.cleaned_data
        try:
            preview = filing_preview(app=data["app"], right=data["right"], at=data["sent_at"])
        except RequestError as error:
            return JsonResponse({"error": str(error)})
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
        response = csv_response(changelist.queryset, page=page)
        return response

    def dashboard_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        page = PageClock.of(request)
        board = dashboard(page.now)
        panels = [
            panel for track in tracks() if track.dashboard_panel
            if (panel := track.dashboard_panel(request, now=page.now)) is not None
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Rights requests dashboard"),
            "subtitle": None,
            "opts": self.opts,
            "board": board,
            "charts": app_charts(board.apps, now=page.now),
            "track_panels": panels,
            **{key: value for panel in panels for key, value in panel.context.items()},
            "changelist_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"),
        }
        return TemplateResponse(request, "admin/rights/rightsrequest/dashboard.html", context)
