"""Markdown to safe HTML: every post body passes through here, then through nh3."""

import html
import re
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


TABLE_ALIGNMENT = re.compile(r"^text-align:(left|center|right)$")


def _align_table_cells(state) -> None:
    # markdown-it aligns table columns with style="text-align:…", which nh3 strips and the
    # Content-Security-Policy would block; the align attribute says the same and survives.
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and "style" in token.attrs:
            match = TABLE_ALIGNMENT.match(str(token.attrs.pop("style")))
            if match:
                token.attrs["align"] = match.group(1)


@cache
def _markdown() -> MarkdownIt:
    # Raw HTML in the source is escaped rather than passed through; nh3 still has the
    # last word on everything the renderer emits.
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": True}).enable(
        ["linkify", "table", "strikethrough", "replacements", "smartquotes"]
    )
    md.core.ruler.push("align_table_cells", _align_table_cells)
    return md


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


# C0 control characters other than tab and newlines: invisible in a page, and search uses
# two of them to mark matches in its snippets.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def html_to_text(fragment: str) -> str:
    """The text a reader sees in rendered HTML: what search indexes and quotes."""
    return CONTROL_CHARACTERS.sub("", html.unescape(strip_tags(fragment)))
