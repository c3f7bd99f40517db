"""``{% fixed "name" %}…{% endfixed %}``: a part of every page that depends only on the
language and the settings (the site's name, navigation, footer), rendered once per process
and language instead of on every page.

Rendering the header and footer costs a few dozen ``gettext`` and ``reverse`` calls a
page, about a third of an empty post page's template time (``bench/profile.py``). What is
inside must not use the request, the user or the page: those stay outside the block.
Under DEBUG it is rendered every time (template edits show at once), as it is for a
page rendered without a request (the plain 500 page: no context processors ran), and any
settings change (tests) forgets what was kept.
"""

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

_kept: dict[tuple[str, str], str] = {}


class FixedNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context) -> str:
        if settings.DEBUG or getattr(context, "request", None) is None:
            # Without a request, the context processors (the site's name) did not run.
            return self.nodelist.render(context)
        key = (self.name, get_language())
        html = _kept.get(key)
        if html is None:
            html = _kept[key] = self.nodelist.render(context)
        return mark_safe(html)  # noqa: S308 (rendered, hence escaped, by the template engine)


@register.tag
def fixed(parser, token):
    try:
        _tag, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError('{% fixed "name" %} takes one quoted name') from None
    if name[0] != name[-1] or name[0] not in "\"'":
        raise template.TemplateSyntaxError('{% fixed "name" %} takes one quoted name')
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(name[1:-1], nodelist)


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _kept.clear()
