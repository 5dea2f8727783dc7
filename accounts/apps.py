from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Staff sign-in: login throttling and lockout (django-axes) shown and undone in the admin."""

    name = "accounts"
    verbose_name = _("Sign-in")

    def ready(self):
        # django-axes names its admin section "Axes"; staff read it as the sign-in lockouts, in their language.
        apps.get_app_config("axes").verbose_name = _("Sign-in lockouts")
