"""Every transition of the request state machine, allowed and refused, with its log entry."""
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from policies.services import audit
from records.models import AppendOnly
from rights.models import RightsRequest, State, TransitionLog
from rights.services import TransitionConflict, TransitionRefused, allowed_events, file_request, record_event
from tests.factories import file, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


SENT = shanghai(2026, 9, 28, 10)
LATER = shanghai(2026, 9, 29, 11)


def last_log(request):
    return TransitionLog.objects.filter(request=request).order_by("-id").first()


def test_filing_submits_and_logs_who_filed_and_who_submitted(lumiere, clerk):
    request = file(lumiere, at=SENT, acting_user=clerk, notes="via 人工客服")
    assert request.state == State.SUBMITTED
    assert request.submitted_at == SENT
    entries = list(request.log.values_list("transition", "source", "target", "by__username"))
    assert entries == [("file", "draft", "draft", "clerk"), ("submit", "draft", "submitted", "clerk")]


def test_a_draft_has_no_clocks_until_it_is_submitted(lumiere, clerk):
    draft = file_request(app=lumiere, right="account_cancellation", requester_name="张三", submit=False, at=SENT)
    assert draft.state == State.DRAFT and draft.clocks.count() == 0
    submitted = record_event(event="submit", request=draft, acting_user=clerk, at=LATER)
    assert submitted.state == State.SUBMITTED
    assert submitted.clocks.get().started_at == LATER


@pytest.mark.parametrize(
    "path, final_state",
    [
        (["acknowledge", "complete", "confirm"], State.CONFIRMED),
        (["request_identity", "verify_identity", "complete", "confirm"], State.CONFIRMED),
        (["acknowledge", "complete", "reopen", "complete"], State.COMPLETED),
        (["acknowledge", "refuse", "escalate", "resolve"], State.RESOLVED),
        (["request_identity", "withdraw"], State.WITHDRAWN),
        (["acknowledge", "escalate"], State.ESCALATED),
    ],
)
def test_each_path_through_the_machine_logs_one_entry_per_step(lumiere, clerk, path, final_state):
    request = file(lumiere, at=SENT, acting_user=clerk)
    for step in path:
        before = request.state
        request = record_event(
            request=request, event=step, acting_user=clerk, at=LATER,
            note="不是真的注销" if step in ("reopen", "withdraw") else "",
            reason="账号存在未完成订单", regulator="北京市网信办", reference="BJ-2026-17",
        )
        entry = last_log(request)
        assert (entry.transition, entry.source, entry.target, entry.by) == (step, before, request.state, clerk)
    assert RightsRequest.objects.get(pk=request.pk).state == final_state
    assert request.log.count() == 2 + len(path)


def test_an_impossible_transition_is_refused_with_the_allowed_ones_and_logs_nothing(lumiere, clerk):
    request = file(lumiere, at=SENT)
    with pytest.raises(TransitionRefused) as refused:
        record_event(event="confirm", request=request, acting_user=clerk, at=LATER)
    message = str(refused.value)
    assert f"#{request.pk}" in message and "acknowledge" in message and "complete" in message
    assert RightsRequest.objects.get(pk=request.pk).state == State.SUBMITTED
    assert request.log.count() == 2


def test_a_refusal_without_a_reason_is_refused_because_pipl_art_50_requires_one(lumiere, clerk):
    request = record_event(event="acknowledge", request=file(lumiere, at=SENT), acting_user=clerk, at=LATER)
    with pytest.raises(TransitionRefused, match="PIPL art. 50"):
        record_event(event="refuse", request=request, reason="  ", acting_user=clerk, at=LATER)
    assert RightsRequest.objects.get(pk=request.pk).state == State.IN_PROGRESS
    refused = record_event(event="refuse", request=request, reason="存在未结清订单", acting_user=clerk, at=LATER)
    assert refused.state == State.REFUSED and refused.refusal_reason == "存在未结清订单"
    assert refused.closed_at == LATER and last_log(refused).note == "存在未结清订单"


def test_an_escalation_needs_the_regulator_and_keeps_its_reference(lumiere, clerk):
    request = file(lumiere, at=SENT)
    with pytest.raises(TransitionRefused, match="regulator"):
        record_event(event="escalate", request=request, regulator="", acting_user=clerk, at=LATER)
    escalated = record_event(event="escalate", request=request, regulator="工信部", reference="12381-0042", acting_user=clerk, at=LATER)
    assert (escalated.state, escalated.regulator, escalated.regulator_reference) == (State.ESCALATED, "工信部", "12381-0042")
    resolved = record_event(event="resolve", request=escalated, acting_user=clerk, at=LATER)
    assert resolved.state == State.RESOLVED and resolved.closed_at == LATER


@pytest.mark.parametrize("name", ["reopen", "withdraw"])
def test_reopening_and_withdrawing_need_a_note(lumiere, clerk, name):
    request = record_event(event="complete", request=file(lumiere, at=SENT), acting_user=clerk, at=LATER)
    with pytest.raises(TransitionRefused, match="note"):
        record_event(event=name, request=request, acting_user=clerk, at=LATER)
    assert RightsRequest.objects.get(pk=request.pk).state == State.COMPLETED


