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
        from .reminders import register_clock_source
        from .reminders.request_clocks import REQUEST_CLOCKS

        register_clock_source(REQUEST_CLOCKS)  # the sweep's first source; complaints registers its clocks after
        from deadlines.registry import ClockTrack, register

        from . import clocks, signals  # noqa: F401  (signals: calendar corrections reach every clock)
        from .models import RightsRequest

        register(
            ClockTrack(
                name="request",
                owners=RightsRequest.objects.all,
                affected_by_day=clocks.affected_by_calendar_day,
                provisional=clocks.provisional,
                rebuild=clocks.rebuild,
            )
        )
        from watch.registry import register_recipients

        from .policy_changes import open_request_assignee_emails

        # A promise change's digest also goes to the people handling that app's open requests.
        register_recipients(open_request_assignee_emails)
