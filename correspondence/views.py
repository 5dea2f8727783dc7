"""The desk's correspondence views behind the case page's mail panel (URLs from correspondence.admin, inside the
admin site: signed in, staff, CSRF): send a complaint to the app, confirm a reply's proposed event, and serve a
received attachment. Each checks the person's permission before anything else; a refusal is the page's message."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from complaints.models import Complaint
from rights.services import may

from .confirming import ConfirmError, confirm_proposed, may_confirm
from .letters import LetterError
from .models import InboundMail, MailAttachment
from .sending import send_complaint


def _case_page(request_id: int):
    return redirect(reverse("admin:rights_rightsrequest_change", args=[request_id]) + "#correspondence")


def complaint_send_view(http_request, complaint_id: int):
    complaint = get_object_or_404(Complaint.objects.select_related("request", "channel"), pk=complaint_id)
    try:
        letter = send_complaint(complaint=complaint, acting_user=http_request.user)
    except LetterError as error:
        messages.error(http_request, str(error))
    else:
        messages.success(http_request, f"{letter.subject} → {letter.to} ({letter.message_id})")
    return _case_page(complaint.request_id)


def confirm_view(http_request, mail_id: int):
    """The one click: the proposed event at the message's arrival time, with the message as evidence."""
    mail = get_object_or_404(InboundMail.objects.select_related("request", "complaint"), pk=mail_id)
    if mail.request_id is None:
        raise Http404
    if not may_confirm(mail, http_request.user):
        raise PermissionDenied
    try:
        confirm_proposed(
            mail=mail, acting_user=http_request.user, expected_state=http_request.POST.get("expected_state") or None
        )
    except ConfirmError as error:
        messages.error(http_request, str(error))
    else:
        messages.success(http_request, _("Recorded from the reply %(id)s.") % {"id": mail.message_id})
    return _case_page(mail.request_id)


def attachment_view(http_request, attachment_id: int):
    """A received attachment, always downloaded (never rendered by the browser: Content-Disposition: attachment,
    an opaque type and nosniff), to those who may read received mail."""
    if not may(http_request.user, "correspondence.view_inboundmail"):
        raise PermissionDenied
    attachment = get_object_or_404(MailAttachment, pk=attachment_id)
    if not attachment.file:  # refused by the upload check: only its name, size and hash were kept
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name or "attachment",
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
