import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Channel
from complaints.services import lodge_complaint, record_complaint_event
from rights.roles import CASE_WORKER
from rights.services import record_event
from tests.factories import UserFactory, file, shanghai

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def clerk(roles):
    return UserFactory(username="wang.clerk", role=CASE_WORKER)


@pytest.fixture
def case(catalog, clerk, media):
    """A request with three events (one with a screenshot) and a complaint lodged with the app, with evidence."""
    request = file(
        catalog["卢米埃影城"], at=shanghai(2026, 9, 28, 10), requester_contact="13812345678", acting_user=clerk
    )
    request = record_event(
        request=request, event="acknowledge", acting_user=clerk, at=shanghai(2026, 9, 29, 10),
        evidence=[SimpleUploadedFile("回执.png", PNG, content_type="image/png")], note="客服回复已受理",
    )  # fmt: skip
    complaint = lodge_complaint(
        request=request, channel=Channel.objects.get(code="app"), acting_user=clerk, at=shanghai(2026, 10, 20, 9),
        evidence=[SimpleUploadedFile("截图.png", PNG + b"1", content_type="image/png")],
    )  # fmt: skip
    complaint = record_complaint_event(
        complaint=complaint, event="withdraw", acting_user=clerk, at=shanghai(2026, 10, 21, 9), note="已解决"
    )
    request.refresh_from_db()
    return request, complaint
