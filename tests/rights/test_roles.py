"""The two staff roles: case workers file and work requests; auditors read everything and change nothing."""
import pytest
from django.contrib.auth.models import Group, Permission

from rights.roles import AUDITOR, CASE_WORKER, ensure_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def codenames(group):
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def every_view_permission():
    perms = Permission.objects.filter(content_type__app_label__in=["rights", "policies", "records", "complaints"], codename__startswith="view_")
    return {f"{p.content_type.app_label}.{p.codename}" for p in perms.select_related("content_type")}


def test_migrate_creates_both_roles_without_a_manual_step():
    # The post_migrate hook ran when the test database was migrated.
    assert set(Group.objects.filter(name__in=[CASE_WORKER, AUDITOR]).values_list("name", flat=True)) == {CASE_WORKER, AUDITOR}
    assert "rights.change_rightsrequest" in codenames(Group.objects.get(name=CASE_WORKER))


def test_auditor_reads_and_exports_everything_and_changes_nothing():
    auditor = codenames(ensure_roles()[AUDITOR])
    assert auditor == every_view_permission() | {"rights.export_rightsrequest"}
    assert not any(name.split(".")[1].startswith(("add_", "change_", "delete_")) for name in auditor)


def test_case_worker_files_works_and_attaches_evidence_but_deletes_nothing():
    case_worker = codenames(ensure_roles()[CASE_WORKER])
    assert {"rights.add_rightsrequest", "rights.change_rightsrequest", "rights.add_evidence",
            "rights.export_rightsrequest"} <= case_worker
    assert every_view_permission() <= case_worker
    assert not any(".delete_" in name for name in case_worker)
    # The catalog is read-only for case workers; the importer's reviewers are another role.
    assert not any(name.startswith("policies.") and not name.split(".")[1].startswith("view_") for name in case_worker)


def test_ensure_roles_is_idempotent_and_restores_removed_permissions():
    groups = ensure_roles()
    before = codenames(groups[CASE_WORKER])
    groups[CASE_WORKER].permissions.clear()
    again = ensure_roles()
    assert codenames(again[CASE_WORKER]) == before
    assert Group.objects.filter(name=CASE_WORKER).count() == 1


def test_group_membership_gives_the_transition_permission_the_model_checks():
    from rights.services import may_record

    groups = ensure_roles()
    clerk, auditor = UserFactory(username="c"), UserFactory(username="a")
    clerk.groups.add(groups[CASE_WORKER])
    auditor.groups.add(groups[AUDITOR])
    assert may_record("complete", clerk) is True
    assert may_record("complete", auditor) is False
    assert may_record("assign", auditor) is False and may_record("snooze", auditor) is False
