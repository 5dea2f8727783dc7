"""Admin views of the policy importer: upload or paste a policy, follow its import (which runs in the
background) on a progress page, review each proposed procedure beside the sentence it came from, accept the
version, and compare it with the app's previous version.

The views only parse forms and render; every write goes through policies.importer.jobs and .store. The pages
carry no inline script or style (a strict Content-Security-Policy allows them): policies/static/policies/.
"""
from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .forms import ChannelRowsWidget, ChannelsField
from .importer import ImporterError
from .importer.compare import compare_with_previous
from .importer.confidence import RULES, reason_labels
from .importer.extract import facts_in
from .importer.jobs import start_policy_import
from .importer.reading import max_policy_bytes, read_limited, read_policy
from .importer.store import REVIEWABLE_FIELDS, accept_confident_procedures, accept_policy_version, review_procedure
from .models import App, Confidence, PolicyImport, PolicyVersion, Procedure, ReviewStatus

# An import that has not moved for this long has lost its worker (a restart): its page says so.
STALLED_AFTER = timedelta(minutes=10)


class PolicyImportForm(forms.Form):
    app = forms.ModelChoiceField(
        App.objects.all(),
        required=False,
        label=gettext_lazy("app"),
        help_text=gettext_lazy("Leave empty to use the app the policy names, or give a new app's name below."),
    )
    new_app_name = forms.CharField(required=False, max_length=200, label=gettext_lazy("or a new app's name"))
    file = forms.FileField(
        required=False,
        label=gettext_lazy("policy file"),
        help_text=gettext_lazy("Plain text (UTF-8, UTF-16 or GB18030) or an HTML page, at most %(max)s MB."),
    )
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
        label=gettext_lazy("or paste the policy's text"),
    )
    source_url = forms.URLField(required=False, label=gettext_lazy("source URL"), assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {"max": f"{max_policy_bytes() / 1048576:g}"}

    def clean(self):
        cleaned = super().clean()
        upload, pasted = cleaned.get("file"), cleaned.get("text") or ""
        if bool(upload) == bool(pasted.strip()):
            raise ValidationError(_("Upload a file or paste the text, not both and not neither."))
        if cleaned.get("app") and cleaned.get("new_app_name"):
            raise ValidationError(_("Choose an app or give a new app's name, not both."))
        try:
            # Reading is quick and linear (decode, check, strip HTML): a bad file is refused here, on the form;
            # extracting and storing run in the background.
            if upload:
                data = read_limited(upload, source_name=upload.name)
                cleaned["policy_text"] = read_policy(data, source_name=upload.name)
                cleaned["source_name"] = upload.name
            else:
                cleaned["policy_text"] = read_policy(pasted, source_name=_("The pasted text"))
                cleaned["source_name"] = ""
        except ImporterError as e:
            raise ValidationError(str(e)) from None
        return cleaned

    @property
    def app_name(self) -> str:
        app = self.cleaned_data.get("app")
        return app.name if app else self.cleaned_data.get("new_app_name", "").strip()


class ProcedureReviewForm(forms.ModelForm):
    # Channels as rows of (kind, value), as on the procedure page, not JSON.
    channels = ChannelsField(required=False, label=gettext_lazy("channels"))

    class Meta:
        model = Procedure
        fields = REVIEWABLE_FIELDS
        widgets = {
            "quote": forms.Textarea(attrs={"rows": 3, "cols": 40}),
            "note": forms.Textarea(attrs={"rows": 2, "cols": 40}),
        }


_DECISIONS = {
    "accept": ReviewStatus.ACCEPTED,
    "reject": ReviewStatus.REJECTED,
    "save": None,  # keep the review status, save the edits
}


class PolicyImportAdminMixin:
    """Adds the import, review and compare views to PolicyVersionAdmin, with links on its pages."""

    change_list_template = "admin/policies/import/change_list.html"
    change_form_template = "admin/policies/import/change_form.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        info = self.opts.app_label, self.opts.model_name
        return [
            path("import/", wrap(self.import_view), name="%s_%s_import" % info),
            path("import/<int:job_id>/", wrap(self.import_progress_view), name="%s_%s_import_progress" % info),
            path("import/<int:job_id>/status/", wrap(self.import_status_view), name="%s_%s_import_status" % info),
            path("<int:object_id>/review/", wrap(self.review_view), name="%s_%s_review" % info),
            path("<int:object_id>/compare/", wrap(self.compare_view), name="%s_%s_compare" % info),
        ] + super().get_urls()

    def _url(self, name: str, *args) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def _context(self, request, title: str, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **extra}

    # --- Upload or paste ----------------------------------------------------------------------------------

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PolicyImportForm(request.POST, request.FILES) if request.method == "POST" else PolicyImportForm()
        if request.method == "POST" and form.is_valid():
            job = start_policy_import(
                text=form.cleaned_data["policy_text"],
                app_name=form.app_name,
                source_name=form.cleaned_data["source_name"],
                source_url=form.cleaned_data.get("source_url") or "",
                acting_user=request.user,
            )
            job.refresh_from_db(fields=["state", "error"])  # the hand-over ran when the job was committed
            if job.state != PolicyImport.State.FAILED:
                return HttpResponseRedirect(self._url("import_progress", job.pk))
            # The broker did not take the job: say so on the form, which keeps the pasted text (the job,
            # recorded as failed with this reason, keeps it too, and an uploaded file's).
            form.add_error(None, job.error)
            status, failed_url = 503, self._url("import_progress", job.pk)
        else:
            status, failed_url = 200, None
        return TemplateResponse(
            request,
            "admin/policies/import/import.html",
            self._context(
                request, _("Import a privacy policy"), form=form, media=self.media + form.media, failed_url=failed_url
            ),
            status=status,
        )

    # --- Progress of an import running in the background --------------------------------------------------

    def _job(self, request, job_id) -> PolicyImport:
        if not self.has_add_permission(request):
            raise PermissionDenied
        return get_object_or_404(PolicyImport.objects.select_related("policy_version__app"), pk=job_id)

    def _job_status(self, job: PolicyImport, now=None) -> dict:
        now = now or timezone.now()
        stalled = not job.finished and now - job.updated_at > STALLED_AFTER
        if job.state == PolicyImport.State.DONE:
            label = _("Done.")
        elif job.state == PolicyImport.State.FAILED:
            label = job.error
        elif stalled:
            label = _("This import has not moved for 10 minutes: the server may have restarted. Start it again.")
        elif job.state == PolicyImport.State.QUEUED:
            label = _("Waiting to start…")
        elif job.progress < 60:
            label = _("Reading the policy and proposing procedures…")
        else:
            label = _("Storing the proposed procedures…")
        return {
            "state": job.state,
            "progress": job.progress,
            "stalled": stalled,
            "label": label,
            "review_url": self._url("review", job.policy_version_id) if job.policy_version_id else None,
        }

    def import_progress_view(self, request, job_id):
        job = self._job(request, job_id)
        if request.method == "POST" and job.state == PolicyImport.State.FAILED:
            # Start again: a new job with the same text (a broker that was down is back; nothing to upload again).
            again = start_policy_import(
                text=job.text,
                app_name=job.app_name,
                source_name=job.source_name,
                source_url=job.source_url,
                acting_user=request.user,
            )
            return HttpResponseRedirect(self._url("import_progress", again.pk))
        if job.state == PolicyImport.State.DONE and job.policy_version_id:
            version = job.policy_version
            messages.success(
                request,
                _("Imported %(app)s: a draft version with %(count)d proposed procedures awaiting your review.")
                % {"app": version.app.name, "count": version.procedures.count()},
            )
            return HttpResponseRedirect(self._url("review", version.pk))
        name = job.source_name or job.app_name or _("the pasted text")
        duplicate = _duplicate_of(job)
        if duplicate is not None:
            title = _("Already imported: %(name)s") % {"name": name}
        elif job.state == PolicyImport.State.FAILED:
            title = _("Import failed: %(name)s") % {"name": name}
        else:
            title = _("Importing %(name)s") % {"name": name}
        return TemplateResponse(
            request,
            "admin/policies/import/progress.html",
            self._context(
                request,
                title,
                job=job,
                duplicate=duplicate,
                duplicate_url=self._url("review", duplicate.pk) if duplicate else None,
                status=self._job_status(job),
                status_url=self._url("import_status", job.pk),
                progress_url=self._url("import_progress", job.pk),
                import_url=self._url("import"),
            ),
        )

    def import_status_view(self, request, job_id):
        """The progress page's script asks here (JSON) until the import is done or failed."""
        return JsonResponse(self._job_status(self._job(request, job_id)))

    # --- Review ------------------------------------------------------------------------------------------

    def review_view(self, request, object_id):
        version = get_object_or_404(PolicyVersion.objects.select_related("app"), pk=object_id)
        if not self.has_change_permission(request, version):
            raise PermissionDenied
        procedures = sorted(version.procedures.order_by("id"), key=_review_order)
        forms_by_id = {p.pk: ProcedureReviewForm(instance=p, prefix=f"p{p.pk}") for p in procedures}

        if request.method == "POST":
            action = request.POST.get("action", "")
            if action == "accept_version":
                try:
                    accept_policy_version(version=version, acting_user=request.user)
                except ImporterError as e:
                    messages.error(request, str(e))
                else:
                    messages.success(request, _("Version #%(id)s is accepted and in force from its effective date.") % {"id": version.pk})
                return HttpResponseRedirect(self._url("review", version.pk))
            if action == "accept_confident":
                try:
                    count = accept_confident_procedures(version=version, acting_user=request.user)
                except ImporterError as e:
                    messages.error(request, str(e))
                else:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)d confident proposal was accepted as proposed.",
                            "%(count)d confident proposals were accepted as proposed.",
                            count,
                        )
                        % {"count": count},
                    )
                return HttpResponseRedirect(self._url("review", version.pk))
            decision, _sep, procedure_id = action.partition(":")
            procedure = next((p for p in procedures if str(p.pk) == procedure_id), None)
            if procedure is None or decision not in _DECISIONS:
                messages.error(request, _("Unknown action."))
                return HttpResponseRedirect(self._url("review", version.pk))
            form = ProcedureReviewForm(request.POST, instance=Procedure.objects.get(pk=procedure.pk), prefix=f"p{procedure.pk}")
            forms_by_id[procedure.pk] = form
            if form.is_valid():
                status = _DECISIONS[decision] or procedure.review_status
                changes = {name: form.cleaned_data[name] for name in REVIEWABLE_FIELDS}
                try:
                    review_procedure(procedure=procedure, status=status, changes=changes, acting_user=request.user)
                except ValidationError as e:
                    for field, errors in e.message_dict.items() if hasattr(e, "error_dict") else [(None, e.messages)]:
                        form.add_error(field if field in form.fields else None, errors)
                except ImporterError as e:
                    form.add_error(None, str(e))
                else:
                    return HttpResponseRedirect(self._url("review", version.pk) + f"#p-{procedure.pk}")

        pending = sum(1 for p in procedures if p.review_status == ReviewStatus.DRAFT)
        confident = sum(
            1 for p in procedures if p.review_status == ReviewStatus.DRAFT and p.confidence == Confidence.HIGH
        )
        cards = [
            {
                "procedure": p,
                "form": forms_by_id[p.pk],
                "facts": _fact_labels(version.source_text, p.quote),
                "rule": RULES.get(p.extraction_rule, ""),
                "reasons": reason_labels(p.confidence_reasons or []),
            }
            for p in procedures
        ]
        return TemplateResponse(
            request,
            "admin/policies/import/review.html",
            self._context(
                request,
                _("Review the import of %(version)s") % {"version": version},
                version=version,
                cards=cards,
                pending=pending,
                confident=confident,
                text_html=highlighted_text(version.source_text, procedures),
                media=ChannelRowsWidget().media,
                compare_url=self._url("compare", version.pk),
                change_url=reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[version.pk]),
            ),
        )

    # --- Compare -----------------------------------------------------------------------------------------

    def compare_view(self, request, object_id):
        version = get_object_or_404(PolicyVersion.objects.select_related("app"), pk=object_id)
        if not self.has_view_or_change_permission(request, version):
            raise PermissionDenied
        previous, changes = compare_with_previous(version)
        return TemplateResponse(
            request,
            "admin/policies/import/compare.html",
            self._context(
                request,
                _("What %(version)s changes") % {"version": version},
                version=version,
                previous=previous,
                changes=changes,
                changed=[c for c in changes if c.kind != "unchanged"],
                review_url=self._url("review", version.pk),
            ),
        )


