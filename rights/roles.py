"""The two staff roles: case workers file and work requests; auditors read everything and change nothing."""
from django.contrib.auth.models import Group, Permission

CASE_WORKER = "case worker"
AUDITOR = "auditor"

_CASE_WORKER_PERMS = {
    "rights": ["add_rightsrequest", "change_rightsrequest", "view_rightsrequest", "export_rightsrequest",
               "view_clock", "view_transitionlog", "add_evidence", "view_evidence"],
    "policies": ["view_app", "view_policyversion", "view_procedure", "view_statutorydefault",
                 "view_calendaryear", "view_calendaroverride"],
}


def ensure_roles() -> dict[str, Group]:
    """Create or update the groups; every view permission of both apps goes to the auditor."""
    case_worker, _ = Group.objects.get_or_create(name=CASE_WORKER)
    auditor, _ = Group.objects.get_or_create(name=AUDITOR)
    wanted = [(app, codename) for app, codenames in _CASE_WORKER_PERMS.items() for codename in codenames]
    perms = Permission.objects.filter(content_type__app_label__in=["rights", "policies"])
    by_key = {(p.content_type.app_label, p.codename): p for p in perms.select_related("content_type")}
    case_worker.permissions.set([by_key[key] for key in wanted if key in by_key])
    auditor.permissions.set(
        [p for key, p in by_key.items() if key[1].startswith("view_") or key[1] == "export_rightsrequest"]
    )
    return {CASE_WORKER: case_worker, AUDITOR: auditor}
