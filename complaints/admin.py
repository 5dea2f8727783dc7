"""The complaints admin: the list, the complaint page (events through complaints.services), drafting from a
request, the complainant's details, case files (page, PDF, ZIP), the reminder letter and power of attorney,
and the catalog pages for channels and draft templates (edits leave audit rows).

Thin: every write is a service call; refusals come back as one-line messages.
"""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.numbers import whole_number
from config.text import clean_text
from deadlines.counting import local_day as local_date
from deadlines.status import is_overdue
from policies.models import work_calendar
from records.models import AuditEntry
from rights.models import RightsRequest, local_minute
from rights.querysets import today_in_shanghai

from .admissibility import CaseFacts, check_admissibility
from .casefile import CaseFileError, case_file_context, case_file_pdf, case_file_zip, document_pdf, text_pdf
from .drafting import DraftError, check_template, draft_context, render, render_body, template_key
from .events import EVENTS_BY_NAME
from .forms import ComplaintEventForm, NewComplaintForm, RequesterDetailsForm
from .models import Channel, Complaint, DraftTemplate, RequesterDetails
from .panels import channel_states
from .services import (
    ComplaintError,
    allowed_events,
    draft_complaint,
    escalation_refusal,
    event_label,
    history_details,
    record_complaint_event,
    save_template,
    update_channel,
    update_requester_details,
)

# What a complaint's buttons say: a verb ("Lodge", "Withdraw"); the history names what was recorded ("Lodged").
BUTTONS = {
    "lodge": gettext_lazy("Lodge"),
    "admit": gettext_lazy("Record the admission"),
    "not_admit": gettext_lazy("Record the refusal to admit"),
    "answer": gettext_lazy("Record the answer"),
    "close": gettext_lazy("Close the complaint"),
    "withdraw": gettext_lazy("Withdraw"),
}
DOCUMENTS = {"reminder": gettext_lazy("Reminder letter to the app (催办函)"), "power_of_attorney": gettext_lazy("Power of attorney (授权委托书)")}


