"""Admin pages that only show records written elsewhere (a service, the sweep): nobody adds, edits or deletes."""


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
