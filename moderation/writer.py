"""A writer's own corrections: editing or withdrawing their comment in the window after
posting (``comments.own_edit`` says who and until when, and why not).

Like every change to a comment (``moderation.services``): keyword-only functions with
the acting person, in a transaction, the row locked, one audit event each, the text's
earlier versions kept as revisions. They live here, not in comments, because a correction
is judged again by the policy's rules about text (``policy.assess_text``): one that now
has too many links, a watched word or a spammy score goes back to the queue (or to
spam), and the audit row says why.
"""

from collections.abc import Collection

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comments import own_edit, tree
from comments.models import Comment, CommentRevision
from comments.reasons import describe_all
from comments.text import clean_input
from comments.validation import validate_text

from .models import ModerationEvent
from .policy import assess_text
from .transitions import locked, record

Status = Comment.Status
Action = ModerationEvent.Action
WRITER_REASON = "corrected by its writer"


def _locked_for_writer(comment: Comment, *, actor, own_ids: Collection[int]) -> Comment:
    """``comment`` re-read with its thread locked (a reply being stored waits, one stored
    is seen), once the writer is shown to be allowed; PermissionDenied with the reason
    otherwise."""
    tree.lock_thread_of(comment)
    comment = locked(comment)
    problem = own_edit.refusal(comment, user=actor, own_ids=own_ids)
    if problem:
        raise PermissionDenied(problem)
    return comment


def _account(actor):
    return actor if actor is not None and actor.is_authenticated else None


@transaction.atomic
def comment_edit_own(*, comment: Comment, actor, own_ids: Collection[int], body: str) -> Comment:
    """The writer's correction of their comment's text (the quote stays as it was).

    A correction that trips a rule about text takes an approved or held comment to the
    queue (or to spam); one filed as spam stays there.

    ``actor`` is the request's user (anonymous or not), ``own_ids`` the ids in their
    signed cookie. Raises PermissionDenied (not theirs, too late, replied to) or
    ValidationError (empty, too long, unchanged); stores nothing then.
    """
    comment = _locked_for_writer(comment, actor=actor, own_ids=own_ids)
    new_body = clean_input(body)
    errors = validate_text(body=new_body)
    if not errors and new_body == comment.body:
        errors["body"] = [_("Nothing changed.")]
    if errors:
        raise ValidationError(errors)
    if not comment.revisions.exists():  # a comment from before revisions: keep its text
        CommentRevision.objects.create(
            comment=comment, body=comment.body, quote=comment.quote, reason="original"
        )
    from_status = comment.status
    comment.body = new_body
    comment.writer_edited_at = timezone.now()
    update = ["body", "writer_edited_at"]
    assessment = assess_text(comment=comment)
    if from_status != Status.SPAM and assessment.status != Status.APPROVED:
        # Trips a rule now: back to the queue (or to spam), with why, like a new comment.
        comment.status = assessment.status
        earlier = comment.status_reasons if from_status == Status.PENDING else []
        comment.status_reasons = [*earlier, *(r for r in assessment.reasons if r not in earlier)]
        update += ["status", "status_reasons"]
    comment.save(update_fields=update)
    CommentRevision.objects.create(
        comment=comment,
        body=new_body,
        quote=comment.quote,
        edited_by=_account(actor),
        reason=WRITER_REASON,
        created_at=comment.writer_edited_at,
    )
    reason = WRITER_REASON
    if comment.status != from_status:
        reason += ": " + "; ".join(describe_all(assessment.reasons))
    record(
        comment=comment, actor=_account(actor), action=Action.WRITER_EDITED,
        from_status=from_status, to_status=comment.status, reason=reason,
    )  # fmt: skip
    return comment


@transaction.atomic
def comment_withdraw_own(*, comment: Comment, actor, own_ids: Collection[int]) -> Comment:
    """The writer takes their comment back: it is no longer shown to anyone, and kept
    (text and revisions) for moderators, as nothing a reader wrote is deleted here."""
    comment = _locked_for_writer(comment, actor=actor, own_ids=own_ids)
    from_status = comment.status
    comment.status = Status.WITHDRAWN
    comment.save(update_fields=["status"])
    record(
        comment=comment, actor=_account(actor), action=Action.WITHDRAWN,
        from_status=from_status, to_status=Status.WITHDRAWN, reason="withdrawn by its writer",
    )  # fmt: skip
    return comment
