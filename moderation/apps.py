from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self):
        from comments import own_edit

        # Imported for their signal receivers: the readers' policy summary and the cached
        # rules are dropped when the policy or a blocked term changes.
        from . import reader_info, rules  # noqa: F401

        # How long writers may correct their comments is the policy's to say.
        own_edit.register_window(rules.own_edit_window)
