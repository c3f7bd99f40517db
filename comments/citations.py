"""Citations of other comments in a comment's text, linked when the page is built.

Readers cite anonymous comments by their label, loosely: "Anon 23:42 (2)", "Anonymous
23:42", "Anon 6:45pm", "Anon 1.41". When such a citation names exactly one comment of the
same post that every reader sees, written before the citing one, the words become a link
to it (``#comment-ID`` on this page, its permalink on another page), and the page's
script shows the cited comment beside it on hover and focus. Nothing links when the
citation could mean two comments (1.41 by night and by day, a number-less "Anon 23:42"
when its first comment is hidden but two later ones are shown) or only a hidden one.

The targets come from each comment's stored label minute and number
(``comments.labels``), in one query made only when a text on the page may cite: the
published anonymous comments of the minutes cited, not every comment of the post. Whether
a target is shown changes with its status, and every status change retires the cached
pages.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import F, Q
from django.urls import reverse

from core.prepared import Prepared

from .labels import entry_minute
from .models import AnyOf, Comment, EpochSeconds

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


class Target(NamedTuple):
    """A comment a citation may name: published, anonymous, of the same post."""

    id: int
    label_minute: int | None
    label_number: int | None
    submitted_ts: float


def _targets(post_id: int, minutes: list[int]):
    # A row written around the app may lack its minute: entry_minute() works it out.
    minute = Q(AnyOf(F("label_minute"), minutes)) | Q(label_minute__isnull=True)
    return (
        Comment.objects.for_post(post_id)
        .filter(minute, status=Comment.Status.APPROVED, author_name="")
        .annotate(submitted_ts=EpochSeconds(F("submitted_at")))
        .order_by("tree_id", "lft")
        .values_list("id", "label_minute", "label_number", "submitted_ts")
    )


_TARGETS = Prepared(_targets, post_id=-7_654_321, minutes=[-7_654_322])


class Targets:
    """The comments a citation may name: a post's visible anonymous comments, by label."""

    def __init__(self, targets: Iterable[Target]) -> None:
        self.by_label: dict[tuple[int, int], list] = defaultdict(list)
        self.by_minute: dict[int, list] = defaultdict(list)
        for target in targets:
            minute = entry_minute(target)
            self.by_label[(minute, target.label_number or 1)].append(target)
            self.by_minute[minute].append(target)

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


def _minutes_cited(html: str) -> set[int]:
    return {
        minute
        for match in _CITATION.finditer(_TAG.sub(" ", html))
        for minute in minutes_meant(match["hour"], match["minute"], match["half"])
    }


def link_citations(page_entries: list, post_id: int) -> None:
    """Link the citations in the text of ``page_entries`` (the comments on this page) to
    the comments of post ``post_id`` they name: one query, only when a text on the page
    cites a time."""
    citing = [
        entry
        for entry in page_entries
        if entry.body_html and not entry.placeholder and _MAYBE.search(entry.body_html)
    ]
    minutes = set().union(*(_minutes_cited(entry.body_html) for entry in citing))
    if not minutes:
        return
    targets = Targets(
        Target(*row) for row in _TARGETS.rows(post_id=post_id, minutes=sorted(minutes))
    )
    if not targets:
        return
    on_page = {entry.id for entry in page_entries}
    for entry in citing:
        entry.body_html = link_html(entry.body_html, entry, targets, on_page)
