"""Submitting a comment: the one way a comment comes into being.

Moderators' actions on existing comments live in ``moderation.services``.
"""

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blog.models import Post
from core import pagecache
from core.dbcopy import copy_objects, insert_object

from . import identity, tree
from .limits import MAX_NAME
from .models import Comment, CommentRevision
from .permissions import badge_on_post
from .policy import after_insert, after_insert_many, assess, count_attempt
from .reasons import Reason
from .text import clean_input, clean_line, normalise_whitespace, render_comment
from .validation import validate_text

# One answer for a parent that does not exist, is hidden, or belongs to another post: a
# different answer would tell a prober which comments exist.
PARENT_UNAVAILABLE = gettext_lazy("The comment you are replying to is not available.")


def max_depth() -> int:
    return settings.COMMENTS_MAX_DEPTH


def hash_ip(ip: str) -> str:
    """Keep a salted hash, not the address: enough to throttle and spot repeat senders."""
    if not ip:
        return ""
    return salted_hmac("comments.ip", ip).hexdigest()


def is_visible_parent(parent: Comment, post: Post) -> bool:
    """``parent`` is a comment a reader of ``post`` sees (the caller found ``post`` among
    the posts the reader may see): approved, and on this post."""
    return parent.post_id == post.pk and parent.is_visible


@dataclass
class Submission:
    """What a reader sent, before validation."""

    body: str
    author_name: str = ""
    author_email: str = ""
    quote: str = ""
    notify_replies: bool = False
    honeypot: str = ""


def comment_submit(
    *,
    post: Post,
    submission: Submission,
    parent: Comment | None = None,
    user: User | AnonymousUser | None = None,
    ip: str = "",
    user_agent: str = "",
) -> Comment:
    """Validate and store a new comment; its status comes from the policy hook.

    Raises ValidationError (keyed by form field where there is one) and stores nothing
    when the post is closed, the parent is not a visible comment of this post, the text
    is empty or too long, or the quote is not in the comment it answers. Every call counts
    against the address's rate limit first (``SubmissionRefused`` past it), refused or not.
    A parent that is not visible is refused before its text is looked at.
    """
    body = clean_input(submission.body)
    name = clean_line(submission.author_name)
    quote = normalise_whitespace(clean_input(submission.quote))
    user = user if user is not None and user.is_authenticated else None
    ip_hash = hash_ip(ip)
    count_attempt(post=post, user=user, ip_hash=ip_hash)

    # A parent the reader may not see is refused before its text is looked at.
    parent_shown = parent is None or is_visible_parent(parent, post)
    errors: dict[str, list[str]] = {}
    if user is not None:
        # Signed in: the account speaks, under its own name; a typed name is ignored.
        name = identity.account_name(user)
        if not name:
            errors["__all__"] = [identity.no_account_name_message()]
    elif identity.name_refused(name):
        errors["author_name"] = [identity.refusal_message(name)]
    if not post.comments_are_open():
        errors["__all__"] = [_("Comments are closed on this post.")]
    errors |= validate_text(
        body=body,
        name=name,
        quote=quote if parent_shown and parent is not None else "",
        quoted_from=[parent.body] if parent is not None else None,
    )
    if not parent_shown:
        errors["parent"] = [str(PARENT_UNAVAILABLE)]
    elif quote and parent is None:
        errors["quote"] = [_("A quote needs a comment to reply to.")]
    if errors:
        raise ValidationError(errors)

    comment = Comment(
        post=post,
        reply_to=parent,
        parent=parent,
        author_name=name,
        author_email=(submission.author_email or (user.email if user else "")).strip(),
        user=user,
        role=badge_on_post(user, post),
        body=body,
        quote=quote,
        ip_hash=ip_hash,
        user_agent=user_agent[:300],
        notify_replies=submission.notify_replies,
    )
    if parent is not None and parent.level >= max_depth() - 1:
        # Too deep to indent further: sit beside the answered comment, keep the quote.
        comment.parent = tree.ancestor_at_level(parent, max_depth() - 2)
    assessment = assess(comment=comment, honeypot=submission.honeypot)
    comment.status = assessment.status
    comment.status_reasons = list(assessment.reasons)
    with transaction.atomic():
        tree.insert(comment)
        insert_object(
            CommentRevision(
                comment=comment,
                body=body,
                quote=quote,
                edited_by=user,
                reason="submitted",
                created_at=comment.submitted_at,
            )
        )
        after_insert(comment=comment, assessment=assessment, source="reader")
    return comment


