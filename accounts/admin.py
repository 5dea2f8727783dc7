"""Sign-in lockouts in the admin: django-axes registers its own pages; these replace them with a "locked now"
column and filter that apply the same rule as the login page (accounts.lockout), an Unlock action, and lists
that survive odd query strings."""
from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset
from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.admin_lists import OddInputAdminMixin

from .lockout import ADDRESS, USERNAME, locked_values, locks_for


class LockedNowFilter(admin.SimpleListFilter):
    title = _("locked now")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", _("Locked now"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(Q(username__in=locked_values(USERNAME)) | Q(ip_address__in=locked_values(ADDRESS)))
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
        reasons = {USERNAME: _("username"), ADDRESS: _("address")}
        return format_html(
            '<strong class="rd-warning">{}</strong> <span class="rd-muted">({})</span>',
            f"{timezone.localtime(max(lock.until for lock in locks)):%Y-%m-%d %H:%M}",
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
