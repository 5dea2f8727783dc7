from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    """The lowest layer of the domain: the working-day calendar, Civil Code counting, the abstract clock, its
    replay and the one status module. It imports nothing of the product; the tracks above it (requests,
    complaints) register their clocks into `deadlines.registry` from their own AppConfig.ready()."""

    name = "deadlines"
    verbose_name = _("Deadlines")
