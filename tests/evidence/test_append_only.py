"""Issue 23, build item 1: the history of requests and complaints, the audit log and the watch's snapshots are
refused by the database itself, whoever asks: a queryset, raw SQL, loaddata, a cascade, a deleted account."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from complaints.models import ComplaintLog
from policies.services import audit
from records.models import AuditEntry
from rights.models import RightsRequest, TransitionLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(case, clerk):
    audit(action="calendar", subject="2026", changes={"10-10": [None, "workday"]}, acting_user=clerk)
    return {model: model.objects.order_by("id").first() for model in (TransitionLog, ComplaintLog, AuditEntry)}


def refused(action) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        action()


MODELS = [TransitionLog, ComplaintLog, AuditEntry]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_queryset_can_neither_update_nor_delete_history(history, model):
    row = history[model]
    refused(lambda: model.objects.filter(pk=row.pk).update(by_username="someone.else"))
    refused(lambda: model.objects.filter(pk=row.pk).delete())
    row.by_username = "someone.else"
    refused(lambda: model.objects.bulk_update([row], ["by_username"]))
    assert model.objects.get(pk=row.pk).by_username == "wang.clerk"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_raw_sql_can_neither_update_nor_delete_history(history, model):
    table = connection.ops.quote_name(model._meta.db_table)
    before = model.objects.count()

    def run(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)

    refused(lambda: run(f"UPDATE {table} SET by_username = 'x'"))
    refused(lambda: run(f"DELETE FROM {table}"))
    assert model.objects.count() == before
    assert not model.objects.filter(by_username="x").exists()


@pytest.mark.postgres
@pytest.mark.parametrize("model", [*MODELS, "watch.PolicySnapshot"], ids=str)
def test_truncate_is_refused_on_postgresql(history, model):
    from django.apps import apps

    model = apps.get_model(model) if isinstance(model, str) else model
    before = model.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {connection.ops.quote_name(model._meta.db_table)} CASCADE")
    assert model.objects.count() == before


def test_loaddata_cannot_rewrite_an_existing_row(history, tmp_path):
    row = history[TransitionLog]
    fixture = tmp_path / "forged.json"
    fields = {"request": row.request_id, "transition": "file", "source": row.source, "target": row.target,
              "at": row.at.isoformat(), "recorded_at": row.recorded_at.isoformat(), "note": "forged", "details": {}}  # fmt: skip
    fixture.write_text(json.dumps([{"model": "rights.transitionlog", "pk": row.pk, "fields": fields}]))
    with pytest.raises(DatabaseError):
        call_command("loaddata", str(fixture), verbosity=0)
    assert TransitionLog.objects.get(pk=row.pk).note == row.note


def test_a_request_or_complaint_with_history_cannot_be_deleted(case):
    request, complaint = case
    with pytest.raises(ProtectedError):
        complaint.delete()
    with pytest.raises(ProtectedError):
        RightsRequest.objects.filter(pk=request.pk).delete()
    assert TransitionLog.objects.filter(request=request).count() == 3
    assert ComplaintLog.objects.filter(complaint=complaint).count() == 3


def test_a_staff_member_who_recorded_history_cannot_be_deleted_and_keeps_the_name_they_had(history, clerk):
    with pytest.raises(ProtectedError):
        get_user_model().objects.filter(pk=clerk.pk).delete()
    clerk.username = "wang.renamed"
    clerk.is_active = False
    clerk.save()
    assert set(TransitionLog.objects.values_list("by_username", flat=True)) == {"wang.clerk"}
    assert AuditEntry.objects.get().by_username == "wang.clerk"


def test_the_admin_refuses_to_delete_a_staff_member_who_recorded_history(history, clerk, admin_client, english):
    response = admin_client.post(f"/admin/auth/user/{clerk.pk}/delete/", {"post": "yes"})
    assert get_user_model().objects.filter(pk=clerk.pk).exists()
    assert response.status_code == 200
    assert "<title>Cannot delete user" in response.content.decode()
