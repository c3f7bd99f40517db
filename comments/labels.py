"""The labels readers cite anonymous comments by: "Anonymous 23:42", "Anonymous 23:42 (2)".

A label is fixed when the comment is stored (``tree.insert`` writes ``label_minute`` and
``label_number`` under its locks): the minute of the day it was submitted, in the site's
zone (``TIME_ZONE``), and its place among the post's anonymous comments of that minute,
counted over every status. Approving an earlier comment, or removing one, never
renumbers a later one, so a citation written today still names the same comment
tomorrow. The price: a label may say "(2)" while the page shows no first one (it is
held, or was removed). Named comments are cited by their name and have no number.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext

from .models import Comment

MINUTES_A_DAY = 24 * 60


def minute_of(moment: datetime.datetime) -> int:
    """Minutes since midnight in the site's zone: the time a label shows."""
    local = moment.astimezone(timezone.get_default_timezone())
    return local.hour * 60 + local.minute


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def label_text(minute: int, number: int | None, anonymous: str) -> str:
    """ "Anonymous 23:42" for the first of its minute, "Anonymous 23:42 (2)" after it."""
    suffix = f" ({number})" if number is not None and number > 1 else ""
    return f"{anonymous} {clock(minute)}{suffix}"


def entry_minute(entry) -> int:
    """A page entry's stored minute, or (for a row written around the app) its time's."""
    if entry.label_minute is not None:
        return entry.label_minute
    return minute_of(datetime.datetime.fromtimestamp(entry.submitted_ts, datetime.UTC))


def label_anonymous(entries) -> None:
    """Give each anonymous entry of a page its label; a placeholder has no name."""
    anonymous = gettext("Anonymous")
    removed = gettext("a removed comment")
    for entry in entries:
        if entry.placeholder:
            entry.label = removed
        elif not entry.author_name:
            entry.label = label_text(entry_minute(entry), entry.label_number, anonymous)


def label_of(comment: Comment) -> str:
    """The label the post page gives ``comment``: its name, or "Anonymous 13:41 (2)"."""
    if comment.author_name:
        return comment.author_name
    minute = comment.label_minute
    if minute is None:
        minute = minute_of(comment.submitted_at)
    return label_text(minute, comment.label_number, gettext("Anonymous"))


def labels_for_post(post_id: int) -> dict[int, str]:
    """id → label of the post's approved anonymous comments. One query (for the feed and
    search)."""
    rows = Comment.objects.filter(
        post_id=post_id, status=Comment.Status.APPROVED, author_name=""
    ).only("id", "author_name", "submitted_at", "label_minute", "label_number")
    return {comment.pk: label_of(comment) for comment in rows}
