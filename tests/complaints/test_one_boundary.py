"""Complaints are checked at the request track's boundary (rights.services.boundary, config.text, rights.uploads):
the same evidence limit and content check, the same words for a control character, the same event-time check.
A refusal is one line and writes nothing."""

from datetime import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from complaints.forms import ComplaintEventForm
from complaints.models import Channel, ComplaintEvidence
from complaints.services import ComplaintError, draft_complaint, lodge_complaint, record_complaint_event
from rights.models import Evidence
from rights.services import RequestError, record_event
from tests.factories import file, shanghai

pytestmark = pytest.mark.django_db

FILED = shanghai(2026, 9, 28, 10)
LODGED = shanghai(2026, 10, 14, 9)
ANSWERED = shanghai(2026, 10, 20, 9)
NOW = shanghai(2026, 10, 21, 9)
# A Windows program renamed to look like a screenshot: its bytes are neither an image nor text.
DISGUISED = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 8


@pytest.fixture
def case(catalog):
    """A cancellation filed with 卢米埃影城 on 09-28 and overdue, its complaint to the app lodged on 10-14."""
    request = file(catalog["卢米埃影城"], at=FILED, requester_contact="13812345678", now=NOW)
    complaint = lodge_complaint(request=request, channel=Channel.objects.get(code="app"), at=LODGED, now=NOW)
    return request, complaint


def refusal(error_class, record) -> str:
    with pytest.raises(error_class) as refused:
        record()
    return str(refused.value)


@override_settings(RIGHTSDESK_MAX_UPLOAD_BYTES=1024)
def test_complaint_evidence_over_the_upload_setting_is_refused_in_one_line_like_a_requests(case, english):
    request, complaint = case
    screenshot = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048  # 2 KiB against the 1 KiB limit of the setting

    message = refusal(ComplaintError, lambda: record_complaint_event(
        complaint=complaint, event="answer", note="客服答复", at=ANSWERED, now=NOW,
        evidence=[ContentFile(screenshot, name="答复.png")],
    ))  # fmt: skip
    assert "at most 1.0\xa0KB" in message and "\n" not in message
    assert message == refusal(RequestError, lambda: record_event(
        request=request, event="reply", note="客服答复", at=ANSWERED, now=NOW, evidence=[ContentFile(screenshot, name="答复.png")],
    ))  # fmt: skip
    complaint.refresh_from_db()
    assert complaint.state == "lodged" and not ComplaintEvidence.objects.exists() and not Evidence.objects.exists()

    form = ComplaintEventForm(
        {"answer-expected_state": "lodged", "answer-note": "客服答复"},
        {"answer-evidence": SimpleUploadedFile("答复.png", screenshot)},
        event="answer",
    )
    assert not form.is_valid() and form.errors["evidence"] == [message]


def test_complaint_evidence_whose_content_is_not_its_extension_is_refused_like_a_requests(case, english):
    request, complaint = case

    message = refusal(ComplaintError, lambda: record_complaint_event(
        complaint=complaint, event="answer", note="客服答复", at=ANSWERED, now=NOW,
        evidence=[ContentFile(DISGUISED, name="截图.png")],
    ))  # fmt: skip
    assert "is not a kind of file RightsDesk keeps as evidence" in message
    assert message == refusal(RequestError, lambda: record_event(
        request=request, event="reply", note="客服答复", at=ANSWERED, now=NOW, evidence=[ContentFile(DISGUISED, name="截图.png")],
    ))  # fmt: skip
    assert not ComplaintEvidence.objects.exists()


@pytest.mark.parametrize("note", ["已处理\x00", "已\x1b[31m处理"])
def test_complaint_text_with_control_characters_is_refused_with_the_requests_words(case, note):
    request, complaint = case
    entries = complaint.log.count()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            message = refusal(ComplaintError, lambda: record_complaint_event(
                complaint=complaint, event="answer", note=note, at=ANSWERED, now=NOW,
            ))  # fmt: skip
            assert message == refusal(RequestError, lambda: record_event(
                request=request, event="reply", note=note, at=ANSWERED, now=NOW,
            ))  # fmt: skip
    assert complaint.log.count() == entries


@pytest.mark.parametrize(
    "at",
    [shanghai(2026, 10, 21, 9, 1), datetime(26, 11, 2, 10), datetime(1900, 1, 1)],
    ids=["a minute in the future", "year 0026", "year 1900"],
)
def test_the_event_time_check_on_complaints_is_the_one_on_requests(catalog, at):
    request = file(catalog["卢米埃影城"], at=FILED, now=NOW)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            on_complaint = refusal(ComplaintError, lambda: draft_complaint(
                request=request, channel=Channel.objects.get(code="app"), at=at, now=NOW,
            ))  # fmt: skip
            on_request = refusal(RequestError, lambda: record_event(request=request, event="reply", at=at, now=NOW))
        assert on_complaint == on_request and "\n" not in on_complaint
    assert not request.complaints.exists() and request.log.count() == 2


def test_a_template_with_a_control_character_is_a_field_error_not_a_refused_save(admin_client, english):
    from django.urls import reverse

    from complaints.models import DraftTemplate

    template = DraftTemplate.objects.get(key="reminder", language="zh-hans")
    response = admin_client.post(
        reverse("admin:complaints_drafttemplate_change", args=[template.pk]),
        {"body": "致{{ respondent.name }}\x1b[31m"},
    )
    assert response.status_code == 200
    assert "Template contains a control character (U+001B); remove it and try again." in response.content.decode()
    template.refresh_from_db()
    assert "\x1b" not in template.body
