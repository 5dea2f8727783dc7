from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """The lowest layer every app may import: the append-only rule and the audit log (it imports no app)."""

    name = "records"
    verbose_name = _("Records")
