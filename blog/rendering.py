"""Markdown to safe HTML: every post body passes through here, then through nh3."""

import html
from functools import cache

import nh3
from django.utils.html import strip_tags
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


@cache
def _markdown() -> MarkdownIt:
    # Raw HTML in the source is escaped rather than passed through; nh3 still has the
    # last word on everything the renderer emits.
    return MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": True}).enable(
        ["linkify", "table", "strikethrough", "replacements", "smartquotes"]
    )


def sanitise(html: str, *, link_rel: str | None = "noopener") -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=link_rel,
    )


def render_markdown(source: str) -> str:
    """Render an author's Markdown to sanitised HTML."""
    return sanitise(_markdown().render(source))


def html_to_text(fragment: str) -> str:
    return html.unescape(strip_tags(fragment))