def _duplicate_of(job: PolicyImport) -> PolicyVersion | None:
    """The version a failed import found already there: the same text for the same app (the importer refuses
    it, store.import_policy_version). None for an import that has not failed, or failed for another reason."""
    if job.state != PolicyImport.State.FAILED:
        return None
    versions = PolicyVersion.objects.filter(checksum=PolicyVersion.checksum_of(job.text)).select_related("app")
    if job.app_name.strip():
        name = job.app_name.strip()
        versions = versions.filter(Q(app__name=name) | Q(app__slug=name))
    return versions.order_by("-id").first()


# --- Review order ---------------------------------------------------------------------------------------

_STATUS_ORDER = {ReviewStatus.DRAFT: 0, ReviewStatus.REJECTED: 1, ReviewStatus.ACCEPTED: 2}
_CONFIDENCE_ORDER = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 3}


def _review_order(procedure: Procedure) -> tuple:
    """What a reviewer reads first: proposals awaiting review, the least certain first (no confidence, as in a
    version imported before confidences existed, between medium and high), then in text order."""
    return (
        _STATUS_ORDER.get(procedure.review_status, 3),
        _CONFIDENCE_ORDER.get(procedure.confidence, 2),
        procedure.pk,
    )


# --- Highlighting ---------------------------------------------------------------------------------------

