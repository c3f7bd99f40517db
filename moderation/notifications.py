"""Mail to readers who asked for it: replies to their comment, and moderators' edits.

Called inside the transaction that published the reply (or made the edit): each mail is
queued in the outbox (``core.outbox``) with the change, so a rolled-back change mails
nothing, and the worker sends it after the commit, never the reader's request. Every
message carries a signed one-click unsubscribe link (and List-Unsubscribe headers).

Double opt-in: such mail goes only to an address its owner confirmed. Ticking "notify
me" with an unconfirmed address first mails it one signed, expiring confirmation link
(at most one pending per address, so the form cannot flood an inbox); so does a held
comment from a returning reader, whose earlier comments vouch for them only once they
confirm.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from comments import addresses
from comments.models import Comment
from comments.text import normalise_email, same_email
from core import outbox

SALT = "colloquy.unsubscribe"
CONFIRM_SALT = "colloquy.confirm-email"


def unsubscribe_token(email: str) -> str:
    return signing.dumps(normalise_email(email), salt=SALT, compress=True)


def email_from_token(token: str) -> str | None:
    try:
        return signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None


def confirmation_period() -> datetime.timedelta:
    """How long a confirmation link works, and how long before the next may be mailed."""
    return datetime.timedelta(hours=settings.COMMENTS_EMAIL_CONFIRMATION_HOURS)


def confirmation_token(email: str) -> str:
    return signing.dumps(normalise_email(email), salt=CONFIRM_SALT, compress=True)


def email_from_confirmation_token(token: str) -> str:
    """The address a confirmation link was mailed to.

    Raises ``signing.SignatureExpired`` for a link older than ``confirmation_period()``
    and ``signing.BadSignature`` for one that is not ours (altered, truncated, another
    kind of link).
    """
    email = signing.loads(token, salt=CONFIRM_SALT, max_age=confirmation_period())
    if not isinstance(email, str) or not normalise_email(email):
        raise signing.BadSignature("no address in this token")
    return email


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(*, to: str, subject: str, body: str, kind: str) -> None:
    """Queue a mail to a reader, with its one-click unsubscribe link."""
    link = _absolute(reverse("moderation:unsubscribe", args=[unsubscribe_token(to)]))
    text = body + "\n\n" + _("Stop these emails with one click: %(link)s") % {"link": link}
    outbox.enqueue(
        to=to,
        subject=subject,
        body=text,
        kind=kind,
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def reply_published(reply_id: int) -> None:
    reply = Comment.objects.visible().select_related("post", "reply_to").filter(pk=reply_id).first()
    answered = reply.reply_to if reply else None
    if answered is None or not answered.notify_replies or not answered.author_email:
        return
    if same_email(answered.author_email, reply.author_email):
        return  # nobody needs mail about their own reply
    if not addresses.is_confirmed(answered.author_email):
        return  # double opt-in: only an address whose owner confirmed it gets mail
    _send(
        to=answered.author_email,
        kind="reply",
        subject=_("%(name)s replied to your comment on “%(title)s”")
        % {"name": reply.display_name, "title": reply.post.title},
        body=_("%(name)s wrote:\n\n%(body)s\n\nRead it in context: %(link)s")
        % {
            "name": reply.display_name,
            "body": reply.body,
            "link": _absolute(reply.get_absolute_url()),
        },
    )


def comment_edited(comment_id: int) -> None:
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None or not comment.notify_replies or not comment.author_email:
        return
    if not addresses.is_confirmed(comment.author_email):
        return
    note = comment.edit_note or _("(no public note)")
    _send(
        to=comment.author_email,
        kind="edited",
        subject=_("A moderator edited your comment on “%(title)s”") % {"title": comment.post.title},
        body=_(
            "A moderator edited your comment. Their note: %(note)s\n\n"
            "Your comment now reads:\n\n%(body)s\n\nSee it: %(link)s"
        )
        % {"note": note, "body": comment.body, "link": _absolute(comment.get_absolute_url())},
    )


def confirmation_requested(comment_id: int) -> None:
    """Mail a confirmation link to a comment's unconfirmed address, if it asked for replies
    or is a returning reader's held comment (their approved comments vouch for them only
    once they confirm), and no link to it is pending.

    The mail carries nothing the commenter wrote (name or text): whoever typed the address
    may not own it, and must not be able to put their words in its owner's inbox.
    """
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is not None:
        new_comment_confirmation(comment)


def new_comment_confirmation(comment: Comment, writer: addresses.Standing | None = None) -> None:
    """``confirmation_requested`` for a comment in hand, just stored (its post loaded).

    ``writer``: the address's standing as the policy read it for this comment, if it did;
    then nothing is read again, and a reader whose link is pending (most of those who
    comment often) costs no query at all.
    """
    if not comment.author_email:
        return
    if writer is None:
        writer = addresses.standing(comment.author_email)
    if writer.confirmed:
        return
    returning = comment.status == Comment.Status.PENDING and writer.approved_comment
    if not (comment.notify_replies or returning):
        return
    if writer.link_pending(confirmation_period(), timezone.now()):
        return  # the claim would refuse: one link per address per period
    claimed_at = addresses.confirmation_mail_claim(
        address=comment.author_email, period=confirmation_period(), ip_hash=comment.ip_hash
    )
    if claimed_at is None:
        return  # a link is pending already (per address, per mailbox), or the sender's limit
    link = _absolute(
        reverse("moderation:confirm_email", args=[confirmation_token(comment.author_email)])
    )
    body = _(
        "Someone, we hope you, commented on “%(title)s” at %(site)s with this address.\n\n"
        "To confirm that this address is yours, open this link within %(hours)d hours:\n"
        "%(link)s\n\n"
        "Once you have, you get the reply emails you ask for, and a comment sent with this "
        "address after one of its comments was approved need not wait for a moderator. "
        "Until then we send nothing else to this address. If it was not you, ignore this "
        "email: the link expires by itself."
    ) % {
        "title": comment.post.title,
        "site": settings.SITE_NAME,
        "hours": settings.COMMENTS_EMAIL_CONFIRMATION_HOURS,
        "link": link,
    }
    subject = _("Confirm your email address for %(site)s") % {"site": settings.SITE_NAME}
    # Queued with the claim in one transaction: the outbox retries until it is delivered.
    outbox.enqueue(to=comment.author_email, subject=subject, body=body, kind="confirmation")


def comment_not_published(comment_id: int, reason: str) -> None:
    """One mail to the writer of a comment a moderator rejected or removed, with their text
    and the moderator's reason. Only where reply mail may go: they left an email, asked to
    hear about replies, and confirmed the address."""
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None or comment.status not in (Comment.Status.REJECTED, Comment.Status.REMOVED):
        return
    if not comment.notify_replies or not comment.author_email:
        return
    if not addresses.is_confirmed(comment.author_email):
        return  # the same rule as reply mail: only an address its owner confirmed
    _send(
        to=comment.author_email,
        kind="not_published",
        subject=_("Your comment on “%(title)s” was not published") % {"title": comment.post.title},
        body=_(
            "A moderator did not publish your comment. Their reason: %(reason)s\n\n"
            "What you wrote:\n\n%(body)s"
        )
        % {"reason": reason or _("(none given)"), "body": comment.body},
    )
