from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender, using, **kwargs):
    # Runs after auth's create_permissions (auth is installed first), so this app's permissions exist.
    from .roles import ensure_roles

    ensure_roles(using=using)


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = _("Rights requests")

    def ready(self):
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="rights.ensure_roles")
        from . import signals  # noqa: F401  (provisional deadlines follow calendar edits)
        from .reminders import register_clock_source
        from .reminders.request_clocks import REQUEST_CLOCKS

        register_clock_source(REQUEST_CLOCKS)  # the sweep's first source; complaints registers its clocks after
