from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrespondenceConfig(AppConfig):
    name = "correspondence"
    verbose_name = _("Correspondence")

    def ready(self):
        # `requests send` and the mail of `requests show --json` (rights.registry): rights never imports this app.
        from .commands import register_requests_hooks

        register_requests_hooks()
        from .panels import register_panel

        register_panel()  # the request page's Correspondence panel (rights.registry)
