"""The two staff roles: case workers file and work requests; auditors read everything and change nothing.

Both read the whole catalog and every request (a case worker needs the promises to argue a case). Only the
case worker may file, edit, transition and attach evidence; nobody but a superuser deletes, because the log
of a request is the audit trail. Permissions are derived from the models present, so a model another area
adds later (e.g. an import job) is readable by both roles without editing this file.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The groups' names are stable codes (code, e-mails and other apps look roles up by them); people see the label,
# in their language (accounts.models.Role, the admin's role and user pages).
CASE_WORKER = "case worker"
AUDITOR = "auditor"
ROLE_LABELS = {CASE_WORKER: _("case worker"), AUDITOR: _("auditor")}


def role_label(name: str):
    """A group's name as people read it: the translated label of a built-in role, any other group's own name."""
    return ROLE_LABELS.get(name, name)

ROLE_APPS = ("rights", "policies", "records")
# What a case worker may do beyond reading.
CASE_WORKER_WRITES = {
    ("rights", "add_rightsrequest"),
    ("rights", "change_rightsrequest"),
    ("rights", "add_evidence"),
    ("rights", "add_remindersnooze"),
}
# Reading, for both roles (CSV export is a way of reading the list).
READS = {("rights", "export_rightsrequest")}


def _is_read(app_label: str, codename: str) -> bool:
    return codename.startswith("view_") or (app_label, codename) in READS


def ensure_roles(using: str = DEFAULT_DB_ALIAS) -> dict[str, Group]:
    """Create the groups or bring their permissions up to date (idempotent; runs after every migrate)."""
    case_worker, _ = Group.objects.using(using).get_or_create(name=CASE_WORKER)
    auditor, _ = Group.objects.using(using).get_or_create(name=AUDITOR)
    perms = Permission.objects.using(using).filter(content_type__app_label__in=ROLE_APPS).select_related("content_type")
    reads, writes = [], []
    for perm in perms:
        key = (perm.content_type.app_label, perm.codename)
        if _is_read(*key):
            reads.append(perm)
        elif key in CASE_WORKER_WRITES:
            writes.append(perm)
    case_worker.permissions.set(reads + writes)
    auditor.permissions.set(reads)
    return {CASE_WORKER: case_worker, AUDITOR: auditor}


def assignable_users():
    """Who may be given a request to work: active staff who may change requests (a case worker, a superuser, or
    anyone granted the permission). An auditor reads everything and changes nothing, so is never offered as an
    assignee: not on the filing form, the case page, bulk work, nor the list's assignee filter."""
    users = get_user_model().objects
    may_change = (
        Q(is_superuser=True)
        | Q(groups__permissions__codename="change_rightsrequest", groups__permissions__content_type__app_label="rights")
        | Q(user_permissions__codename="change_rightsrequest", user_permissions__content_type__app_label="rights")
    )
    return users.filter(is_active=True, is_staff=True, pk__in=users.filter(may_change).values("pk")).order_by("username")
