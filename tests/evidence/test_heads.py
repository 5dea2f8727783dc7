"""Issue 23, the chain head outside the table: deleting the last rows of a case leaves a chain that verifies on
its own, so the heads are recorded elsewhere (an append-only checkpoint table, a log file, a published
`evidence heads --json`) and `evidence verify` names a case whose chain no longer reaches one of them."""

import hashlib
import json
from datetime import timedelta
from io import StringIO

import pgtrigger
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from jobs.models import Job
from jobs.registry import EVIDENCE_CHECKPOINT
from jobs.runner import run_pending
from records.models import HeadCheckpoint
from records.sqlite import create_trigger, drop_trigger
from rights.models import TransitionLog
from rights.services import record_event
from tests.factories import shanghai

from .test_chain import verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def heads_log(settings, tmp_path):
    settings.RIGHTSDESK_EVIDENCE_HEADS_LOG = str(tmp_path / "var" / "evidence-heads.log")
    return tmp_path / "var" / "evidence-heads.log"


def run(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("evidence", *args, stdout=out)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.getvalue()


def past_the_triggers(sql: str, *tables: str) -> None:
    """Raw SQL with the append-only triggers out of the way, as someone who can drop them would run it."""
    labels = {"rights_transitionlog": "rights.TransitionLog", "records_headcheckpoint": "records.HeadCheckpoint"}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in tables:
                for operation in ("UPDATE", "DELETE"):
                    cursor.execute(drop_trigger(table, operation))
            cursor.execute(sql)
            for table in tables:
                for operation in ("UPDATE", "DELETE"):
                    cursor.execute(create_trigger(table, operation))
        else:
            with pgtrigger.ignore(*(f"{labels[table]}:append_only" for table in tables)):
                cursor.execute(sql)


@pytest.fixture
def replied(case, clerk):
    """The case with a last request row that carries no evidence file (its deletion leaves no dangling file)."""
    request, complaint = case
    request = record_event(
        request=request, event="reply", acting_user=clerk, at=shanghai(2026, 10, 22, 9), note="已回复"
    )
    return request, complaint


def delete_last_row(request) -> TransitionLog:
    last = TransitionLog.objects.filter(request=request).order_by("-id").first()
    past_the_triggers(f"DELETE FROM rights_transitionlog WHERE id = {last.pk}", "rights_transitionlog")
    return last


def test_heads_name_every_case_s_last_row_and_a_root_anyone_can_recompute(case):
    request, complaint = case
    status, out = run("heads", "--json")
    published = json.loads(out)
    last = TransitionLog.objects.filter(request=request).order_by("-id").first()
    assert status == 0 and published["cases"] == 2
    assert published["heads"][f"request {request.pk}"] == {"row": last.pk, "hash": last.hash}
    assert set(published["heads"]) == {f"request {request.pk}", f"complaint {complaint.pk}"}
    lines = "".join(f"{case} {head['hash']}\n" for case, head in sorted(published["heads"].items()))
    assert published["root"] == hashlib.sha256(lines.encode()).hexdigest()
    status, text = run("heads")
    assert text.splitlines()[-1].startswith(f"root {published['root']} (2 cases")
    assert (
        hashlib.sha256("".join(f"{line}\n" for line in text.splitlines()[:-1]).encode()).hexdigest()
        == (published["root"])
    )


def test_a_deleted_tail_verifies_on_its_own_but_not_against_a_checkpoint(replied, heads_log):
    request, _ = replied
    status, out = run("checkpoint")
    assert status == 0 and "2 head(s) moved" in out
    deleted = delete_last_row(request)
    status, report = verify()
    assert status == 1
    assert report["broken"] == [
        {"case": f"request {request.pk}", "row": deleted.pk,
         "reason": f"the chain no longer reaches its recorded head (row {deleted.pk}): rows were deleted from its end"}
    ]  # fmt: skip


def test_a_row_appended_after_the_deleted_tail_does_not_hide_it(replied, heads_log, clerk):
    request, _ = replied
    run("checkpoint")
    deleted = delete_last_row(request)
    record_event(request=request, event="reply", acting_user=clerk, at=shanghai(2026, 10, 23, 9), note="later")
    assert run("checkpoint")[0] == 0  # the new head is recorded too; the old one is still owed
    status, report = verify()
    assert status == 1 and [(b["case"], b["row"]) for b in report["broken"]] == [(f"request {request.pk}", deleted.pk)]


def test_a_published_heads_file_or_the_log_catches_it_when_the_checkpoints_are_gone_too(replied, heads_log, tmp_path):
    request, _ = replied
    published = tmp_path / "heads.json"
    published.write_text(run("heads", "--json")[1], encoding="utf-8")
    run("checkpoint")
    assert len(heads_log.read_text(encoding="utf-8").splitlines()) == 1
    deleted = delete_last_row(request)
    past_the_triggers("DELETE FROM records_headcheckpoint", "records_headcheckpoint")
    assert verify()[0] == 0  # nothing left in the database to tell
    for heads in (published, heads_log):
        out = StringIO()
        with pytest.raises(CommandError) as refused:
            call_command("evidence", "verify", "--json", "--heads", str(heads), stdout=out)
        assert refused.value.returncode == 1
        assert [(b["case"], b["row"]) for b in json.loads(out.getvalue())["broken"]] == [
            (f"request {request.pk}", deleted.pk)
        ]
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("evidence", "verify", "--heads", str(published), stdout=out)
    assert f"BROKEN request {request.pk} row {deleted.pk}: the chain no longer reaches" in out.getvalue()


def test_an_intact_history_verifies_against_its_checkpoints_and_heads_file(case, heads_log, tmp_path):
    run("checkpoint")
    published = tmp_path / "heads.json"
    published.write_text(run("heads", "--json")[1], encoding="utf-8")
    assert run("verify", "--heads", str(published))[0] == 0
    assert run("verify", "--heads", str(heads_log))[0] == 0
    status, out = run("checkpoint")
    assert status == 0 and "nothing recorded" in out
    assert HeadCheckpoint.objects.count() == 1


@pytest.mark.parametrize("problem", ["missing", "directory", "not json", "no heads", "bad head"])
def test_a_bad_heads_file_is_one_line_and_exit_2(case, tmp_path, problem):
    path = tmp_path / "heads.json"
    if problem == "directory":
        path.mkdir()
    elif problem != "missing":
        path.write_text(
            {"not json": "{nope", "no heads": '{"root": "x"}', "bad head": '{"heads": {"request 1": {"row": "1"}}}'}[
                problem
            ],
            encoding="utf-8",
        )
    status, message = run("verify", "--heads", str(path))
    assert status == 2 and "\n" not in message and str(path) in message


def test_the_checkpoints_are_append_only(case):
    run("checkpoint")
    checkpoint = HeadCheckpoint.objects.get()
    with pytest.raises(ValidationError):
        checkpoint.save()
    with pytest.raises(Exception, match="append|pgtrigger|Cannot"):
        HeadCheckpoint.objects.update(root="forged")


def test_the_periodic_checkpoint_is_a_durable_job_while_the_history_grows(case, heads_log, settings, clerk):
    request, _ = case
    settings.RIGHTSDESK_EVIDENCE_CHECKPOINT_MINUTES = 60
    now = timezone.now()
    assert run_pending(now=now).done == 1
    assert Job.objects.get(kind=EVIDENCE_CHECKPOINT).done_at == now
    assert HeadCheckpoint.objects.count() == 1 and len(heads_log.read_text().splitlines()) == 1
    record_event(request=request, event="reply", acting_user=clerk, at=shanghai(2026, 10, 23, 9), note="later")
    assert run_pending(now=now + timedelta(minutes=30)).done == 0  # not yet due
    assert run_pending(now=now + timedelta(minutes=61)).done == 1
    assert HeadCheckpoint.objects.count() == 2
    assert list(HeadCheckpoint.objects.last().heads) == [f"request {request.pk}"]
    assert run_pending(now=now + timedelta(minutes=200)).done == 0  # nothing moved: no job
