"""Issue 23, build item 2: `requests redact` erases a closed case's personal data past its retention period,
audited, keeping every event, moment and deadline, and the hash chain still verifies."""

import json
from io import StringIO

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from complaints.models import ComplaintEvidence, RequesterDetails
from complaints.services import update_requester_details
from records.models import AuditEntry
from rights.models import Evidence, RightsRequest, TransitionLog
from rights.services import record_event
from rights.services.redaction import MARKER
from tests.factories import shanghai

from .test_chain import verify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def redact(pk, *args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("requests", "redact", str(pk), *args, stdout=out)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.getvalue()


@pytest.fixture
def closed(case, clerk):
    request, complaint = case
    update_requester_details(request=request, changes={"address": "上海市徐汇区测试路2号", "postcode": "200030"})
    request = record_event(request=request, event="complete", acting_user=clerk, at=shanghai(2026, 10, 22, 9))
    request = record_event(request=request, event="confirm", acting_user=clerk, at=shanghai(2026, 10, 22, 10))
    return request, complaint


def test_an_open_case_is_refused(case):
    request, _ = case
    status, message = redact(request.pk, "--reason", "申请人要求删除")
    assert status == 2 and "open" in message
    assert RightsRequest.objects.get(pk=request.pk).requester_name == "张三"


def test_a_closed_case_within_its_retention_period_is_refused(closed, settings):
    settings.RIGHTSDESK_RETENTION_DAYS = 1095
    request, _ = closed
    with time_machine.travel(shanghai(2029, 10, 21, 9), tick=False):
        status, message = redact(request.pk, "--reason", "申请人要求删除")
    assert status == 2 and "2029-10-21" in message and "\n" not in message
    assert not AuditEntry.objects.filter(action="redact").exists()


def test_a_closed_case_past_retention_is_redacted_audited_and_still_verifies(
    closed, settings, django_capture_on_commit_callbacks
):
    settings.RIGHTSDESK_RETENTION_DAYS = 1095
    request, complaint = closed
    history = list(TransitionLog.objects.filter(request=request).values_list("id", "at", "hash"))
    clocks = list(request.clocks.values_list("deadline", "final_due"))
    stored = [e.file.name for e in Evidence.objects.filter(request=request)] + [
        e.file.name for e in ComplaintEvidence.objects.filter(complaint=complaint)
    ]
    with time_machine.travel(shanghai(2029, 10, 23, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        status, out = redact(request.pk, "--reason", "申请人要求删除", "--json")
    assert status == 0
    assert json.loads(out)["files"] == 2
    redacted = RightsRequest.objects.get(pk=request.pk)
    assert (redacted.requester_name, redacted.requester_contact) == (MARKER, MARKER)
    assert RequesterDetails.objects.get(request=request).address == MARKER
    assert not any(default_storage.exists(name) for name in stored)
    assert list(TransitionLog.objects.filter(request=request).values_list("id", "at", "hash")) == history
    assert list(redacted.clocks.values_list("deadline", "final_due")) == clocks
    entry = AuditEntry.objects.get(action="redact")
    assert entry.changes["reason"] == "申请人要求删除"
    status, report = verify()
    assert (status, report["broken"], report["events"]) == (0, [], 8)
    with time_machine.travel(shanghai(2029, 10, 23, 9), tick=False):
        status, message = redact(request.pk, "--reason", "again")
    assert status == 2 and "already" in message


def test_redaction_needs_a_reason(closed, settings):
    settings.RIGHTSDESK_RETENTION_DAYS = 0
    request, _ = closed
    status, message = redact(request.pk, "--reason", "  ")
    assert status == 2 and "reason" in message
    assert RightsRequest.objects.get(pk=request.pk).requester_name == "张三"
