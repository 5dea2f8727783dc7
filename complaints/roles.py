"""The complaints area's share of the two staff roles (rights.roles): case workers draft, lodge and record
complaint events and keep the complainant's details; auditors read. Channels and draft templates are catalog
data: everyone reads them, a superuser edits them.

rights.roles.ensure_roles() *sets* the groups' permissions from its own list, so these are granted again
whenever that happens (post_migrate and the groups' m2m_changed). On merge the lead may fold COMPLAINTS_WRITES
into rights.roles (ROLE_APPS + CASE_WORKER_WRITES) and drop the hook.
"""
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS

COMPLAINTS_WRITES = {
    "add_complaint",
    "change_complaint",
    "add_complaintevidence",
    "add_requesterdetails",
    "change_requesterdetails",
}


def grant_complaint_permissions(using: str = DEFAULT_DB_ALIAS) -> None:
    from rights.roles import AUDITOR, CASE_WORKER

    perms = list(Permission.objects.using(using).filter(content_type__app_label="complaints"))
    reads = [p for p in perms if p.codename.startswith("view_")]
    writes = [p for p in perms if p.codename in COMPLAINTS_WRITES]
    for name, wanted in ((CASE_WORKER, reads + writes), (AUDITOR, reads)):
        group = Group.objects.using(using).filter(name=name).first()
        if group is None:
            continue
        missing = [p for p in wanted if not group.permissions.filter(pk=p.pk).exists()]
        if missing:
            group.permissions.add(*missing)


def regrant_after_role_reset(sender, instance, action, reverse, **kwargs):
    """ensure_roles() replaces a role's permissions; put the complaints ones back right after."""
    from rights.roles import AUDITOR, CASE_WORKER

    if action in ("post_remove", "post_clear", "post_add") and not reverse and isinstance(instance, Group):
        if instance.name in (CASE_WORKER, AUDITOR):
            grant_complaint_permissions(using=kwargs.get("using") or DEFAULT_DB_ALIAS)
