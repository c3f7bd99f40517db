"""``{% load seo %}``: a page's canonical link, description and, for a post, its Open Graph,
Twitter and schema.org data (``blog.seo`` makes them)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.pagination import comment_page_number

from .. import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical(context, number: int = 1, parameter: str = "page") -> SafeString:
    """``<link rel="canonical">`` for this page: ``SITE_URL``, the path, and the page number
    (``?page=2``; ``parameter="cpage"`` for a discussion) past the first page."""
    url = seo.page_url(context["request"].path, number, parameter)
    return format_html('<link rel="canonical" href="{}">', url)


@register.simple_tag
def description(text: str) -> SafeString:
    """``<meta name="description">`` from a summary, a bio or a post's text (shortened)."""
    return format_html('<meta name="description" content="{}">', seo.describe(text or ""))


@register.simple_tag(takes_context=True)
def post_head(context, post, discussion: dict | None = None) -> SafeString:
    """A post page's description, canonical link (with the discussion's page past the
    first), Open Graph and Twitter tags and its ``BlogPosting`` data; ``discussion``
    (``{% comments_schema %}``) adds its comments."""
    number = comment_page_number(context["request"])
    url = seo.page_url(post.get_absolute_url(), number, "cpage")
    return format_html(
        '<meta name="description" content="{}">\n  <link rel="canonical" href="{}">\n  {}',
        seo.post_description(post),
        url,
        seo.post_head(post, url=url, discussion=discussion),
    )


@register.simple_tag
def absolute_url(path: str) -> str:
    """``path`` on the public site (``SITE_URL``), as readers should copy it."""
    return seo.absolute_url(path)
