"""What a reader sees of a post's discussion, built from one query.

django-mptt's ``get_cached_trees`` promotes a reply whose parent is filtered out to the
top level, and its descendant counts include every status, so visibility, placeholders
and reply counts are computed here, in one pass over the post's comments in tree order.
"""

import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext

from .models import Comment

SESSION_KEY = "comments.mine"
FIELDS = (
    "id", "parent_id", "reply_to_id", "tree_id", "level", "author_name", "role", "body_html",
    "quote", "status", "submitted_at", "edited_at", "edit_note",
)  # fmt: skip


def threads_per_page() -> int:
    return getattr(settings, "COMMENTS_THREADS_PER_PAGE", 25)


def newest_first() -> bool:
    return getattr(settings, "COMMENTS_ORDER", "oldest") == "newest"


def visual_depth_cap() -> int:
    return getattr(settings, "COMMENTS_MAX_VISUAL_DEPTH", 3)


@dataclass
class Entry:
    """One comment as the page shows it."""

    row: dict
    shown: bool = False
    placeholder: bool = False
    own_pending: bool = False
    reply_count: int = 0  # shown replies below it, at any depth
    reply_to: "Entry | None" = None
    children: list = field(default_factory=list)

    def __getattr__(self, name):
        try:
            return self.row[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class Discussion:
    approved_count: int
    entries: list[Entry]  # the current page's entries, in display order
    page: int
    num_pages: int
    thread_count: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


def own_pending_ids(request) -> set[int]:
    if request is None or not hasattr(request, "session"):
        return set()
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return set()  # no session yet: save the query
    return set(request.session.get(SESSION_KEY, []))


def remember_own(request, comment: Comment) -> None:
    mine = [pk for pk in request.session.get(SESSION_KEY, []) if pk != comment.pk]
    request.session[SESSION_KEY] = (mine + [comment.pk])[-50:]


def build(post, *, mine: set[int] = frozenset()) -> tuple[int, list[Entry]]:
    """All shown entries of ``post`` in tree order, and the approved-comment count."""
    rows = Comment.objects.filter(post=post).order_by("tree_id", "lft").values(*FIELDS)
    entries = [Entry(row) for row in rows]
    by_id = {entry.row["id"]: entry for entry in entries}
    approved = 0
    for entry in entries:
        status = entry.row["status"]
        if status == Comment.Status.APPROVED:
            entry.shown = True
            approved += 1
        elif status == Comment.Status.PENDING and entry.row["id"] in mine:
            entry.shown = entry.own_pending = True
        entry.reply_to = by_id.get(entry.row["reply_to_id"])
    # Children follow parents in tree order, so walking backwards settles every child
    # before its parent: a hidden comment with shown replies becomes a placeholder.
    for entry in reversed(entries):
        if not entry.shown and entry.reply_count:
            entry.shown = entry.placeholder = True
        parent = by_id.get(entry.row["parent_id"])
        if parent is not None:
            real = entry.shown and not entry.placeholder
            parent.reply_count += entry.reply_count + (1 if real else 0)
    return approved, [entry for entry in entries if entry.shown]


def _localise(entries: list[Entry]) -> None:
    """Times in the site's zone, formatted here once: Django's ``date`` filter costs
    ~50 µs a call, this a few."""
    zone = ZoneInfo(timezone.get_current_timezone_name())
    months = [""] + [str(MONTHS_3[number]).capitalize() for number in range(1, 13)]
    at = gettext("at")
    cap = visual_depth_cap()

    def local(moment):
        moment = moment.astimezone(zone)
        return (
            moment.isoformat(timespec="seconds"),
            f"{moment.day} {months[moment.month]} {moment.year} {at} "
            f"{moment.hour:02d}:{moment.minute:02d}",
        )

    for entry in entries:
        row = entry.row
        row["iso_time"], row["local_time"] = local(row["submitted_at"])
        if row["edited_at"]:
            row["edited_iso"], row["edited_local"] = local(row["edited_at"])
        reply_to = entry.reply_to
        row["quote_outdated"] = bool(
            row["quote"]
            and reply_to is not None
            and reply_to.row["edited_at"]
            and reply_to.row["edited_at"] > row["submitted_at"]
        )
        row["indent"] = min(row["level"], cap)
        # Beyond the visual indent cap, or when re-attached higher up, say whom it answers.
        row["show_in_reply_to"] = reply_to is not None and (
            row["level"] > row["indent"] or row["reply_to_id"] != row["parent_id"]
        )


def roots_in_order(entries: list[Entry]) -> list[Entry]:
    roots = [entry for entry in entries if entry.row["parent_id"] is None]
    return list(reversed(roots)) if newest_first() else roots


def discussion_for(post, *, page: int = 1, mine: set[int] = frozenset()) -> Discussion:
    approved, entries = build(post, mine=mine)
    roots = roots_in_order(entries)
    per_page = threads_per_page()
    num_pages = max(1, math.ceil(len(roots) / per_page))
    page = min(max(1, page), num_pages)
    page_trees = {root.row["tree_id"] for root in roots[(page - 1) * per_page : page * per_page]}
    order = {root.row["tree_id"]: index for index, root in enumerate(roots)}
    shown = [entry for entry in entries if entry.row["tree_id"] in page_trees]
    shown.sort(key=lambda entry: order[entry.row["tree_id"]])  # stable: keeps tree order
    _localise(shown)
    return Discussion(approved, shown, page, num_pages, len(roots))


def page_of(comment: Comment, *, mine: set[int] = frozenset()) -> int | None:
    """Which page of its post's discussion shows ``comment``; None if it is not shown."""
    _, entries = build(comment.post, mine=mine)
    if not any(entry.row["id"] == comment.pk for entry in entries):
        return None
    roots = roots_in_order(entries)
    index = next(i for i, root in enumerate(roots) if root.row["tree_id"] == comment.tree_id)
    return index // threads_per_page() + 1
