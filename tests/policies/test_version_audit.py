"""Policy versions change only through the importer's review (issue 19, item 3). The reproduction: on the App page a
version's status could be set to draft (待审核) and its title changed inline; no audit row was written, and the
app's procedures silently left the catalog in force, so the filing preview fell back to the statutory quote. Now
the inline is read only (a tampered post changes nothing), and every change made by hand to a version or a
procedure on their own pages is saved through policies.services with its audit row."""

from datetime import date

import pytest
from django.urls import reverse

from policies.models import PolicyVersion, Procedure, ReviewStatus
from policies.services import delete_procedure, save_policy_version, save_procedure
from records.models import AuditEntry
from tests.policies.pages import form_data

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)


@pytest.fixture
def app(catalog):
    return catalog["卢米埃影城"]


def test_the_app_page_shows_versions_read_only_and_a_tampered_post_changes_nothing(admin_client, english, app):
    version = app.policy_versions.get()
    in_force = set(Procedure.objects.in_force(app, TODAY).values_list("pk", flat=True))
    assert in_force
    url = reverse("admin:policies_app_change", args=[app.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="policy_versions-0-status"' not in page and 'name="policy_versions-0-title"' not in page
    assert version.title in page  # shown, with a link to the version's own page
    assert reverse("admin:policies_policyversion_change", args=[version.pk]) in page

    data = form_data(admin_client, url)
    data.update({"policy_versions-0-status": ReviewStatus.DRAFT, "policy_versions-0-title": "改名"})
    response = admin_client.post(url, data)
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.status, version.title) == (ReviewStatus.ACCEPTED, "卢米埃隐私政策")
    assert set(Procedure.objects.in_force(app, TODAY).values_list("pk", flat=True)) == in_force


def test_renaming_a_version_on_its_page_is_audited_with_what_it_was(admin_client, english, app, admin_user):
    version = app.policy_versions.get()
    url = reverse("admin:policies_policyversion_change", args=[version.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="status"' not in page  # the status changes through the review only
    data = form_data(admin_client, url)
    data["title"] = "卢米埃隐私政策（2020 年版）"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="policy version changed")
    assert entry.by == admin_user and f"#{version.pk}" in entry.subject
    assert entry.changes == {"title": {"old": "卢米埃隐私政策", "new": "卢米埃隐私政策（2020 年版）"}}
    version.refresh_from_db()
    assert version.status == ReviewStatus.ACCEPTED


def test_saving_a_version_unchanged_writes_no_audit_row(admin_client, english, app):
    version = app.policy_versions.get()
    url = reverse("admin:policies_policyversion_change", args=[version.pk])
    response = admin_client.post(url, form_data(admin_client, url))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not AuditEntry.objects.filter(action__startswith="policy version").exists()
    assert not AuditEntry.objects.filter(action__startswith="procedure").exists()


def test_a_procedure_changed_in_the_versions_inline_is_audited(admin_client, english, app, admin_user):
    version = app.policy_versions.get()
    url = reverse("admin:policies_policyversion_change", args=[version.pk])
    data = form_data(admin_client, url)
    first = next(k for k in data if k.startswith("procedures-") and k.endswith("-note_en"))
    prefix = first.removesuffix("note_en")
    procedure = Procedure.objects.get(pk=data[f"{prefix}id"])
    data[f"{prefix}note_en"] = "Checked by hand."
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="procedure changed")
    assert entry.by == admin_user and f"#{procedure.pk}" in entry.subject
    assert entry.changes == {"note_en": {"old": procedure.note_en, "new": "Checked by hand."}}


def test_a_procedure_changed_on_its_page_is_audited(admin_client, english, app):
    procedure = Procedure.objects.filter(policy_version__app=app, deadline_min__isnull=False).first()
    url = reverse("admin:policies_procedure_change", args=[procedure.pk])
    data = form_data(admin_client, url)
    data.update({"deadline_min": "5", "deadline_max": "5"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="procedure changed")
    assert entry.changes == {
        "deadline_min": {"old": procedure.deadline_min, "new": 5},
        "deadline_max": {"old": procedure.deadline_max, "new": 5},
    }


def test_the_services_audit_adding_changing_and_deleting(app, admin_user):
    version = save_policy_version(
        version=PolicyVersion(app=app, title="手工录入", published_on=date(2026, 1, 5), source_text="全文。"),
        acting_user=admin_user,
    )
    added = AuditEntry.objects.get(action="policy version added")
    assert added.changes["title"] == {"old": None, "new": "手工录入"}
    assert added.changes["published_on"] == {"old": None, "new": "2026-01-05"}  # dates as ISO text
    procedure = save_procedure(
        procedure=Procedure(policy_version=version, right="deletion", action="completion", quote="全文。"),
        acting_user=admin_user,
    )
    assert AuditEntry.objects.get(action="procedure added").changes["right"] == {"old": None, "new": "deletion"}
    delete_procedure(procedure=procedure, acting_user=admin_user)
    deleted = AuditEntry.objects.get(action="procedure deleted")
    assert deleted.changes["old"]["quote"] == "全文。" and not Procedure.objects.filter(pk=procedure.pk).exists()
