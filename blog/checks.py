"""Start-up checks of the blog's wiring."""

from django.core.checks import Error, register

from . import discussion


@register()
def discussion_wired(app_configs, **kwargs) -> list[Error]:
    if discussion.registered() is not None:
        return []
    return [
        Error(
            "No discussion is registered with blog.discussion.register().",
            hint="Add the comments app to INSTALLED_APPS.",
            id="blog.E001",
        )
    ]
