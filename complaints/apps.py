from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate
from django.utils.translation import gettext_lazy as _


def _grant(sender, using, **kwargs):
    # complaints comes after rights in INSTALLED_APPS: the roles exist and this app's permissions too.
    from .roles import grant_complaint_permissions

    grant_complaint_permissions(using=using)


def _register_desk():
    # The complaints' clocks on rights' desk (rights.registry): rights never imports complaints.
    from .desk import register_desk

    register_desk()


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from django.contrib.auth.models import Group

        from rights.services.redaction import register_redactor

        from .redaction import redact_complaints

        register_redactor(redact_complaints)  # a redaction reaches the complaints' personal data too

        from .roles import regrant_after_role_reset

        post_migrate.connect(_grant, sender=self, dispatch_uid="complaints.grant_roles")
        m2m_changed.connect(regrant_after_role_reset, sender=Group.permissions.through, dispatch_uid="complaints.regrant")
        from rights.reminders import register_clock_source

        from .reminder_clocks import COMPLAINT_CLOCKS

        register_clock_source(COMPLAINT_CLOCKS)  # the reminder sweep reads complaint clocks through its registry

        _register_desk()
        from deadlines.registry import ClockTrack, register

        from . import clocks
        from .models import Complaint

        # Complaint clocks are replayed like request clocks: `clocks rebuild` and calendar corrections reach them.
        register(
            ClockTrack(
                name="complaint",
                owners=Complaint.objects.all,
                affected_by_day=clocks.affected_by_calendar_day,
                provisional=clocks.provisional,
                rebuild=clocks.rebuild,
            )
        )
