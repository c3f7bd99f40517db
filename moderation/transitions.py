"""How a moderator's action moves a comment's status: the table of transitions, the row
lock, the audit row and the mail queued with it.

``moderation.services`` builds its public functions (``comment_approve`` …) from
``TRANSITIONS`` and uses ``record`` and ``locked`` for every other change; nothing else
calls these directly.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments.models import Comment
from comments.permissions import can_moderate
from core.dbcopy import insert_object

from . import notifications
from .models import ModerationEvent

Status = Comment.Status
Action = ModerationEvent.Action


class InvalidTransition(ValidationError):
    """The comment is not in a state this action applies to."""


def record(*, comment, actor, action, from_status="", to_status="", reason="") -> None:
    event = ModerationEvent(
        comment=comment,
        comment_ref=comment.pk,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )
    insert_object(event)  # one per comment posted: the INSERT is built once


def locked(comment: Comment) -> Comment:
    return Comment.objects.select_for_update().select_related("post").get(pk=comment.pk)


@dataclass(frozen=True)
class Transition:
    """One moderator's action on a comment's status: the event it writes, the status it
    leads to ("" for a restore: back to where the removal found it), the statuses it may
    start from, and the message when it needs a reason and has none."""

    action: str
    to_status: str
    allowed_from: frozenset[str]
    reason_required: str | Promise = ""  # a lazily translated message


TRANSITIONS = {
    "comment_approve": Transition(
        Action.APPROVED, Status.APPROVED, frozenset({Status.PENDING, Status.REJECTED})
    ),
    "comment_reject": Transition(
        Action.REJECTED, Status.REJECTED, frozenset({Status.PENDING, Status.APPROVED})
    ),
    "comment_mark_spam": Transition(
        Action.SPAM, Status.SPAM, frozenset({Status.PENDING, Status.APPROVED, Status.REJECTED})
    ),
    "comment_mark_not_spam": Transition(Action.NOT_SPAM, Status.APPROVED, frozenset({Status.SPAM})),
    "comment_remove": Transition(
        Action.REMOVED,
        Status.REMOVED,
        frozenset({Status.APPROVED, Status.PENDING}),
        reason_required=gettext_lazy("Say why the comment is removed."),
    ),
    "comment_restore": Transition(Action.RESTORED, "", frozenset({Status.REMOVED})),
}


def _status_before_removal(comment: Comment) -> str:
    """Where a restore goes: the status the last removal found (a held comment goes back
    to the queue), approved when no removal says."""
    removal = (
        ModerationEvent.objects.filter(comment_ref=comment.pk, to_status=Status.REMOVED)
        .order_by("-created_at", "-id")
        .first()
    )
    return removal.from_status if removal and removal.from_status else Status.APPROVED


def refusal(*, comment: Comment, transition: Transition) -> str:
    """Why ``transition`` does not apply to ``comment`` in its current status, or ""."""
    if comment.status in transition.allowed_from:
        return ""
    message = _("Comment %(id)s is %(status)s; it cannot be %(action)s.")
    status = comment.get_status_display().lower()
    action = Action(transition.action).label
    return message % {"id": comment.pk, "status": status, "action": action}


def apply(*, comment, actor, transition: Transition, reason: str) -> Comment:
    if transition.reason_required and not reason.strip():
        raise ValidationError({"reason": str(transition.reason_required)})
    if not can_moderate(actor, comment):
        raise PermissionDenied(_("You may not moderate this comment."))
    to_status = transition.to_status or _status_before_removal(comment)
    comment = locked(comment)
    if problem := refusal(comment=comment, transition=transition):
        raise InvalidTransition(problem)
    from_status = comment.status
    # A reply is announced to the reader it answers once, not again on every restore.
    announced = ModerationEvent.objects.filter(
        comment_ref=comment.pk, to_status=Status.APPROVED
    ).exists()
    comment.status = to_status
    comment.save(update_fields=["status"])
    record(
        comment=comment,
        actor=actor,
        action=transition.action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )
    # Mail is queued in this transaction (the outbox); the worker sends it after the commit.
    if to_status == Status.APPROVED and not announced:
        notifications.reply_published(comment.pk)
    elif to_status in (Status.REJECTED, Status.REMOVED):
        notifications.comment_not_published(comment.pk, reason)
    return comment