def _pdf_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("number", "request_link", "app", "channel", "state_badge", "lodged", "next_due")
    list_filter = ("state", "channel", "request__app")
    search_fields = ("reference", "request__requester_name", "request__app__name")
    list_select_related = ("request__app", "channel")
    list_per_page = 50

    @admin.display(description="#", ordering="pk")
    def number(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=gettext_lazy("request"), ordering="request")
    def request_link(self, obj):
        return f"#{obj.request_id} {obj.request.requester_name}"

    @admin.display(description=gettext_lazy("app"), ordering="request__app__name")
    def app(self, obj):
        return obj.request.app.name

    @admin.display(description=gettext_lazy("state"), ordering="state")
    def state_badge(self, obj):
        return format_html('<span class="cp-state cp-state--{}" data-state="{}">{}</span>', obj.state, obj.state, obj.get_state_display())

    @admin.display(description=gettext_lazy("lodged at"), ordering="lodged_at")
    def lodged(self, obj):
        return local_minute(obj.lodged_at) or "—"

    @admin.display(description=gettext_lazy("due"))
    def next_due(self, obj):
        running = [c for c in obj.clocks.all() if c.is_running]
        if not running:
            return "—"
        clock = min(running, key=lambda c: c.deadline_at)
        overdue = is_overdue(clock, timezone.now())
        return format_html('<span class="cp-due{}">{} {}</span>', " cp-due--overdue" if overdue else "", clock.get_action_display(), f"{clock.final_due:%Y-%m-%d}")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("clocks")

    def has_add_permission(self, request):
        return request.user.has_perm("complaints.add_complaint")

    def has_delete_permission(self, request, obj=None):
        return False  # the history is the record

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # --- urls -------------------------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("new/", wrap(self.new_view), name="complaints_complaint_new"),
            path("<int:object_id>/event/<str:name>/", wrap(self.event_view), name="complaints_complaint_event"),
            path("<int:object_id>/pdf/", wrap(self.pdf_view), name="complaints_complaint_pdf"),
            path("casefile/<int:request_id>/", wrap(self.casefile_view), name="complaints_casefile"),
            path("casefile/<int:request_id>/pdf/", wrap(self.casefile_pdf_view), name="complaints_casefile_pdf"),
            path("casefile/<int:request_id>/zip/", wrap(self.casefile_zip_view), name="complaints_casefile_zip"),
            path("document/<int:request_id>/<str:key>/", wrap(self.document_view), name="complaints_document"),
            path("details/<int:request_id>/", wrap(self.details_view), name="complaints_details"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        target = reverse("admin:complaints_complaint_new")
        if request.GET.get("request"):
            target += "?" + request.GET.urlencode()
        return HttpResponseRedirect(target)

    def _rights_request(self, request, request_id) -> RightsRequest:
        if not (request.user.has_perm("complaints.view_complaint") and request.user.has_perm("rights.view_rightsrequest")):
            raise PermissionDenied
        return get_object_or_404(RightsRequest.objects.select_related("app"), pk=request_id)

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.opts, **extra}

    # --- drafting ---------------------------------------------------------------------------------------

    def new_view(self, request):
        """/admin/complaints/complaint/new/?request=ID[&channel=CODE]: the channels' admissibility, the draft preview
        and the Draft button."""
        raw = (request.POST.get("request") if request.method == "POST" else request.GET.get("request", "")) or ""
        if not raw:
            # A complaint is always about a request: start from one.
            messages.info(request, _("Open a request and choose a channel to complain to."))
            return HttpResponseRedirect(reverse("admin:rights_rightsrequest_changelist"))
        if not raw.isascii() or not raw.isdigit():
            raise Http404(_("Say which request: ?request=ID"))
        rights_request = self._rights_request(request, int(raw))
        code = request.POST.get("channel") if request.method == "POST" else request.GET.get("channel")
        channel = Channel.objects.filter(code=code).first() if code else None
        if request.method == "POST":
            if not request.user.has_perm("complaints.add_complaint"):
                raise PermissionDenied
            form = NewComplaintForm(request.POST)
            if form.is_valid():
                try:
                    complaint = draft_complaint(request=rights_request, channel=form.cleaned_data["channel"], acting_user=request.user,
                                                at=form.cleaned_data["at"])
                except ComplaintError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(request, _("Complaint #%(id)s drafted.") % {"id": complaint.pk})
                    return HttpResponseRedirect(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
            else:
                messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        on = local_date(timezone.now())
        preview = preview_en = refusal = None
        admissibility = None
        # One reading of the request and of the calendar for this channel and the channel list.
        facts, calendar = CaseFacts(rights_request), work_calendar()
        if channel is not None:
            admissibility = check_admissibility(request=rights_request, channel=channel, on=on, calendar=calendar, facts=facts)
            if not admissibility.ok:
                refusal = admissibility.refusal()
            # A draft can always be shown (missing details are marked blanks); drafting it waits for admissibility.
            if channel.drafting:
                try:
                    preview = render(_template_key(channel), request=rights_request, channel=channel, on=on, language="zh-hans")
                    preview_en = render(_template_key(channel), request=rights_request, channel=channel, on=on, language="en")
                except DraftError as error:
                    refusal = str(error)
        context = self._context(
            request,
            title=_("Complain about request #%(id)s") % {"id": rights_request.pk},
            rights_request=rights_request,
            channel=channel,
            channels=channel_states(rights_request, on=on, calendar=calendar, facts=facts),
            admissibility=admissibility,
            preview=preview,
            preview_en=preview_en,
            refusal=refusal,
            can_draft=request.user.has_perm("complaints.add_complaint"),
            form=NewComplaintForm(initial={"request": rights_request.pk, "channel": channel.code if channel else ""}),
            existing=Complaint.objects.filter(request=rights_request).select_related("channel"),
            details_url=reverse("admin:complaints_details", args=[rights_request.pk]),
        )
        return TemplateResponse(request, "admin/complaints/new.html", context)

    # --- the complaint page -----------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        number = whole_number(unquote(object_id))  # "²" or "①" in the address: not found, never a 500
        if number is None:
            raise Http404
        complaint = get_object_or_404(Complaint.objects.select_related("request__app", "channel"), pk=number)
        if not self.has_view_permission(request, complaint):
            raise PermissionDenied
        if request.method == "POST":
            return HttpResponseNotAllowed(["GET"])
        user = request.user
        names = allowed_events(complaint, user) if user.has_perm("complaints.change_complaint") else []
        now = timezone.now()
        context = self._context(
            request,
            title=_("Complaint #%(id)s") % {"id": complaint.pk},
            complaint=complaint,
            rights_request=complaint.request,
            original=complaint,
            clocks=[{"clock": c, "overdue": is_overdue(c, now), "kept": c.kept_promise()} for c in complaint.clocks.all()],
            history=[{"entry": e, "label": event_label(e.event), "details": history_details(e.details)}
                     for e in complaint.log.select_related("by").prefetch_related("evidence")],
            evidence=complaint.evidence.all(),
            events=[{"name": n, "label": BUTTONS.get(n) or event_label(n), "grave": EVENTS_BY_NAME[n].grave,
                     "form": ComplaintEventForm(event=n, initial={"expected_state": complaint.state}),
                     "url": reverse("admin:complaints_complaint_event", args=[complaint.pk, n])} for n in names],
            escalation_refusal=escalation_refusal(complaint),
            request_url=reverse("admin:rights_rightsrequest_change", args=[complaint.request_id]),
            pdf_url=reverse("admin:complaints_complaint_pdf", args=[complaint.pk]),
            casefile_url=reverse("admin:complaints_casefile", args=[complaint.request_id]),
            casefile_pdf_url=reverse("admin:complaints_casefile_pdf", args=[complaint.request_id]),
            casefile_zip_url=reverse("admin:complaints_casefile_zip", args=[complaint.request_id]),
        )
        return TemplateResponse(request, "admin/complaints/complaint.html", context)

    def event_view(self, request, object_id, name):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        complaint = get_object_or_404(Complaint, pk=object_id)
        page = reverse("admin:complaints_complaint_change", args=[complaint.pk])
        if name not in EVENTS_BY_NAME or not EVENTS_BY_NAME[name].offered:
            messages.error(request, _("Unknown complaint event “%(name)s”.") % {"name": name})
            return HttpResponseRedirect(page)
        form = ComplaintEventForm(request.POST, request.FILES, event=name)
        if not form.is_valid():
            messages.error(request, "; ".join(f"{form.fields[f].label if f in form.fields else f}: {' '.join(e)}" for f, e in form.errors.items()))
            return HttpResponseRedirect(page)
        data = form.cleaned_data
        try:
            complaint = record_complaint_event(
                complaint=complaint, event=name, acting_user=request.user, at=data.get("at"), expected_state=data["expected_state"],
                note=data.get("note", ""), reason=data.get("reason", ""), reference=data.get("reference", ""),
                satisfied=data.get("satisfied") if "satisfied" in data else None,
                evidence=[data["evidence"]] if data.get("evidence") else (),
            )
        except ComplaintError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Recorded: %(event)s.") % {"event": event_label(name)})
            refused = escalation_refusal(complaint) if name == "lodge" else None
            if refused:
                messages.warning(request, _("The complaint is lodged, but the request's escalation was not recorded: %(why)s") % {"why": refused})
        return HttpResponseRedirect(page)

    def pdf_view(self, request, object_id):
        complaint = get_object_or_404(Complaint.objects.select_related("request", "channel"), pk=object_id)
        if not self.has_view_permission(request, complaint):
            raise PermissionDenied
        if not complaint.text:
            raise Http404(_("This complaint has no drafted text."))
        try:
            data = text_pdf(f"{complaint.channel.name} · #{complaint.request_id}", [complaint.text, complaint.text_en])
        except CaseFileError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
        return _pdf_response(data, f"complaint-{complaint.pk}-{complaint.channel.code}.pdf")

    # --- case file and documents ------------------------------------------------------------------------

    def casefile_view(self, request, request_id):
        rights_request = self._rights_request(request, request_id)
        context = self._context(request, title=_("Case file of request #%(id)s") % {"id": rights_request.pk}, **case_file_context(rights_request),
                                rights_request=rights_request,
                                pdf_url=reverse("admin:complaints_casefile_pdf", args=[rights_request.pk]),
                                zip_url=reverse("admin:complaints_casefile_zip", args=[rights_request.pk]))
        return TemplateResponse(request, "complaints/casefile.html", context)

    def casefile_pdf_view(self, request, request_id):
        rights_request = self._rights_request(request, request_id)
        try:
            return _pdf_response(case_file_pdf(rights_request), f"casefile-{rights_request.pk}.pdf")
        except CaseFileError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("admin:complaints_casefile", args=[rights_request.pk]))

    def casefile_zip_view(self, request, request_id):
        rights_request = self._rights_request(request, request_id)
        try:
            data = case_file_zip(request=rights_request)
        except CaseFileError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("admin:complaints_casefile", args=[rights_request.pk]))
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="casefile-{rights_request.pk}.zip"'
        return response

    def document_view(self, request, request_id, key):
        rights_request = self._rights_request(request, request_id)
        if key not in DOCUMENTS:
            raise Http404
        on = local_date(timezone.now())
        channel = Channel.objects.filter(kind="app").first()
        if request.GET.get("format") == "pdf":
            try:
                return _pdf_response(document_pdf(key, request=rights_request, channel=channel, on=on), f"{key}-{rights_request.pk}.pdf")
            except (DraftError, CaseFileError) as error:
                messages.error(request, str(error))
        text = text_en = refusal = None
        try:
            text = render(key, request=rights_request, channel=channel, on=on, language="zh-hans")
            text_en = render(key, request=rights_request, channel=channel, on=on, language="en")
        except DraftError as error:
            refusal = str(error)
        context = self._context(request, title=f"{DOCUMENTS[key]} · #{rights_request.pk}", rights_request=rights_request,
                                text=text, text_en=text_en, refusal=refusal, pdf_url="?format=pdf",
                                details_url=reverse("admin:complaints_details", args=[rights_request.pk]))
        return TemplateResponse(request, "admin/complaints/document.html", context)

    def details_view(self, request, request_id):
        rights_request = self._rights_request(request, request_id)
        details = RequesterDetails.objects.filter(request=rights_request).first() or RequesterDetails(request=rights_request)
        can_change = request.user.has_perm("complaints.change_requesterdetails")
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            form = RequesterDetailsForm(request.POST, request.FILES, instance=RequesterDetails(request=rights_request, **{
                f: getattr(details, f) for f in RequesterDetailsForm.Meta.fields}))
            if form.is_valid():
                changes = {f: form.cleaned_data[f] for f in form.changed_data}
                for f in ("power_of_attorney", "agent_identity_document"):
                    if f in changes and not changes[f]:
                        changes.pop(f)  # clearing a file on file is not offered: the record keeps it
                try:
                    update_requester_details(request=rights_request, changes=changes, acting_user=request.user)
                except ComplaintError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(request, _("Complainant details saved."))
                    back = request.GET.get("next", "")
                    if back.startswith("/admin/") and "//" not in back:
                        return HttpResponseRedirect(back)
                    return HttpResponseRedirect(reverse("admin:complaints_details", args=[rights_request.pk]))
        else:
            form = RequesterDetailsForm(instance=details)
        context = self._context(request, title=_("Complainant details of request #%(id)s") % {"id": rights_request.pk},
                                rights_request=rights_request, form=form, can_change=can_change,
                                audit=AuditEntry.objects.filter(subject=f"complainant details of request #{rights_request.pk}")[:20])
        return TemplateResponse(request, "admin/complaints/details.html", context)