def test_an_auditor_may_not_move_a_request(lumiere, auditor):
    request = file(lumiere, at=SENT)
    assert allowed_events(request, auditor) == []
    with pytest.raises(TransitionRefused, match="may not"):
        record_event(event="acknowledge", request=request, acting_user=auditor, at=LATER)
    assert request.log.count() == 2


def test_allowed_transitions_follow_the_state(lumiere, clerk):
    request = file(lumiere, at=SENT)
    assert allowed_events(request, clerk) == [
        "acknowledge", "request_identity", "reply", "complete", "pause", "extend", "amend", "assign", "snooze",
        "escalate", "refuse", "withdraw",
    ]  # fmt: skip
    request = record_event(event="request_identity", request=request, acting_user=clerk, at=LATER)
    assert allowed_events(request, clerk) == [
        "verify_identity", "reply", "complete", "pause", "extend", "amend", "assign", "snooze", "escalate", "refuse",
        "withdraw",
    ]  # fmt: skip
    request = record_event(event="verify_identity", request=request, acting_user=clerk, at=LATER)
    request = record_event(event="complete", request=request, acting_user=clerk, at=LATER)
    assert allowed_events(request, clerk) == ["confirm", "amend", "assign", "snooze", "reopen", "escalate", "withdraw"]
    request = record_event(event="confirm", request=request, acting_user=clerk, at=LATER)
    # Closed: read-only until reopened.
    assert allowed_events(request, clerk) == ["reopen"]


def test_a_stale_page_gets_a_conflict_instead_of_overwriting(lumiere, clerk):
    request = file(lumiere, at=SENT)
    seen_state = request.state
    record_event(event="acknowledge", request=request, acting_user=clerk, at=LATER)
    with pytest.raises(TransitionConflict, match="changed by someone else"):
        record_event(event="complete", request=request, acting_user=clerk, at=LATER, expected_state=seen_state)
    assert RightsRequest.objects.get(pk=request.pk).state == State.IN_PROGRESS


def test_state_cannot_be_assigned_directly(lumiere):
    request = file(lumiere, at=SENT)
    with pytest.raises(AttributeError):
        request.state = State.CONFIRMED


def test_events_cannot_be_dated_in_the_future(lumiere, clerk):
    request = file(lumiere, at=SENT, now=LATER)
    with pytest.raises(Exception, match="future"):
        record_event(event="acknowledge", request=request, acting_user=clerk, at=shanghai(2026, 10, 2), now=LATER)


def test_log_entries_are_immutable(lumiere):
    entry = last_log(file(lumiere, at=SENT))
    entry.note = "rewritten"
    with translation.override("en"), pytest.raises(ValidationError, match="Log entries cannot be changed"):
        entry.save()
    with translation.override("zh-hans"), pytest.raises(ValidationError, match="不可删除"):
        entry.delete()
    assert TransitionLog.objects.get(pk=entry.pk).note != "rewritten"


def test_every_record_is_append_only(lumiere):
    """The request's history, the complaint's history and the audit log share one rule (records.AppendOnly)."""
    from complaints.models import ComplaintLog
    from records.models import AuditEntry

    audit(action="test", subject="append-only")
    for model in (TransitionLog, ComplaintLog, AuditEntry):
        assert issubclass(model, AppendOnly), model
    entry = AuditEntry.objects.latest("id")
    entry.subject = "rewritten"
    with translation.override("en"), pytest.raises(ValidationError, match="Audit entries cannot be changed"):
        entry.save()
    with translation.override("en"), pytest.raises(ValidationError, match="Audit entries cannot be deleted"):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).subject == "append-only"


def test_a_recorded_reply_logs_without_changing_state(lumiere, clerk):
    request = file(lumiere, at=SENT)
    replied = record_event(event="reply", request=request, acting_user=clerk, note="客服回电", at=LATER)
    assert replied.state == State.SUBMITTED
    assert (last_log(replied).transition, last_log(replied).note) == ("reply", "客服回电")


def test_a_recorded_reply_keeps_its_evidence_and_refuses_a_stale_page(lumiere, clerk, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    request = file(lumiere, at=SENT)
    screenshot = SimpleUploadedFile("客服回复.png", b"\x89PNG\r\n\x1a\nfake", content_type="image/png")
    replied = record_event(event="reply", request=request, acting_user=clerk, note="客服回电", at=LATER, evidence=[screenshot])
    entry = last_log(replied)
    assert [e.description for e in entry.evidence.all()] == ["客服回复.png"]
    assert (tmp_path / entry.evidence.get().file.name).read_bytes().startswith(b"\x89PNG")
    with pytest.raises(TransitionConflict):
        record_event(event="reply", request=request, acting_user=clerk, at=LATER, expected_state=State.IN_PROGRESS)
    assert request.log.filter(transition="reply").count() == 1
