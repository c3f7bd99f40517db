"""Submitting a comment: the one way a comment comes into being.

Moderators' actions on existing comments live in ``moderation.services``.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import tree
from .limits import MAX_NAME
from .models import Comment, CommentRevision
from .permissions import role_on_post
from .policy import after_insert, assess, count_attempt
from .text import clean_input, clean_line, normalise_whitespace
from .validation import validate_text

# One answer for a parent that does not exist, is hidden, or belongs to another post: a
# different answer would tell a prober which comments exist.
PARENT_UNAVAILABLE = gettext_lazy("The comment you are replying to is not available.")


def max_depth() -> int:
    return getattr(settings, "COMMENTS_MAX_DEPTH", 4)


def hash_ip(ip: str) -> str:
    """Keep a salted hash, not the address: enough to throttle and spot repeat senders."""
    if not ip:
        return ""
    return salted_hmac("comments.ip", ip).hexdigest()


def is_visible_parent(parent: Comment, post) -> bool:
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
    post,
    submission: Submission,
    parent: Comment | None = None,
    user=None,
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
    if user is not None and not name:
        profile = getattr(user, "author_profile", None)
        name = profile.display_name if profile else (user.get_full_name() or user.get_username())
    ip_hash = hash_ip(ip)
    count_attempt(post=post, user=user, ip_hash=ip_hash)

    # A parent the reader may not see is refused before its text is looked at.
    parent_shown = parent is None or is_visible_parent(parent, post)
    errors: dict[str, list[str]] = {}
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
        role=role_on_post(user, post),
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
        CommentRevision.objects.create(
            comment=comment,
            body=body,
            quote=quote,
            edited_by=user,
            reason="submitted",
            created_at=comment.submitted_at,
        )
        after_insert(comment=comment, assessment=assessment, source="reader")
    return comment


@transaction.atomic
def comment_create_as_is(
    *,
    post,
    parent: Comment | None,
    body: str,
    status: str,
    submitted_at,
    source: str,
    author_name: str = "",
    author_email: str = "",
    quote: str = "",
    user=None,
    role: str = "",
    author_url: str = "",
    ip: str = "",
    user_agent: str = "",
) -> Comment:
    """Store a comment that already exists elsewhere (demo content, an import), as it is.

    No policy and no reader-facing checks: the caller vouches for it, and names where it
    came from in ``source`` ("demo", "WordPress export …"). The tree is still written under
    the same locks as any other insert.
    """
    body = clean_input(body)
    comment = Comment(
        post=post,
        parent=parent,
        reply_to=parent,
        author_name=clean_line(author_name)[:MAX_NAME],
        author_email=author_email,
        author_url=author_url,
        user=user,
        role=role,
        body=body,
        quote=normalise_whitespace(clean_input(quote)),
        status=status,
        submitted_at=submitted_at,
        ip_hash=hash_ip(ip),
        user_agent=user_agent[:300],
    )
    tree.insert(comment, stamp_time=False)
    CommentRevision.objects.create(
        comment=comment, body=body, quote=comment.quote, reason=source, created_at=submitted_at
    )
    after_insert(comment=comment, assessment=None, source=source)
    return comment