def comment_create_as_is(*, post: Post, parent: Comment | None, body: str, status: str,
                         submitted_at: datetime.datetime, source: str,
                         **details: Any) -> Comment:  # fmt: skip
    """Store a comment that already exists elsewhere (demo content, an import), as it is.

    No policy and no reader-facing checks: the caller vouches for it, and names where it
    came from in ``source`` ("demo", "WordPress export …"). ``details``: see
    ``comment_as_is``; the storing: ``comment_insert_as_is``.
    """
    comment = comment_as_is(
        post=post, parent=parent, body=body, status=status, submitted_at=submitted_at,
        **details,
    )  # fmt: skip
    return comment_insert_as_is(comment=comment, source=source)


@transaction.atomic
def comment_insert_as_is(*, comment: Comment, source: str) -> Comment:
    """Store one comment built by ``comment_as_is``, as it is, with its first revision and
    the after-insert hook's audit event (one "imported" event naming ``source``).

    The tree is written under the same locks as any other insert; the submission time is
    the comment's own.
    """
    tree.insert(comment, stamp_time=False)
    CommentRevision.objects.create(
        comment=comment,
        body=comment.body,
        quote=comment.quote,
        reason=source,
        created_at=comment.submitted_at,
    )
    after_insert(comment=comment, assessment=None, source=source)
    return comment


def comment_as_is(
    *,
    post: Post,
    parent: Comment | None,
    body: str,
    status: str,
    submitted_at: datetime.datetime,
    author_name: str = "",
    author_email: str = "",
    quote: str = "",
    user: User | None = None,
    role: str = "",
    author_url: str = "",
    ip: str = "",
    user_agent: str = "",
    ip_hash: str = "",
    status_reasons: list[Reason] | None = None,
    edit_note: str = "",
    edited_at: datetime.datetime | None = None,
) -> Comment:
    """A comment from elsewhere, cleaned and not yet saved: for the functions here.

    What another site (or our own export) carried over is kept as it was: ``ip_hash``
    when the address itself is not known (our exports carry the hash), why it is held
    (``status_reasons``), and a moderator's public ``edit_note`` and ``edited_at``.
    """
    body = clean_input(body)
    return Comment(
        post=post,
        parent=parent,
        reply_to=parent,
        author_name=clean_line(author_name)[:MAX_NAME],
        author_email=author_email,
        author_url=author_url,
        user=user,
        role=role,
        body=body,
        body_html=render_comment(body),
        quote=normalise_whitespace(clean_input(quote)),
        status=status,
        submitted_at=submitted_at,
        ip_hash=hash_ip(ip) if ip else ip_hash,
        user_agent=user_agent[:300],
        status_reasons=list(status_reasons or []),
        edit_note=clean_line(edit_note)[:300],
        edited_at=edited_at,
    )


@transaction.atomic(savepoint=False)
def comment_link_imported_reply(*, comment: Comment, answered: Comment) -> bool:
    """An imported reply, flattened under an ancestor because the old site nested deeper
    than this one, answers ``answered``: the link its import could not set while
    ``answered`` was not stored yet (it may come later in the thread's order).

    Part of the comment's arrival in the same import, whose "imported" event covers it:
    no event of its own. False, and nothing changed, when ``answered`` is on another post.
    """
    if answered.post_id != comment.post_id:
        return False
    # This one column: the nested-set values in hand may be stale after later inserts.
    Comment.objects.filter(pk=comment.pk).update(reply_to=answered)
    comment.reply_to = answered
    return True


@transaction.atomic(savepoint=False)
def comments_create_as_is(*, comments: list[Comment], sources: list[str]) -> list[Comment]:
    """Store whole new threads from elsewhere at once (an import of thousands).

    ``comments`` come from ``comment_as_is``, parents before their replies, each parent
    in the list; ``sources`` says where each came from. The same rows as
    ``comment_create_as_is`` one by one (nested set, first revision, the after-insert
    hook's audit rows), written with a ``COPY`` a table; the pages of their posts are
    retired once each. No savepoint of its own: a failure fails the import around it.
    """
    tree.insert_threads(comments)
    copy_objects(
        CommentRevision,
        (
            CommentRevision(
                comment_id=comment.pk,
                body=comment.body,
                quote=comment.quote,
                reason=source,
                created_at=comment.submitted_at,
            )  # fmt: skip
            for comment, source in zip(comments, sources, strict=True)
        ),
    )
    after_insert_many(comments=comments, sources=sources)
    for post_id in {comment.post_id for comment in comments}:
        transaction.on_commit(functools.partial(pagecache.bump, post_id))
    return comments
