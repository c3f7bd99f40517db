"""Start-up checks of the comments app's wiring: a missing piece fails loudly."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

from . import policy


@register()
def moderation_wired(app_configs, **kwargs) -> list[Error]:
    errors = []
    if policy.registered() is None:
        errors.append(
            Error(
                "No moderation layer is registered with comments.policy.register().",
                hint="Add the moderation app to INSTALLED_APPS.",
                id="comments.E001",
            )
        )
    try:
        assess = import_string(settings.COMMENTS_POLICY)
    except (AttributeError, ImportError, ValueError) as error:
        errors.append(
            Error(
                f"COMMENTS_POLICY ({getattr(settings, 'COMMENTS_POLICY', '')!r}) does not "
                f"import: {error}",
                hint="Name a callable assess(*, comment, honeypot) -> Assessment.",
                id="comments.E002",
            )
        )
    else:
        if not callable(assess):
            errors.append(Error("COMMENTS_POLICY does not name a callable.", id="comments.E002"))
    return errors
