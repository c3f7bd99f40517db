"""What a reader sees of a post's discussion, built from two queries: the shape of every
comment of the post, read a thread at a time and kept for the page's threads only, then
the texts of the comments on the page shown.

django-mptt's ``get_cached_trees`` promotes a reply whose parent is filtered out to the
top level, and its descendant counts include every status, so visibility, placeholders
and reply counts are computed here, in one pass over each thread in tree order.
"""

import datetime
import functools
import math
from collections.abc import Iterator, Set
from dataclasses import dataclass
from html import escape  # the stdlib one: Django's wraps it for lazy strings, at a cost
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Count, F, When
from django.utils import timezone
from django.utils.dates import MONTHS_3

from core.prepared import Prepared, model_columns

from .citations import link_citations
from .entry import COLUMNS, TEXT_COLUMNS, Entry, Node, entries_for
from .labels import label_of, labels_for_post  # noqa: F401 - re-exported
from .models import AnyOf, Comment, EpochSeconds
from .own_edit import mark_changeable
from .policy import refusal_reasons
from .text import normalise_whitespace

SESSION_KEY = "comments.mine"  # the signing salt of the own-comments cookie
# A writer sees their own comment "awaiting moderation" while it is held, and also when
# the policy filed it as spam: a spammer must not learn they were caught.
OWN_SHOWN = (Comment.Status.PENDING, Comment.Status.SPAM)


def _rows(post_id: int, *, newest: bool):
    # Threads in the order the page lists them, each thread's comments in tree order.
    return (
        Comment.objects.for_post(post_id)
        .annotate(
            submitted_ts=EpochSeconds(F("submitted_at")),
            edited_ts=EpochSeconds(F("edited_at")),
            writer_edited_ts=EpochSeconds(F("writer_edited_at")),
        )
        .order_by("-tree_id" if newest else "tree_id", "lft")
        .values_list(*COLUMNS)
    )


def _texts(post_id: int, ids: list[int]):
    # The answered comment's current text, for quoting rows only (a join, not a query).
    quoted_text = Case(When(quote="", then=None), default=F("reply_to__body"))
    return (
        Comment.objects.for_post(post_id)
        .filter(AnyOf(F("pk"), ids))
        .annotate(quoted_text=quoted_text)
        .order_by()
        .values_list("id", *TEXT_COLUMNS)
    )


# Compiled once per process and order (core/prepared.py): compiling took ten times its
# running.
_ROWS = {
    newest: Prepared(functools.partial(_rows, newest=newest), post_id=-7_654_321)
    for newest in (False, True)
}
_TEXTS = Prepared(_texts, post_id=-7_654_321, ids=[-7_654_322])


def add_texts(post, entries: list[Entry]) -> None:
    """The texts of ``entries`` (the page's), in one query, and what depends on them: a
    quote is shown only while its source still shows the quoted words."""
    ids = [entry.id for entry in entries if not entry.placeholder]
    if not ids:
        return
    by_id = {entry.id: entry for entry in entries}
    for pk, *texts in _TEXTS.rows(post_id=post.pk, ids=ids):
        by_id[pk].add_texts(tuple(texts))
    for entry in entries:
        if entry.quote:
            entry.quote_removed = not _quote_still_shown(entry)
            entry.quote_changed = entry.quote_removed and _changed_by_writer(entry.reply_to)


def threads_per_page() -> int:
    return settings.COMMENTS_THREADS_PER_PAGE


def newest_first() -> bool:
    return settings.COMMENTS_ORDER == "newest"


def visual_depth_cap() -> int:
    return settings.COMMENTS_MAX_VISUAL_DEPTH


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


def _own(request) -> list[int]:
    if request is None:
        return []
    kept = request.get_signed_cookie(
        settings.COMMENTS_OWN_COOKIE_NAME, default="", salt=SESSION_KEY,
        max_age=settings.COMMENTS_OWN_COOKIE_AGE,
    )  # fmt: skip
    return [int(part) for part in kept.split(".") if part.isdigit()]


def own_pending_ids(request) -> set[int]:
    """The reader's own comments (held ones they see "awaiting moderation", refused ones
    they learn the reason for), from the signed cookie ``remember_own`` sets."""
    return set(_own(request))


def remember_own(request, response, comment: Comment) -> None:
    """Add ``comment`` to the reader's own (the last 50), in a signed cookie: an anonymous
    writer gets no session row, so posting costs no second commit."""
    mine = [pk for pk in _own(request) if pk != comment.pk] + [comment.pk]
    response.set_signed_cookie(
        settings.COMMENTS_OWN_COOKIE_NAME, ".".join(map(str, mine[-50:])), salt=SESSION_KEY,
        max_age=settings.COMMENTS_OWN_COOKIE_AGE, secure=settings.SESSION_COOKIE_SECURE,
        httponly=True, samesite="Lax",
    )  # fmt: skip


