"""``{% reserved_name_flag comment %}``: for the moderation queue, a warning when a pending
comment's name is close to a reserved one (stored comments are never rewritten)."""

from django import template
from django.template.loader import render_to_string

from ..identity import close_reserved_name

register = template.Library()


@register.simple_tag
def reserved_name_flag(comment) -> str:
    if comment.user_id is not None:
        return ""  # a signed-in user's name comes from their account
    close = close_reserved_name(comment.author_name)
    if close is None:
        return ""
    return render_to_string(
        "comments/reserved_name_flag.html", {"name": comment.author_name, "close_to": close}
    )
