"""Sign-in lockouts in the admin: django-axes registers its own pages; these replace them with a "locked now"
column and filter that apply the same rule as the login page (accounts.lockout), an Unlock action, and lists
that survive odd query strings. Below them, staff groups shown as roles, by their translated names."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from config.admin_lists import OddInputAdminMixin
from rights.models import local_minute
from rights.roles import ROLE_LABELS

from .lockout import ADDRESS, PAIR, USERNAME, locked_now, locks_for
from .models import Role


class LockedNowFilter(admin.SimpleListFilter):
    title = _("locked now")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", _("Locked now"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(locked_now())
        return queryset


for model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AccessAttempt)
class SignInAttemptAdmin(OddInputAdminMixin, AccessAttemptAdmin):
    list_display = ["attempt_time", "username", "ip_address", "failures_since_start", "locked_until", "user_agent"]
    list_filter = [LockedNowFilter, "attempt_time"]
    actions = ["unlock", "cleanup_expired_attempts"]

    @admin.display(description=_("locked until"))
    def locked_until(self, obj):
        now = timezone.now()
        locks = locks_for(obj.username, obj.ip_address, now=now)
        if not locks:
            return "—"
        reasons = {PAIR: _("username at this address"), USERNAME: _("username"), ADDRESS: _("address")}
        return format_html(
            '<strong class="rd-warning">{}</strong> <span class="rd-muted">({})</span>',
            local_minute(max(lock.until for lock in locks)),
            ", ".join(str(reasons[lock.by]) for lock in locks),
        )

    @admin.action(description=_("Unlock the selected usernames and addresses"), permissions=["delete"])
    def unlock(self, request, queryset):
        removed = 0
        for username, address in set(queryset.values_list("username", "ip_address")):
            removed += reset(username=username) if username else 0
            removed += reset(ip=address) if address else 0
        self.message_user(
            request,
            ngettext("Unlocked: %(n)d failed attempt removed.", "Unlocked: %(n)d failed attempts removed.", removed)
            % {"n": removed},
            messages.SUCCESS,
        )


@admin.register(AccessLog)
class SignInLogAdmin(OddInputAdminMixin, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class SignInFailureLogAdmin(OddInputAdminMixin, AccessFailureLogAdmin):
    pass


# ------------------------------------------------------------------------------------------------- roles
# Groups are shown as roles (accounts.models.Role): the built-in ones by their translated names, on the group
# pages and wherever a user's groups are listed or chosen. Their stored names are codes and are not edited here.

for model in (Group, get_user_model()):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


# Django stores a permission's name in English ("Can add session"): shown by what it lets a person do on which
# model, in the reader's language.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"), "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"), "view": _("Can view %(model)s"),
}  # fmt: skip


def permission_label(permission) -> str:
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:
        return f"{content_type} | {gettext(permission.name)}"
    # A model without its own verbose name (RequestTally) is named by a msgid of the catalog.
    model_label = gettext(str(model._meta.verbose_name))
    action, _sep, model_name = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        name = PERMISSION_ACTIONS[action] % {"model": model_label}
    else:
        # The project's own permissions (rights: export) by their label in the model's Meta, not the name stored
        # in whichever language the migration ran.
        name = gettext(dict(model._meta.permissions).get(permission.codename, permission.name))
    return f"{model._meta.app_config.verbose_name} | {model_label} | {name}"


class PermissionLabels:
    """The permission pickers of roles and users list permissions by their translated labels."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field


@admin.register(Role)
class RoleAdmin(PermissionLabels, GroupAdmin):
    def get_fields(self, request, obj=None):
        # A built-in role keeps its code (rights.roles looks it up by name): its name is shown, not edited.
        return ("role_name", "permissions") if self._built_in(obj) else ("name", "permissions")

    def get_readonly_fields(self, request, obj=None):
        return ("role_name",) if self._built_in(obj) else ()

    @admin.display(description=_("name"))
    def role_name(self, obj):
        return str(obj)

    @staticmethod
    def _built_in(obj) -> bool:
        return obj is not None and obj.name in ROLE_LABELS


class RoleListFilter(admin.RelatedFieldListFilter):
    """The user list's "by groups" filter, by role names."""

    def field_choices(self, field, request, model_admin):
        return [(role.pk, str(role)) for role in Role.objects.order_by("name")]


@admin.register(get_user_model())
class StaffUserAdmin(PermissionLabels, UserAdmin):
    list_filter = ("is_staff", "is_superuser", "is_active", ("groups", RoleListFilter))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Role.objects.all()  # the choices read as roles
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            # The product says roles where Django says groups: in the label, its help and the picker's own words
            # ("Choose 角色 by selecting them…", from the widget's verbose name).
            field.label = _("roles")
            field.help_text = _("The roles this user has. A user gets every permission granted to each of their roles.")
            field.widget.verbose_name = _("roles")
        return field