_FACT_LABELS = {
    "deadline": gettext_lazy("deadline"),
    "clock": gettext_lazy("clock start"),
    "hedge": gettext_lazy("hedge"),
    "path": gettext_lazy("self-service path"),
}


def _quote_span(text: str, quote: str) -> tuple[int, int] | None:
    start = text.find(quote) if quote else -1
    return (start, start + len(quote)) if start >= 0 else None


def _nearest(text: str, value: str, near: int) -> int | None:
    """The occurrence of value nearest to position `near`, if any (searched within 5,000 characters)."""
    lo = max(0, near - 5000)
    before = text.rfind(value, lo, near)
    after = text.find(value, near, near + 5000)
    candidates = [p for p in (before, after) if p >= 0]
    return min(candidates, key=lambda p: abs(p - near)) if candidates else None


def _fact_labels(text: str, quote: str) -> list[dict]:
    span = _quote_span(text, quote)
    if span is None:
        return []
    return [{"kind": f.kind, "label": _FACT_LABELS[f.kind], "text": text[f.start : f.end]} for f in facts_in(text, *span)]


def highlighted_text(text: str, procedures: list[Procedure]):
    """The policy text as HTML, each procedure's quote marked (and linked to its card) and, inside the
    quotes, the facts the grammar reads: deadline, clock start, hedge and self-service path."""
    quotes = []  # (start, end, procedure)
    for procedure in procedures:
        span = _quote_span(text, procedure.quote)
        if span:
            quotes.append((*span, procedure))
    facts = {(f.start, f.end, f.kind) for start, end, _p in quotes for f in facts_in(text, start, end)}
    # A procedure's paths are often given in a sentence next to its promise: mark them where they are.
    for start, _end, procedure in quotes:
        for channel in procedure.channels or []:
            value = channel.get("value") if isinstance(channel, dict) else None
            if channel.get("kind") in ("self_service", "in_app_agent") and value:
                found = _nearest(text, value, start)
                if found is not None:
                    facts.add((found, found + len(value), "path"))
    # Sweep the text once: at each boundary, quotes and facts open or close.
    opens: dict[int, list] = {}
    closes: dict[int, list] = {}
    for item in [(s, e, ("quote", p)) for s, e, p in quotes] + [(s, e, ("fact", k)) for s, e, k in facts]:
        opens.setdefault(item[0], []).append(item)
        closes.setdefault(item[1], []).append(item)
    cuts = sorted({0, len(text)} | set(opens) | set(closes))
    active: list = []
    parts, anchored = [], set()
    order = {ReviewStatus.DRAFT: 0, ReviewStatus.ACCEPTED: 1, ReviewStatus.REJECTED: 2}
    for a, b in pairwise(cuts):
        active = [item for item in active if item not in closes.get(a, [])] + opens.get(a, [])
        covering = [item[2][1] for item in active if item[2][0] == "quote"]
        kinds = sorted({item[2][1] for item in active if item[2][0] == "fact"})
        piece = escape(text[a:b])
        if not covering:
            parts.append(format_html('<span class="{}">{}</span>', " ".join(f"fact-{k}" for k in kinds), piece) if kinds else piece)
            continue
        status = min((p.review_status for p in covering), key=lambda s: order.get(s, 3))
        classes = " ".join([f"quote quote-{status}"] + [f"fact-{k}" for k in kinds])
        anchor = "".join(str(format_html('<a id="q-{}"></a>', p.pk)) for p in covering if p.pk not in anchored)
        anchored.update(p.pk for p in covering)
        parts.append(
            format_html(
                '{}<a class="{}" href="#p-{}" title="{}">{}</a>',
                mark_safe(anchor),
                classes,
                covering[0].pk,
                ", ".join(f"#{p.pk} {p.get_right_display()}" for p in covering),
                piece,
            )
        )
    return mark_safe("".join(str(p) for p in parts))
