"""A writer correcting their own comment: who its writer is, until when, and why not.

For a while after posting (the policy's window, 15 minutes unless moderators change it)
the writer of a comment may correct or withdraw it, until someone's reply to it is
published. The writer is proven by their account when they wrote signed in, else by the
signed ``comments_mine`` cookie their browser got when they posted
(``thread.remember_own``). After that only moderators change it.

These are read-only checks, shared by the page (which offers "Edit" only where it would
be allowed) and the services that make the change (``moderation.writer``: they re-run the
policy's rules and write the audit row, which comments may not do). The window comes
from the policy, registered by moderation in its ``AppConfig.ready()``.
"""

import datetime
from collections.abc import Callable, Collection

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Comment

DEFAULT_WINDOW = datetime.timedelta(minutes=15)
# Spam too: the policy's spam is shown to its writer as held, and must be answered as a
# held comment is (no "Edit" missing would tell a spammer they were caught).
CHANGEABLE = (Comment.Status.APPROVED, Comment.Status.PENDING, Comment.Status.SPAM)

_window: Callable[[], datetime.timedelta] | None = None


def register_window(provider: Callable[[], datetime.timedelta]) -> None:
    """Where the window's length comes from (moderation's policy settings)."""
    global _window
    _window = provider


def edit_window() -> datetime.timedelta:
    return _window() if _window is not None else DEFAULT_WINDOW


def is_writer(comment: Comment, *, user, own_ids: Collection[int]) -> bool:
    """Whether the person asking wrote ``comment``: the account it was written under, or,
    for a comment written without one, the ids in their signed cookie."""
    if comment.user_id is not None:
        return bool(user is not None and user.is_authenticated and user.pk == comment.user_id)
    return comment.pk in own_ids


def deadline(comment: Comment) -> datetime.datetime:
    return comment.submitted_at + edit_window()


def has_published_reply(comment: Comment) -> bool:
    return (
        Comment.objects.filter(Q(reply_to=comment) | Q(parent=comment))
        .filter(status=Comment.Status.APPROVED)
        .exists()
    )


def refusal(
    comment: Comment, *, user, own_ids: Collection[int], now: datetime.datetime | None = None
) -> str:
    """Why the person asking may not correct or withdraw ``comment`` now; "" if they may."""
    if not is_writer(comment, user=user, own_ids=own_ids):
        return _(
            "Only the writer of a comment can change it, from the browser or the account "
            "they wrote it with."
        )
    if comment.status not in CHANGEABLE:
        return _("This comment can no longer be changed.")
    now = now or timezone.now()
    if edit_window() <= datetime.timedelta(0) or now > deadline(comment):
        return _(
            "The time to correct or withdraw this comment has passed (%(minutes)d minutes "
            "after posting). A moderator can still change it if it must be changed."
        ) % {"minutes": edit_window().total_seconds() // 60}
    if has_published_reply(comment):
        return _(
            "Someone has replied to this comment, so it can no longer be changed by its "
            "writer. A moderator can still change it if it must be changed."
        )
    return ""


def mark_changeable(entries: list, *, own_ids: Collection[int], viewer_id: int | None) -> None:
    """For the page: give each of the reader's own entries they may still change its
    deadline (``edit_until_ts``, seconds since the epoch); None for every other. No query:
    ``answered`` was worked out from the page's rows."""
    own = [
        entry
        for entry in entries
        if not entry.placeholder
        and entry.status in CHANGEABLE
        and not entry.answered
        and (
            entry.id in own_ids
            if entry.user_id is None
            else viewer_id is not None and entry.user_id == viewer_id
        )
    ]
    for entry in entries:
        entry.edit_until_ts = None
    if not own:
        return
    window = edit_window().total_seconds()
    now = timezone.now().timestamp()
    for entry in own:
        until = entry.submitted_ts + window
        if window > 0 and now <= until:
            entry.edit_until_ts = until
