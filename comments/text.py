"""The text pipeline for what readers write: clean it on the way in, render it safely.

Readers write plain text. Blank lines make paragraphs, single newlines line breaks, and
URLs become links with ``rel="nofollow ugc noopener"``. Nothing else is markup: the text
is escaped first, and nh3 has the last word on the HTML we emit.
"""

import re
import unicodedata
from functools import cache

import nh3
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from linkify_it import LinkifyIt

LINK_REL = "nofollow ugc noopener"
URL_SCHEMES = {"http", "https", "mailto"}
# C0/C1 controls except tab and newline, plus the lone surrogates invalid UTF-8 decodes to.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_WHITESPACE = re.compile(r"\s+")
# Characters that reorder the text around them: marks, embeddings, overrides, isolates.
_BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What any link we keep contains: a scheme, or a dot before a top-level domain. Text
# without one is escaped without asking linkify, which costs about a millisecond.
_MAYBE_LINK = re.compile(r"://|mailto:|\.[^\W\d_]", re.IGNORECASE)
# A link never spans whitespace (linkify's hosts and paths stop at separators and
# controls, and it treats one as it treats the end of the text), so linkify reads only
# the words that may hold a link: its cost grows with the text it reads.
_WORD = re.compile(r"\S+")


def clean_input(text: str) -> str:
    """Normalise line endings, drop control characters, trim the ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def clean_line(text: str) -> str:
    """A one-line field (a name): controls and line breaks become nothing or spaces."""
    return _WHITESPACE.sub(" ", clean_input(text)).strip()


def visible_controls(text: str) -> str:
    """Direction controls shown as what they are ("Bob ⟨U+202E⟩gro…"), for screens where a
    moderator must see the text as typed, not as it would have them read it."""
    return _BIDI_CONTROL.sub(lambda match: f"⟨U+{ord(match.group()):04X}⟩", text)


def isolated(text: str) -> SafeString:
    """Reader-supplied text for an admin screen: controls made visible, and the whole in a
    ``<bdi>`` so a right-to-left name cannot reorder what stands beside it."""
    return format_html("<bdi>{}</bdi>", visible_controls(text))


def normalise_email(address: str) -> str:
    """The one form of an email address used to compare it: trimmed, lower case.

    Every comparison of readers' addresses goes through this (in Python) or through
    ``Comment.objects.with_email`` (in SQL, case-insensitive the same way), never through
    its own ``.lower()``: "Ruth@Example.org" and "ruth@example.ORG" are one reader.
    """
    return (address or "").strip().lower()


def same_email(first: str, second: str) -> bool:
    """Whether two addresses are one; an empty address is nobody's, so never the same."""
    first, second = normalise_email(first), normalise_email(second)
    return bool(first) and first == second


def normalise_whitespace(text: str) -> str:
    """For comparing quotes: any run of whitespace is one space, case and accents kept."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


@cache
def _linkify() -> LinkifyIt:
    return LinkifyIt(options={"fuzzy_email": False})


def _nh3_keeps(url: str) -> bool:
    """Whether nh3 keeps ``url`` as a link's href.

    linkify accepts hosts that nh3's URL parser rejects (an unassigned code point, a
    direction override): nh3 would then drop the href and leave an ``<a>`` that goes
    nowhere. Such a "URL" stays plain text instead.
    """
    cleaned = nh3.clean(
        f'<a href="{escape(url)}"></a>',
        tags={"a"},
        attributes={"a": {"href"}},
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )
    return "href=" in cleaned


def _matches(text: str):
    """linkify's matches in ``text``, as (start, end, match), read word by word."""
    if not _MAYBE_LINK.search(text):
        return
    for word in _WORD.finditer(text):
        if _MAYBE_LINK.search(word.group()):
            start = word.start()
            for match in _linkify().match(word.group()) or []:
                yield start + match.index, start + match.last_index, match


def _linkify_paragraph(text: str) -> str:
    """Escape ``text`` and turn the URLs in it into links."""
    out: list[str] = []
    position = 0
    for start, end, match in _matches(text):
        if not match.url.lower().startswith(("http://", "https://", "mailto:")):
            continue
        if not _nh3_keeps(match.url):
            continue
        out.append(escape(text[position:start]))
        out.append(f'<a href="{escape(match.url)}">{escape(match.text)}</a>')
        position = end
    out.append(escape(text[position:]))
    return "".join(out).replace("\n", "<br>")


def render_comment(text: str) -> str:
    """Render a comment's plain text to sanitised HTML paragraphs."""
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(text.strip()) if p.strip()]
    html = "".join(f"<p>{_linkify_paragraph(p)}</p>" for p in paragraphs)
    return nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    )


def _web_links(text: str) -> list:
    """linkify's http(s) matches in ``text``; text that cannot hold one is not parsed."""
    return [
        match
        for _, _, match in _matches(text)
        if match.url.lower().startswith(("http://", "https://"))
    ]


def count_links(text: str) -> int:
    return len(_web_links(text))


def link_hosts(text: str) -> list[str]:
    """Host names of the http(s) links in ``text``, lower case, without ``www.``."""
    from urllib.parse import urlsplit

    hosts = []
    for match in _web_links(text):
        host = (urlsplit(match.url).hostname or "").lower().removeprefix("www.")
        if host:
            hosts.append(host)
    return hosts
