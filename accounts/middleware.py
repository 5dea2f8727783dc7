"""A read-only role writes nothing, whatever the URL: a signed-in user who holds no add, change or delete
permission (the auditor) gets 403 for every POST, PUT, PATCH and DELETE except the few that change only the
user's own session or own things: signing out, their own password, the interface language, and a private saved
view (rights.desk.save_view refuses to share one). The views' own checks stay; this is the same rule once, in
front of all of them, so a new endpoint cannot forget it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# URL names a read-only user may still POST to.
OWN_THINGS = {
    "admin:logout",
    "admin:password_change",
    "set_language",
    "admin:rights_rightsrequest_saved_views",
}
WRITE_PREFIXES = ("add_", "change_", "delete_")


def is_read_only(user) -> bool:
    if not user.is_authenticated or user.is_superuser:
        return False
    return not any(perm.split(".", 1)[1].startswith(WRITE_PREFIXES) for perm in user.get_all_permissions())


class ReadOnlyRoleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS or not is_read_only(request.user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OWN_THINGS:
            return None
        raise PermissionDenied("a read-only role changes nothing")
