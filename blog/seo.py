"""What a page says about itself to search engines, feed readers and link previews: its
address (from ``SITE_URL``, never the request's ``Host``), a short description, Open
Graph and Twitter tags, and schema.org data (a post as a ``BlogPosting``).

Pages an anonymous reader gets are cached and shared by everyone whatever ``Host`` they
sent, so every absolute address in them starts with ``SITE_URL``. The schema.org data is
a ``<script type="application/ld+json">``: a data block, which browsers never run, so
the Content-Security-Policy (``script-src 'self'``) does not apply to it.
"""

import html
import json
import re

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, to_locale

# Search engines show about this many characters of a description.
DESCRIPTION_LENGTH = 160
# A first line shorter than this (a heading, "Hello all,") is joined with the next.
SHORT_LINE = 60
# The same escapes as Django's json_script: the data cannot close its <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(path: str) -> str:
    """``path`` on the public site: ``SITE_URL`` and the path."""
    return settings.SITE_URL.rstrip("/") + path


def page_url(path: str, number: int = 1, parameter: str = "page") -> str:
    """The canonical address of page ``number`` of a list (or of a discussion)."""
    query = f"?{parameter}={int(number)}" if number and int(number) > 1 else ""
    return absolute_url(path) + query


def describe(text: str) -> str:
    """A description of at most ``DESCRIPTION_LENGTH`` characters from ``text`` (a summary,
    or a post's whole text, of which the first paragraph is taken), cut at a word."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    first = ""
    for line in lines:
        first = f"{first} {line}".strip()
        if len(first) >= SHORT_LINE:
            break
    return Truncator(first).chars(DESCRIPTION_LENGTH)


def post_description(post) -> str:
    return describe(post.summary or post.body_text)


def author_name(post) -> str:
    profile = getattr(post.author, "author_profile", None)
    return profile.display_name if profile else post.author.get_username()


def og_locale() -> str:
    """``en_GB`` for ``en-gb``: Open Graph's form of the page's language."""
    return to_locale(get_language() or settings.LANGUAGE_CODE)


# Invisible and direction-changing characters (Unicode's format characters, C1 controls,
# line and paragraph separators): written as \u escapes in the data, so a name that
# carries them cannot reorder the page's source or hide in it. JSON readers get them back.
_INVISIBLE = re.compile(
    "[\u0080-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def _escaped(character: re.Match) -> str:
    return json.dumps(character.group())[1:-1]  # "\u202e", or a surrogate pair


def json_ld(data: dict) -> SafeString:
    """``data`` as a schema.org block, escaped so that no text in it can end the block."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    text = _INVISIBLE.sub(_escaped, text)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def meta_tags(pairs: list[tuple[str, str, str]]) -> SafeString:
    """``<meta>`` elements from (attribute, name, content) triples; empty contents left out."""
    return format_html_join(
        "\n  ", '<meta {}="{}" content="{}">', [pair for pair in pairs if pair[2]]
    )


def post_head(post, *, url: str, discussion: dict | None = None) -> SafeString:
    """Open Graph and Twitter tags and the ``BlogPosting`` data of a post's page (``url``,
    its canonical address); ``discussion`` adds ``commentCount`` and the page's comments."""
    description = post_description(post)
    published = post.published_at.isoformat(timespec="seconds") if post.published_at else ""
    modified = post.updated_at.isoformat(timespec="seconds") if post.updated_at else ""
    series = [tag.name for tag in post.tags.all()]
    icon = absolute_url(static("apple-touch-icon.png"))
    tags = meta_tags(
        [
            ("property", "og:type", "article"),
            ("property", "og:site_name", settings.SITE_NAME),
            ("property", "og:title", post.title),
            ("property", "og:description", description),
            ("property", "og:url", url),
            ("property", "og:locale", og_locale()),
            ("property", "og:image", icon),
            ("property", "article:published_time", published),
            ("property", "article:modified_time", modified),
            ("property", "article:author", author_name(post)),
            *[("property", "article:tag", name) for name in series],
            ("name", "twitter:card", "summary"),
            ("name", "twitter:title", post.title),
            ("name", "twitter:description", description),
        ]
    )
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": post.title,
        "description": description,
        "inLanguage": get_language() or settings.LANGUAGE_CODE,
        "datePublished": published or None,
        "dateModified": modified or None,
        "author": _author(post),
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": site_root()},
        "isPartOf": {"@type": "Blog", "name": settings.SITE_NAME, "url": site_root()},
        "keywords": series or None,
        "image": icon,
        **(discussion or {}),
    }
    return format_html("{}\n  {}", tags, json_ld({k: v for k, v in data.items() if v is not None}))


def site_root() -> str:
    return absolute_url("/")


def _author(post) -> dict:
    profile = getattr(post.author, "author_profile", None)
    person = {"@type": "Person", "name": author_name(post)}
    if profile is not None:
        person["url"] = absolute_url(profile.get_absolute_url())
    return person


_TAGS = re.compile(r"<[^>]*>")


def html_text(fragment: str) -> str:
    """The text of sanitised HTML (a comment's body, written by nh3): a regular expression
    suffices for markup that nh3 wrote, and costs a few microseconds where an HTML parser
    costs tens, for every comment on the page."""
    return " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())
