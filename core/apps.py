from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: what is not about posts (the mail outbox, the worker's loop).
    It imports none of our other apps; every app may import it."""

    name = "core"
    verbose_name = _("Site operations")
