"""Why a moderator's change would be refused: read-only checks, by form field.

The admin's change form asks them while validating; the services in
``moderation.services`` ask them again under the row lock, so each rule is written (and
worded) once.
"""

from django.utils.translation import gettext as _

from comments.limits import NOTE_LIMIT
from comments.models import Comment, CommentRevision
from comments.text import clean_input, normalise_whitespace
from comments.validation import validate_text

from .transitions import TRANSITIONS, refusal


def quote_sources(comment: Comment) -> list[str]:
    """Every text the answered comment has had: a quote may come from any of them."""
    if comment.reply_to_id is None:
        return []
    return list(
        CommentRevision.objects.filter(comment_id=comment.reply_to_id).values_list(
            "body", flat=True
        )
    )


def edit_problems(
    *,
    comment: Comment,
    reason: str,
    body: str | None = None,
    quote: str | None = None,
    public_note: str = "",
) -> dict[str, list[str]]:
    """What stands in the way of an edit, by form field; empty when it may be saved.

    Read-only: the admin's change form asks it while validating, and ``comment_edit``
    asks again under the row lock, so each rule has one wording.
    """
    new_body, new_quote = new_text(comment, body, quote)
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("Say why you are changing this comment.")]
    elif len(reason.strip()) > NOTE_LIMIT:
        errors["reason"] = [
            _("Keep the reason under %(limit)d characters.") % {"limit": NOTE_LIMIT}
        ]
    if len(public_note.strip()) > NOTE_LIMIT:
        errors["public_note"] = [
            _("Keep the public note under %(limit)d characters.") % {"limit": NOTE_LIMIT}
        ]
    # An unchanged quote stands as it is, even if the answered comment changed since.
    changed_quote = new_quote if new_quote != comment.quote else ""
    errors |= validate_text(
        body=new_body,
        quote=changed_quote,
        quoted_from=quote_sources(comment) if changed_quote else None,
    )
    if not errors and (new_body, new_quote) == (comment.body, comment.quote):
        errors["body"] = [_("Nothing changed.")]
    return errors


def approval_problem(*, comment: Comment) -> str:
    """Why ``comment`` cannot be approved as it stands, or "" (read-only, like
    ``edit_problems``; ``comment_approve`` checks again under the row lock)."""
    return refusal(comment=comment, transition=TRANSITIONS["comment_approve"])


def new_text(comment: Comment, body: str | None, quote: str | None) -> tuple[str, str]:
    new_body = comment.body if body is None else clean_input(body)
    new_quote = comment.quote if quote is None else normalise_whitespace(clean_input(quote))
    return new_body, new_quote
