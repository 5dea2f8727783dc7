"""Issue 23, build item 2: `requests redact` erases a closed case's personal data past its retention period,
audited, keeping every event, moment and deadline, and the hash chain still verifies."""

import hashlib
import json
from io import StringIO

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from complaints.models import ComplaintEvidence, ComplaintLog, RequesterDetails
from complaints.services import update_requester_details
from records.chain import KEYED_PERSONAL, PLAIN_PERSONAL, canonical
from records.models import AuditEntry, PersonalKey
from records.personal import matches
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


def test_the_chained_personal_digest_is_keyed_and_confirms_no_guess_after_redaction(
    closed, settings, django_capture_on_commit_callbacks
):
    """A plain SHA-256 of name and phone can be checked against a guess long after the redaction; the digest is
    keyed with the case's random key, which the redaction deletes (records.personal). The complaint's history
    chains none of the complainant's details, so it verifies as it was."""
    settings.RIGHTSDESK_RETENTION_DAYS = 0
    request, complaint = closed
    personal = request.personal_fields()
    details = RequesterDetails.objects.get(request=request)
    filed = TransitionLog.objects.get(request=request, transition="file")
    assert set(filed.details) == {KEYED_PERSONAL}
    assert matches(f"request {request.pk}", personal, filed.details) is True
    assert matches(f"request {request.pk}", {**personal, "requester_name": "李四"}, filed.details) is False
    complaint_history = list(ComplaintLog.objects.filter(complaint=complaint).values_list("id", "hash"))
    with django_capture_on_commit_callbacks(execute=True):
        assert redact(request.pk, "--reason", "申请人要求删除")[0] == 0
    assert not PersonalKey.objects.filter(case=f"request {request.pk}").exists()
    assert matches(f"request {request.pk}", personal, filed.details) is None
    stored = TransitionLog.objects.get(pk=filed.pk).details[KEYED_PERSONAL]
    assert stored != hashlib.sha256(canonical(personal)).hexdigest()
    assert list(ComplaintLog.objects.filter(complaint=complaint).values_list("id", "hash")) == complaint_history
    chained = json.dumps(
        [row.content() for row in ComplaintLog.objects.filter(complaint=complaint)]
        + [row.content() for row in TransitionLog.objects.filter(request=request)],
        ensure_ascii=False,
    )
    assert not any(value in chained for value in (*personal.values(), details.address, details.postcode))
    status, report = verify()
    assert (status, report["broken"]) == (0, [])


def test_a_row_sealed_with_the_plain_digest_before_still_verifies(closed, settings, django_capture_on_commit_callbacks):
    """Rows keep the scheme they were sealed with: the chain hashes `details` as it is."""
    settings.RIGHTSDESK_RETENTION_DAYS = 0
    request, _ = closed
    old = RightsRequest.objects.create(
        app=request.app, right=request.right, requester_name="赵六", filed_at=request.filed_at
    )
    row = TransitionLog(
        request=old, transition="file", source="draft", target="draft", at=request.filed_at,
        details={PLAIN_PERSONAL: hashlib.sha256(canonical(old.personal_fields())).hexdigest()},
    )  # fmt: skip
    row.seal()
    row.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert redact(request.pk, "--reason", "申请人要求删除")[0] == 0
    assert verify()[1]["broken"] == []


def test_the_admin_log_keeps_no_requester_name_after_redaction(closed, settings, clerk):
    """Django's admin log stored the request's name (with the requester's) when the page saved: after the
    redaction the Administration page's recent actions name only the case number."""
    from django.contrib.admin.models import CHANGE, LogEntry

    settings.RIGHTSDESK_RETENTION_DAYS = 1095
    request, _ = closed
    LogEntry.objects.log_actions(user_id=clerk.pk, queryset=[request], action_flag=CHANGE, single_object=True)
    assert "张三" in LogEntry.objects.get().object_repr
    with time_machine.travel(shanghai(2029, 10, 23, 9), tick=False):
        assert redact(request.pk, "--reason", "申请人要求删除")[0] == 0
    assert LogEntry.objects.get().object_repr == f"#{request.pk}"


def test_amended_personal_values_are_readable_until_the_redaction_and_never_in_the_append_only_rows(
    case, clerk, settings, django_capture_on_commit_callbacks
):
    """An amendment of the requester's name or contact, and a change of a complainant's details, said the old and
    new values in the append-only history and audit rows, so the redaction left them readable there. The rows now
    chain the values' keyed digest; the case page and the audit list read the values from beside the row until the
    redaction, and then say they were redacted. The chain still verifies."""
    from rights.admin_html import history_details

    settings.RIGHTSDESK_RETENTION_DAYS = 0
    request, _ = case
    request = record_event(request=request, event="amend", field="requester_name", value="张三丰", acting_user=clerk,
                           at=shanghai(2026, 10, 21, 9))  # fmt: skip
    request = record_event(request=request, event="amend", field="requester_contact", value="13900000000",
                           acting_user=clerk, at=shanghai(2026, 10, 21, 9, 30))  # fmt: skip
    request = record_event(request=request, event="amend", field="app_ticket_number", value="T-77",
                           acting_user=clerk, at=shanghai(2026, 10, 21, 9, 40))  # fmt: skip
    update_requester_details(request=request, changes={"phone": "021-5555-0101"})
    update_requester_details(request=request, changes={"phone": "021-5555-0202"})
    amend_name, amend_contact, amend_ticket = TransitionLog.objects.filter(request=request, transition="amend")
    assert history_details(amend_name) == "requester: “张三” → “张三丰”"
    assert history_details(amend_ticket) == "app's ticket number: “” → “T-77”"  # not personal: in the row itself
    phone_change = AuditEntry.objects.filter(subject=f"complainant details of request #{request.pk}").order_by("pk").last()
    assert phone_change.changes_display == "phone: 021-5555-0101 → 021-5555-0202"

    def append_only_text():
        rows = [*TransitionLog.objects.filter(request=request), *ComplaintLog.objects.filter(complaint__request=request)]
        return json.dumps([row.content() for row in rows] + list(AuditEntry.objects.values_list("changes", flat=True)),
                          ensure_ascii=False)  # fmt: skip

    personal = ("张三丰", "13900000000", "021-5555-0101", "021-5555-0202")
    assert not [value for value in personal if value in append_only_text()]
    request = record_event(request=request, event="complete", acting_user=clerk, at=shanghai(2026, 10, 22, 9))
    request = record_event(request=request, event="confirm", acting_user=clerk, at=shanghai(2026, 10, 22, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert redact(request.pk, "--reason", "申请人要求删除")[0] == 0
    amend_name.refresh_from_db()
    assert history_details(amend_name) == "requester changed (the values were redacted)"
    assert "021-5555" not in AuditEntry.objects.get(pk=phone_change.pk).changes_display
    assert "redacted" in AuditEntry.objects.get(pk=phone_change.pk).changes_display
    status, report = verify()
    assert (status, report["broken"]) == (0, [])
