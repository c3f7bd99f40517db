"""Mail to readers who asked for it: replies to their comment, and moderators' edits.

Called after the transaction that published the reply (or the edit) commits. Every
message carries a signed one-click unsubscribe link (and List-Unsubscribe headers).
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext as _

from comments.models import Comment

SALT = "colloquy.unsubscribe"


def unsubscribe_token(email: str) -> str:
    return signing.dumps(email.strip().lower(), salt=SALT, compress=True)


def email_from_token(token: str) -> str | None:
    try:
        return signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(*, to: str, subject: str, body: str) -> None:
    link = _absolute(reverse("moderation:unsubscribe", args=[unsubscribe_token(to)]))
    text = body + "\n\n" + _("Stop these emails with one click: %(link)s") % {"link": link}
    EmailMessage(
        subject=subject,
        body=text,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()


def reply_published(reply_id: int) -> None:
    reply = (
        Comment.objects.select_related("post", "reply_to")
        .filter(pk=reply_id, status=Comment.Status.APPROVED)
        .first()
    )
    answered = reply.reply_to if reply else None
    if answered is None or not answered.notify_replies or not answered.author_email:
        return
    if answered.author_email.lower() == (reply.author_email or "").lower():
        return  # nobody needs mail about their own reply
    _send(
        to=answered.author_email,
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
    note = comment.edit_note or _("(no public note)")
    _send(
        to=comment.author_email,
        subject=_("A moderator edited your comment on “%(title)s”") % {"title": comment.post.title},
        body=_(
            "A moderator edited your comment. Their note: %(note)s\n\n"
            "Your comment now reads:\n\n%(body)s\n\nSee it: %(link)s"
        )
        % {"note": note, "body": comment.body, "link": _absolute(comment.get_absolute_url())},
    )


def comment_not_published(comment_id: int, reason: str) -> None:
    """One mail to the writer of a comment a moderator rejected or removed, with their text
    and the moderator's reason. Only where reply mail may go: they left an email and asked
    to hear about replies."""
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None or comment.status not in (Comment.Status.REJECTED, Comment.Status.REMOVED):
        return
    if not comment.notify_replies or not comment.author_email:
        return
    _send(
        to=comment.author_email,
        subject=_("Your comment on “%(title)s” was not published") % {"title": comment.post.title},
        body=_(
            "A moderator did not publish your comment. Their reason: %(reason)s\n\n"
            "What you wrote:\n\n%(body)s"
        )
        % {"reason": reason or _("(none given)"), "body": comment.body},
    )