def _threads(post, mine: Set[int], *, newest: bool) -> Iterator[tuple[int, list[Node]]]:
    """Each thread of ``post`` in the order the page lists them: its approved-comment count
    and its shown comments, in tree order (none: the thread is not listed). One query,
    read a thread at a time: a post of 5,000 comments never has them all in memory."""
    words: dict[str, str] = {}
    thread: list[Node] = []
    for row in _ROWS[newest].each_row(post_id=post.pk):
        node = Node(row, words)
        if thread and node.tree_id != thread[0].tree_id:
            yield _settle(thread, mine)
            thread = []
        thread.append(node)
    if thread:
        yield _settle(thread, mine)


def _settle(thread: list[Node], mine: Set[int]) -> tuple[int, list[Node]]:
    """What the reader sees of one thread (its nodes in tree order): the approved count,
    and the shown nodes with their placeholders, reply counts and answered marks (a
    comment answers one of its own thread)."""
    by_id = {node.id: node for node in thread}
    approved = 0
    APPROVED = Comment.Status.APPROVED
    REFUSED = {Comment.Status.REJECTED, Comment.Status.REMOVED}
    for node in thread:
        if node.status == APPROVED:
            node.shown = True
            approved += 1
        elif node.status in OWN_SHOWN and node.id in mine:
            node.shown = node.own_pending = True
        elif node.status in REFUSED and node.id in mine:
            # Its writer learns it was not published, and why; nobody else sees it.
            node.shown = node.own_refused = True
        if node.reply_to_id is not None:
            node.reply_to = by_id.get(node.reply_to_id)
        if node.status == APPROVED:
            # A published reply ends its writer's time to correct what it answers.
            for answered_id in (node.reply_to_id, node.parent_id):
                if answered_id is not None and answered_id in by_id:
                    by_id[answered_id].answered = True
    # Children follow parents in tree order, so walking backwards settles every child
    # before its parent: a hidden comment with shown replies becomes a placeholder.
    for node in reversed(thread):
        if not node.shown and node.reply_count:
            node.shown = node.placeholder = True
        if node.parent_id is not None:
            parent = by_id.get(node.parent_id)
            if parent is not None:
                real = node.shown and not node.placeholder
                parent.reply_count += node.reply_count + (1 if real else 0)
    return approved, [node for node in thread if node.shown]


def build(post, *, mine: Set[int] = frozenset()) -> tuple[int, list[Node]]:
    """Every shown comment of ``post`` in tree order (oldest thread first), and the
    approved-comment count. The page keeps only its own threads (``discussion_for``)."""
    approved, shown = 0, []
    for count, nodes in _threads(post, mine, newest=False):
        approved += count
        shown += nodes
    return approved, shown


def _zone() -> ZoneInfo:
    return ZoneInfo(timezone.get_current_timezone_name())


def _quote_still_shown(entry: Entry) -> bool:
    """A quote shows only words its source still shows: not once the answered comment is
    removed, rejected, spam or gone, or edited so that the quoted words are no longer in it
    (the stored quote stays, for moderators)."""
    source = entry.reply_to
    if source is None or not source.is_visible or not entry.quoted_text:
        return False
    return normalise_whitespace(entry.quote) in normalise_whitespace(entry.quoted_text)


def _changed_by_writer(source: Node | None) -> bool:
    """The answered comment's text was last changed by its writer, not a moderator."""
    if source is None or not source.is_visible or not source.writer_edited_ts:
        return False
    return not source.edited_ts or source.writer_edited_ts >= source.edited_ts


def _localise(entries: list[Entry]) -> None:
    """Times in the site's zone, formatted here once (Django's ``date`` filter costs
    ~50 µs a call, this a few), and the page's reader-written text escaped once."""
    zone = _zone()
    months = [""] + [str(MONTHS_3[number]).capitalize() for number in range(1, 13)]
    cap = visual_depth_cap()

    def local(seconds: float) -> tuple[str, str]:
        moment = datetime.datetime.fromtimestamp(seconds, zone)
        return (
            moment.isoformat(timespec="seconds"),
            # "3 Dec 2026, 13:41": the time readers cite, always in the page.
            escape(
                f"{moment.day} {months[moment.month]} {moment.year}, "
                f"{moment.hour:02d}:{moment.minute:02d}"
            ),
        )

    for entry in entries:
        entry.iso_time, entry.local_time_html = local(entry.submitted_ts)
        if entry.edited_ts:
            entry.edited_iso, entry.edited_local_html = local(entry.edited_ts)
        if entry.writer_edited_ts:
            entry.writer_edited_iso, entry.writer_edited_local_html = local(entry.writer_edited_ts)
        if entry.edit_until_ts:
            moment = datetime.datetime.fromtimestamp(entry.edit_until_ts, zone)
            entry.edit_until_html = f"{moment.hour:02d}:{moment.minute:02d}"
        entry.quote_html = escape(entry.quote)
        entry.note_html = escape(entry.edit_note)
        reply_to = entry.reply_to
        entry.quote_outdated = bool(
            entry.quote
            and not entry.quote_removed
            and reply_to is not None
            and max(reply_to.edited_ts or 0, reply_to.writer_edited_ts or 0) > entry.submitted_ts
        )
        entry.indent = min(entry.level, cap)
        # Beyond the visual indent cap, or when re-attached higher up, say whom it answers.
        entry.show_in_reply_to = reply_to is not None and (
            entry.level > entry.indent or entry.reply_to_id != entry.parent_id
        )


