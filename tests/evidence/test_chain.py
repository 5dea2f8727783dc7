"""Issue 23, build item 3: each history row stores the SHA-256 of its content and the previous row's hash in the
same case; `evidence verify` walks every chain and every evidence file and names the first broken row."""

import json

import pgtrigger
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from complaints.models import ComplaintLog
from records.chain import GENESIS, entry_hash
from records.sqlite import create_trigger, drop_trigger
from rights.models import Evidence, TransitionLog

pytestmark = pytest.mark.django_db


def verify() -> tuple[int, dict]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("evidence", "verify", "--json", stdout=out)
        status = 0
    except CommandError as error:
        status = error.returncode
    return status, json.loads(out.getvalue())


def as_the_database_administrator(sql: str, table: str) -> None:
    """Raw SQL past the append-only triggers, as someone who can drop them would run it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for operation in ("UPDATE", "DELETE"):
                cursor.execute(drop_trigger(table, operation))
            cursor.execute(sql)
            for operation in ("UPDATE", "DELETE"):
                cursor.execute(create_trigger(table, operation))
        else:
            with pgtrigger.ignore("rights.TransitionLog:append_only", "complaints.ComplaintLog:append_only"):
                cursor.execute(sql)


def test_each_row_chains_the_hash_of_the_row_before_it_in_the_same_case(case):
    request, complaint = case
    for model, key in ((TransitionLog, "request"), (ComplaintLog, "complaint")):
        rows = list(model.objects.filter(**{key: request if key == "request" else complaint}).order_by("id"))
        assert [row.prev_hash for row in rows] == [GENESIS] + [row.hash for row in rows[:-1]]
        assert all(row.hash == entry_hash(row.content()) for row in rows)
    acknowledged = TransitionLog.objects.get(request=request, transition="acknowledge")
    assert acknowledged.content()["files"] == [Evidence.objects.get(log_entry=acknowledged).sha256]
    assert acknowledged.content()["by"] == "wang.clerk"


def test_an_intact_history_verifies(case):
    assert verify() == (0, {"cases": 2, "events": 6, "files": 2, "broken": []})


def test_a_note_rewritten_in_sql_is_named(case):
    request, _ = case
    row = TransitionLog.objects.get(request=request, transition="acknowledge")
    as_the_database_administrator(
        f"UPDATE rights_transitionlog SET note = 'forged' WHERE id = {row.pk}", "rights_transitionlog"
    )
    status, report = verify()
    assert status == 1
    assert report["broken"] == [
        {"case": f"request {request.pk}", "row": row.pk, "reason": "the row's content does not match its hash"}
    ]


def test_a_swapped_evidence_file_is_named(case):
    _, complaint = case
    stored = complaint.evidence.get()
    with default_storage.open(stored.file.name, "wb") as forged:
        forged.write(b"\x89PNG forged")
    status, report = verify()
    assert status == 1
    assert report["broken"] == [
        {"case": f"complaint {complaint.pk}", "row": stored.log_entry_id,
         "reason": f"evidence file {stored.pk} does not match its digest"}
    ]  # fmt: skip


def test_a_deleted_row_is_named_by_the_row_after_it(case):
    request, _ = case
    filed, acknowledged, *_ = TransitionLog.objects.filter(request=request).order_by("id")
    as_the_database_administrator(f"DELETE FROM rights_transitionlog WHERE id = {filed.pk}", "rights_transitionlog")
    status, report = verify()
    assert status == 1
    assert report["broken"] == [
        {"case": f"request {request.pk}", "row": acknowledged.pk,
         "reason": "the previous row's hash does not match: a row before it was removed or changed"}
    ]  # fmt: skip


def test_verify_without_json_prints_counts_and_exits_zero(case, capsys):
    call_command("evidence", "verify")
    assert "2 cases, 6 events, 2 files" in capsys.readouterr().out
