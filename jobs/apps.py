from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from records.heads import write_checkpoint

        from .registry import EVIDENCE_CHECKPOINT, register

        register(EVIDENCE_CHECKPOINT, write_checkpoint)