def discussion_for(
    post, *, page: int = 1, mine: Set[int] = frozenset(), viewer_id: int | None = None
) -> Discussion:
    """One page of the discussion for a reader: ``mine``, the ids in their signed cookie;
    ``viewer_id``, their account's id if signed in (their comments they may correct).

    The threads stream past in the page's order; only the page's are kept. A page asked
    for past the last is the last (read again: the post page redirects such requests)."""
    per_page = threads_per_page()
    page = max(1, page)
    approved, listed, kept = _page_threads(post, mine, page, per_page)
    num_pages = max(1, math.ceil(listed / per_page))
    if page > num_pages:
        page = num_pages
        approved, listed, kept = _page_threads(post, mine, page, per_page)
    shown = entries_for(kept)
    add_texts(post, shown)
    link_citations(shown, post.pk)
    mark_changeable(shown, own_ids=mine, viewer_id=viewer_id)
    _localise(shown)
    refused = [entry for entry in shown if entry.own_refused]
    if refused:  # only for a writer whose comment was turned down: no query otherwise
        reasons = refusal_reasons([entry.id for entry in refused])
        for entry in refused:
            entry.refusal_reason = reasons.get(entry.id, "")
            entry.refusal_html = escape(entry.refusal_reason)
    return Discussion(approved, shown, page, num_pages, listed)


def _page_threads(post, mine: Set[int], page: int, per_page: int) -> tuple[int, int, list[Node]]:
    """(approved comments, threads listed, the shown nodes of page ``page``'s threads)."""
    first, last = (page - 1) * per_page, page * per_page
    approved = listed = 0
    kept: list[Node] = []
    for count, nodes in _threads(post, mine, newest=newest_first()):
        approved += count
        if nodes:  # a thread is listed when anything in it is shown
            if first <= listed < last:
                kept += nodes
            listed += 1
    return approved, listed, kept


def page_count(post, request=None) -> int:
    """How many pages ``discussion_for`` has for this reader, in one small query: a thread
    is listed when anything in it is shown. The post page sends a reader asking for a
    page past the last to the last one before rendering (registered with ``blog.discussion``)."""
    shown = Comment.objects.for_post(post).shown_to(own_pending_ids(request))
    threads = shown.values("tree_id").distinct().count()
    return max(1, math.ceil(threads / threads_per_page()))


def page_of(comment: Comment, *, mine: Set[int] = frozenset()) -> int | None:
    """Which page of its post's discussion shows ``comment``; None if it is not shown.

    Two small queries rather than building the whole discussion: a thread is on the page
    its root's position gives, and a thread is listed when anything in it is shown.
    """
    if not comment.is_shown_to(mine):
        # Hidden: on the page only as a placeholder, when something below it is shown.
        shown = Comment.objects.for_post(comment.post_id).shown_to(mine)
        below = shown.filter(tree_id=comment.tree_id, lft__gt=comment.lft, rght__lt=comment.rght)
        if not below.exists():
            return None
    counted = _THREADS_BEFORE[newest_first()].rows(
        post_id=comment.post_id, tree_id=comment.tree_id, mine=list(mine)
    )
    before = counted[0][0] if counted else 0
    return before // threads_per_page() + 1


def _threads_before(post_id: int, tree_id: int, mine: list[int], *, newest: bool):
    """How many threads listed before ``tree_id``'s: a thread is listed when anything in
    it is shown to the reader (one row, or none when there is none)."""
    earlier = {"tree_id__gt" if newest else "tree_id__lt": tree_id}
    return (
        Comment.objects.for_post(post_id)
        .shown_to(mine)
        .filter(**earlier)
        .order_by()
        .values("post_id")
        .annotate(threads=Count("tree_id", distinct=True))
        .values_list("threads")
    )


# Every comment posted asks it (for the page to send its writer to): compiled once per
# process and order, as building the query cost more than running it.
_THREADS_BEFORE = {
    newest: Prepared(
        functools.partial(_threads_before, newest=newest),
        post_id=-7_654_321,
        tree_id=2_107_654_322,  # in a positive column's range: the ORM drops the filter else
        mine=[-7_654_323],
    )  # fmt: skip
    for newest in (False, True)
}


def _visible_comment(post_id: int, pk: int):
    columns = model_columns(Comment)
    return Comment.objects.visible().for_post(post_id).filter(pk=pk).values_list(*columns)


_VISIBLE_COMMENT = Prepared(_visible_comment, post_id=-7_654_321, pk=-7_654_322)


def visible_comment(post_id: int, pk: int) -> Comment | None:
    """Comment ``pk`` if every reader of post ``post_id`` sees it (a reply's parent), as
    ``Comment.objects.visible().for_post(post_id).filter(pk=pk).first()`` gives it, in a
    query compiled once per process."""
    found = _VISIBLE_COMMENT.instances(Comment, post_id=post_id, pk=pk)
    return found[0] if found else None