def _template_key(channel):

    return template_key(channel)


class AuditedAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("changes"))
    def audit_trail(self, obj):
        entries = AuditEntry.objects.filter(subject=self.audit_subject(obj))[:20]
        if not entries:
            return "—"
        rows = format_html_join("", "<li>{} · {} · {}</li>", ((local_minute(e.at), e.by or "system", ", ".join(e.changes)) for e in entries))
        return format_html('<ul class="cp-audit">{}</ul>', rows)


@admin.register(Channel)
class ChannelAdmin(AuditedAdmin):
    list_display = ("code", "channel_name", "kind", "prerequisite", "admission", "answer", "time_bar_years")

    @admin.display(description=gettext_lazy("name"), ordering="name")
    def channel_name(self, obj):
        return obj.display_name  # in the reader's language
    readonly_fields = ("code", "audit_trail")
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "kind", "how_to_lodge", "regulation", "drafting", "escalates_request", "position")}),
        (gettext_lazy("Admissibility"), {"fields": ("prerequisite", "prerequisite_days", "prerequisite_citation", "time_bar_years", "time_bar_citation",
                                                     "contents_citation", "needs_complainant_address", "needs_respondent_address",
                                                     "agent_citation", "agent_needs_identity_document")}),
        (gettext_lazy("Time limits"), {"fields": ("admission_amount", "admission_unit", "admission_citation",
                                                   "answer_amount", "answer_unit", "answer_starts", "answer_citation")}),
        (gettext_lazy("Changes"), {"fields": ("audit_trail",)}),
    )

    def audit_subject(self, obj):
        return f"channel {obj.code}"

    @admin.display(description=gettext_lazy("admission decided within"))
    def admission(self, obj):
        return f"{obj.admission_amount} {obj.get_admission_unit_display()}" if obj.admission_amount else "—"

    @admin.display(description=gettext_lazy("answer within"))
    def answer(self, obj):
        return f"{obj.answer_amount} {obj.get_answer_unit_display()}" if obj.answer_amount else "—"

    def save_model(self, request, obj, form, change):
        try:
            update_channel(channel=obj, changes={f: form.cleaned_data[f] for f in form.changed_data}, acting_user=request.user)
        except ComplaintError as error:
            raise PermissionDenied(str(error)) from error


