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


class RawJSON(str):
    """JSON text already written (``comments.schema``): ``json_ld`` puts it in as it is."""


def json_ld(data: dict) -> SafeString:
    """``data`` as a schema.org block (``RawJSON`` values go in as written). Everything
    outside ASCII is written as a ``\\u`` escape, so invisible and direction-changing
    characters in a reader's name cannot reorder or hide in the page's source, and so are
    ``<``, ``>`` and ``&``, as Django's ``json_script`` does: no text in it can end the
    block. (A regular expression over the page's data, instead, cost ten times the
    rendering of its comments.)"""
    raw = {key: value for key, value in data.items() if isinstance(value, RawJSON)}
    plain = {key: value for key, value in data.items() if key not in raw}
    text = json.dumps(plain, separators=(",", ":"))
    if raw:
        spliced = "".join(f",{json.dumps(key)}:{value}" for key, value in raw.items())
        text = f"{text[:-1]}{spliced}}}"
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
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
            ("property", "article:author", _author(post).get("url", "")),
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
    """The text of a comment's sanitised HTML (``<p>`` paragraphs, ``<br>`` line breaks and
    links, as ``comments.text`` writes it), paragraphs kept as blank lines. String
    replacements and one regular expression suffice for markup nh3 wrote, and cost a few
    microseconds a comment where an HTML parser costs tens."""
    text = _TAGS.sub("", fragment.replace("</p><p>", "\n\n").replace("<br>", "\n"))
    return html.unescape(text) if "&" in text else text
