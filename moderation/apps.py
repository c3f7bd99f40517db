from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self):
        from . import rules  # noqa: F401 - connects the signals that refresh the cached rules
