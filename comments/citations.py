"""Citations of other comments in a comment's text, linked when the page is built.

Readers cite anonymous comments by their label, loosely: "Anon 23:42 (2)", "Anonymous
23:42", "Anon 6:45pm", "Anon 1.41". When such a citation names exactly one comment of the
same post that every reader sees, written before the citing one, the words become a link
to it (``#comment-ID`` on this page, its permalink on another page), and the page's
script shows the cited comment beside it on hover and focus. Nothing links when the
citation could mean two comments (1.41 by night and by day, a number-less "Anon 23:42"
when its first comment is hidden but two later ones are shown) or only a hidden one.

The links are made from what the page has already read (each entry's stored label
minute and number: ``comments.labels``), so they cost no query; whether a target is
shown changes with its status, and every status change retires the cached pages.
"""

import re
from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse

from .labels import entry_minute

# "Anon 23:42 (2)", "anonymous 6:45pm", "Anon 1.41", "Anon 6.45 p.m." ...
_CITATION = re.compile(
    r"\b(?P<word>anon(?:ymous)?)\s+(?P<hour>\d{1,2})[:.](?P<minute>[0-5]\d)(?!\d)"
    r"(?:\s?(?P<half>[ap])\.?m\b\.?)?(?:\s?\((?P<number>\d{1,5})\))?",
    re.IGNORECASE,
)
# Cheap test before the real one: most comments cite nobody.
_MAYBE = re.compile(r"anon", re.IGNORECASE)
_TAG = re.compile(r"(<[^>]*>)")


def minutes_meant(hour_text: str, minute_text: str, half: str | None) -> list[int]:
    """The minutes of the day a written time may mean: "6:45pm" one, "23:42" and "09:01"
    one, "1.41" two (01:41 and 13:41: the page's labels use a 24-hour clock, readers not
    always). Nothing for an impossible time."""
    hour, minute = int(hour_text), int(minute_text)
    if half:
        if not 1 <= hour <= 12:
            return []
        hour = hour % 12 + (12 if half.lower() == "p" else 0)
        return [hour * 60 + minute]
    if hour > 23:
        return []
    if hour == 0 or hour >= 13 or hour_text.startswith("0"):
        return [hour * 60 + minute]
    return [hour * 60 + minute, (hour + 12) % 24 * 60 + minute]


class Targets:
    """The comments a citation may name: a post's visible anonymous comments, by label."""

    def __init__(self, entries: Iterable) -> None:
        self.by_label: dict[tuple[int, int], list] = defaultdict(list)
        self.by_minute: dict[int, list] = defaultdict(list)
        for entry in entries:
            if entry.is_visible and not entry.author_name and not entry.placeholder:
                minute = entry_minute(entry)
                self.by_label[(minute, entry.label_number or 1)].append(entry)
                self.by_minute[minute].append(entry)

    def __bool__(self) -> bool:
        return bool(self.by_minute)

    def find(self, citing, minutes: list[int], number: int | None):
        """The one comment meant, or None when none or several are."""
        written = max(citing.submitted_ts, citing.edited_ts or 0)

        def earlier(found: list) -> list:
            return [t for t in found if t.id != citing.id and t.submitted_ts <= written]

        if number is not None:
            found = earlier([t for m in minutes for t in self.by_label.get((m, number), ())])
        else:
            # "Anon 23:42" is the label of the minute's first comment; if that one is not
            # shown, the reader means the only one of that minute that is, if only one is.
            found = earlier([t for m in minutes for t in self.by_label.get((m, 1), ())])
            if not found:
                found = earlier([t for m in minutes for t in self.by_minute.get(m, ())])
        return found[0] if len(found) == 1 else None


def _link(target, text: str, on_page: set[int]) -> str:
    # No title: the browser's own tooltip would cover the script's box.
    pk = int(target.id)
    href = f"#comment-{pk}" if pk in on_page else reverse("comments:permalink", args=[pk])
    return f'<a class="citation" href="{href}" data-cites="{pk}">{text}</a>'


def link_html(html: str, citing, targets: Targets, on_page: set[int]) -> str:
    """``html`` (a comment's sanitised text) with its citations linked. Text inside a link
    the writer made stays as it is."""
    if not _MAYBE.search(html):
        return html
    parts = _TAG.split(html)
    inside_link = False
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            lowered = part.lower()
            if lowered.startswith("<a ") or lowered == "<a>":
                inside_link = True
            elif lowered.startswith("</a"):
                inside_link = False
            continue
        if inside_link or not _MAYBE.search(part):
            continue

        def replace(match: re.Match) -> str:
            minutes = minutes_meant(match["hour"], match["minute"], match["half"])
            number = int(match["number"]) if match["number"] else None
            target = targets.find(citing, minutes, number) if minutes else None
            if target is None:
                return match.group()
            return _link(target, match.group(), on_page)

        parts[index] = _CITATION.sub(replace, part)
    return "".join(parts)


def link_citations(page_entries: list, all_entries: Iterable) -> None:
    """Link the citations in the text of ``page_entries`` (the comments on this page) to
    the comments of ``all_entries`` (everything the post shows) they name."""
    targets = Targets(all_entries)
    if not targets:
        return
    on_page = {entry.id for entry in page_entries}
    for entry in page_entries:
        if entry.body_html and not entry.placeholder:
            entry.body_html = link_html(entry.body_html, entry, targets, on_page)