@admin.register(DraftTemplate)
class DraftTemplateAdmin(AuditedAdmin):
    list_display = ("key", "language")
    list_filter = ("key", "language")
    readonly_fields = ("key", "language", "audit_trail")
    fields = ("key", "language", "body", "audit_trail")
    change_form_template = "admin/complaints/drafttemplate/change_form.html"

    def audit_subject(self, obj):
        return f"template {obj.key} {obj.language}"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        def clean_body(form_self):


            # The services' text rule, as a field error rather than a refused save.
            body = clean_text(form_self.cleaned_data["body"], label=capfirst(_("template")), max_length=100_000,
                              multiline=True, error=forms.ValidationError)
            try:
                check_template(body)
            except DraftError as error:
                raise forms.ValidationError(str(error)) from None
            return body

        form.clean_body = clean_body
        return form

    def preview_html(self, obj, rights_request):
        """The template rendered on a request (?preview=ID, else the latest), as a draft would be; a refused draft says why."""
        rights_request = rights_request or RightsRequest.objects.order_by("-pk").first()
        if rights_request is None:
            return format_html("<p>{}</p>", _("File a request to see a preview."))
        channel = Channel.objects.filter(code=obj.key).first() or Channel.objects.filter(
            kind="app" if obj.key in ("app", "reminder", "power_of_attorney") else "regulator").first()
        try:
            context = draft_context(request=rights_request, channel=channel, on=today_in_shanghai(), language=obj.language)
            text = render_body(obj.body, context)
        except DraftError as error:
            return format_html('<p class="errornote" data-preview="refused">{}</p>', str(error))
        return format_html('<p class="cp-muted">{}</p><pre class="cp-text" data-preview="ok">{}</pre>',
                           _("Rendered on request #%(id)s:") % {"id": rights_request.pk}, text)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        raw = request.GET.get("preview", "")
        chosen = RightsRequest.objects.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
        extra_context = {**(extra_context or {}), "template_preview": self.preview_html(obj, chosen) if obj else ""}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        try:
            save_template(template=DraftTemplate.objects.get(pk=obj.pk), body=form.cleaned_data["body"], acting_user=request.user)
        except ComplaintError as error:
            raise PermissionDenied(str(error)) from error
