"""Filters for the moderation screens."""

from django import template

from comments.text import isolated

register = template.Library()


@register.filter
def isolate(text):
    """Reader-supplied text, direction controls made visible, inside a ``<bdi>``."""
    return isolated(str(text)) if text else ""
