"""Every change to an existing comment: plain functions with an actor, one audit event each.

Views, admin actions and management commands call these and nothing else; no code
changes a comment's status with ``queryset.update``. Mail is queued in the outbox in the
same transaction and sent by the worker, so a failing mail server never turns a saved
decision into an error, and a decision rolled back mails nothing.
Each function runs in a transaction, locks the comment's row, checks the actor's
permission and appends a ModerationEvent.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comments.models import Comment, CommentRevision
from comments.permissions import can_edit, can_erase, can_moderate  # re-exported for callers
from comments.policy import Assessment
from comments.reasons import describe_all
from comments.services import Submission, comment_submit
from comments.text import clean_input, normalise_whitespace
from core.dbcopy import copy_rows

from . import notifications, staff_mail
from .models import ModerationEvent
from .refusals import edit_problems, new_text
from .spam import scoring as spam_scoring
from .transitions import TRANSITIONS, InvalidTransition, Transition  # noqa: F401 - re-exported
from .transitions import apply as _transition
from .transitions import locked as _locked
from .transitions import record as _record

Status = Comment.Status
Action = ModerationEvent.Action


@transaction.atomic
def comment_approve(*, comment: Comment, actor: User, reason: str = "") -> Comment:
    """Publish a held (or rejected) comment; the reader it answers hears of it once."""
    return _transition(
        comment=comment, actor=actor, transition=TRANSITIONS["comment_approve"], reason=reason
    )


@transaction.atomic
def comment_reject(*, comment: Comment, actor: User, reason: str = "") -> Comment:
    """Refuse a held or published comment; its writer is told, with the reason."""
    return _transition(
        comment=comment, actor=actor, transition=TRANSITIONS["comment_reject"], reason=reason
    )


@transaction.atomic
def comment_mark_spam(*, comment: Comment, actor: User, reason: str = "") -> Comment:
    """File a comment as spam: hidden, and a decision the spam filter learns from."""
    return _transition(
        comment=comment, actor=actor, transition=TRANSITIONS["comment_mark_spam"], reason=reason
    )


@transaction.atomic
def comment_mark_not_spam(*, comment: Comment, actor: User, reason: str = "") -> Comment:
    """Publish a comment filed as spam: a decision the spam filter learns from."""
    return _transition(
        comment=comment, actor=actor, transition=TRANSITIONS["comment_mark_not_spam"], reason=reason
    )


@transaction.atomic
def comment_remove(*, comment: Comment, actor: User, reason: str = "") -> Comment:
    """Hide a published or held comment, keeping it; a reason is required."""
    return _transition(
        comment=comment, actor=actor, transition=TRANSITIONS["comment_remove"], reason=reason
    )


@transaction.atomic
def comment_restore(*, comment: Comment, actor: User, reason: str = "") -> Comment:
    """Undo a removal: back to the status the removal found."""
    return _transition(
        comment=comment, actor=actor, transition=TRANSITIONS["comment_restore"], reason=reason
    )


@transaction.atomic
def comment_edit(
    *,
    comment: Comment,
    actor: User,
    reason: str,
    body: str | None = None,
    quote: str | None = None,
    public_note: str = "",
    action: str = Action.EDITED,
) -> Comment:
    """Change a comment's text and/or quote, keeping every earlier version as a revision."""
    if not can_edit(actor, comment):
        raise PermissionDenied(_("Only moderators may edit comments."))
    comment = _locked(comment)
    errors = edit_problems(
        comment=comment, reason=reason, body=body, quote=quote, public_note=public_note
    )
    if errors:
        raise ValidationError(errors)
    new_body, new_quote = new_text(comment, body, quote)

    if not comment.revisions.exists():  # a comment from before revisions: keep its text
        CommentRevision.objects.create(
            comment=comment, body=comment.body, quote=comment.quote, reason="original"
        )
    comment.body, comment.quote = new_body, new_quote
    comment.edited_at = timezone.now()
    comment.edit_note = public_note.strip()
    comment.save(update_fields=["body", "body_html", "quote", "edited_at", "edit_note"])
    CommentRevision.objects.create(
        comment=comment,
        body=new_body,
        quote=new_quote,
        edited_by=actor,
        reason=reason.strip(),
        created_at=comment.edited_at,
    )
    _record(
        comment=comment,
        actor=actor,
        action=action,
        from_status=comment.status,
        to_status=comment.status,
        reason=reason.strip(),
    )
    notifications.comment_edited(comment.pk)  # queued with the edit, sent by the worker
    return comment


@transaction.atomic
def comment_edit_and_approve(
    *,
    comment: Comment,
    actor: User,
    reason: str = "",
    body: str | None = None,
    quote: str | None = None,
    public_note: str = "",
) -> Comment:
    """ "Save and approve": the edit (when text is given) and the approval, both or neither."""
    if body is not None or quote is not None:
        comment = comment_edit(
            comment=comment, actor=actor, reason=reason, body=body, quote=quote,
            public_note=public_note,
        )  # fmt: skip
    return comment_approve(comment=comment, actor=actor)


@transaction.atomic
def comment_restore_revision(
    *, comment: Comment, revision: CommentRevision, actor: User, reason: str, public_note: str = ""
) -> Comment:
    if revision.comment_id != comment.pk:
        raise ValidationError(_("That revision belongs to another comment."))
    return comment_edit(
        comment=comment,
        actor=actor,
        reason=reason,
        body=revision.body,
        quote=revision.quote,
        public_note=public_note,
        action=Action.REVISION_RESTORED,
    )


@transaction.atomic
def comment_approve_and_reply(
    *, comment: Comment, actor: User, body: str, quote: str = ""
) -> tuple[Comment, Comment]:
    """Approve a held comment (if it is held) and answer it, as the acting author or
    moderator. The reply is approved at once by the policy."""
    if not can_moderate(actor, comment):
        raise PermissionDenied(_("You may not moderate this comment."))
    if comment.status != Status.APPROVED:
        comment = comment_approve(comment=comment, actor=actor)
    reply = comment_submit(
        post=comment.post,
        submission=Submission(body=body, quote=quote),
        parent=comment,
        user=actor,
    )
    return comment, reply


@transaction.atomic
def comment_erase(*, comment: Comment, actor: User, reason: str) -> None:
    """Delete what a person wrote, for a data-removal request. Superusers only.

    A comment with replies keeps its place (so the thread keeps its shape) but loses its
    text, name, email and revisions; one without replies is deleted. Either way the
    audit log keeps a line saying who erased it and why.
    """
    if not can_erase(actor):
        raise PermissionDenied(_("Only superusers may erase comments."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say which request this erasure answers.")})
    comment = _locked(comment)
    from comments import tree

    tree.lock_thread_of(comment)
    keeps_place = comment.get_descendant_count() > 0
    _record(
        comment=comment, actor=actor, action=Action.ERASED, from_status=comment.status,
        to_status=Status.REMOVED if keeps_place else "", reason=reason.strip(),
    )  # fmt: skip
    comment.revisions.all().delete()
    spam_scoring.forget_words(comment=comment)  # the spam filter's note of its words
    # The erased words must not live on in the quotes of the replies to it.
    for reply in Comment.objects.filter(reply_to=comment).exclude(quote=""):
        reply.quote = ""
        reply.save(update_fields=["quote"])
        reply.revisions.exclude(quote="").update(quote="")
    if keeps_place:
        comment.status = Status.REMOVED
        comment.body, comment.quote, comment.author_name, comment.author_email = "", "", "", ""
        comment.ip_hash = comment.user_agent = ""
        comment.save()
    else:
        comment.delete()


def comments_imported(*, comments: list[Comment], sources: list[str]) -> None:
    """One "imported" event per comment, in one ``COPY`` (registered as ``after_insert_many``
    in moderation/apps.py).

    The rows ``comment_inserted`` writes for an import, without a model instance each.
    """
    reasons: dict[str, str] = {}
    for source in sources:
        if source not in reasons:
            reasons[source] = _("imported from %(source)s") % {"source": source}
    column_of = {field.name: field.column for field in ModerationEvent._meta.concrete_fields}
    columns = [column_of[name] for name in IMPORTED_EVENT_FIELDS]
    copy_rows(
        ModerationEvent._meta.db_table,
        columns,
        (
            [comment.pk, comment.pk, None, Action.IMPORTED.value, "", comment.status,
             reasons[source], timezone.now()]
            for comment, source in zip(comments, sources, strict=True)
        ),
    )  # fmt: skip


IMPORTED_EVENT_FIELDS = ("comment", "comment_ref", "actor", "action", "from_status",
                         "to_status", "reason", "created_at")  # fmt: skip


def comment_inserted(*, comment: Comment, assessment: Assessment | None, source: str) -> None:
    """The policy's decision (or the import) as an event (registered as ``after_insert`` in
    moderation/apps.py)."""
    if assessment is None:
        _record(
            comment=comment, actor=None, action=Action.IMPORTED, to_status=comment.status,
            reason=_("imported from %(source)s") % {"source": source},
        )  # fmt: skip
    else:
        reason = "; ".join(describe_all(assessment.reasons)) or _("approved by policy")
        _record(
            comment=comment, actor=None, action=Action.SUBMITTED, to_status=comment.status,
            reason=reason,
        )  # fmt: skip
        if isinstance(assessment, spam_scoring.LearnedAssessment) and assessment.spam:
            spam_scoring.record(comment=comment, verdict=assessment.spam)
    answered = comment.reply_to
    if (
        comment.status == Status.APPROVED
        and source == "reader"
        and answered is not None
        and answered.notify_replies  # else no mail to send: spare the query
    ):
        notifications.reply_published(comment.pk)  # queued in this transaction
    if source == "reader" and (comment.notify_replies or comment.status == Status.PENDING):
        # The comment in hand and what the policy read of its address: nothing is read
        # again unless a link may be due.
        writer = assessment.writer if assessment is not None else None
        notifications.new_comment_confirmation(comment, writer)
    if source == "reader" and comment.status == Status.PENDING:
        staff_mail.comment_held(comment)  # the moderators and the post's author


IMPORT_STATUSES = {Status.PENDING, Status.APPROVED, Status.REJECTED, Status.SPAM}
IMPORT_FIELDS = {"body", "quote", "status", "author_name", "author_email", "author_url"}


@transaction.atomic
def comment_update_from_import(*, comment: Comment, fields: dict, source: str) -> list[str]:
    """A newer export of a comment's site changed it: its text, status or commenter.

    The actor is the import (run by the site's operator), so there is no permission
    check. A new text is kept as a revision; a status may move among the states an export
    can give, and never away from a removal made here. Returns what changed, named for the
    report; one audit event says the same.
    """
    unknown = set(fields) - IMPORT_FIELDS
    if unknown:
        raise ValueError(f"an import cannot change {', '.join(sorted(unknown))}")
    comment = _locked(comment)
    if comment.status == Status.REMOVED:
        return []  # removed or erased here: a moderator's decision an export does not undo
    changes, update_fields = [], []
    body = clean_input(fields.get("body", comment.body))
    quote = normalise_whitespace(fields.get("quote", comment.quote)) if comment.parent_id else ""
    if (body, quote) != (comment.body, comment.quote):
        CommentRevision.objects.create(
            comment=comment, body=body, quote=quote, created_at=timezone.now(),
            reason=_("updated from %(source)s") % {"source": source},
        )  # fmt: skip
        comment.body, comment.quote = body, quote
        changes.append(_("text"))
        update_fields += ["body", "body_html", "quote"]
    from_status = comment.status
    status = fields.get("status", comment.status)
    if status != comment.status:
        if status not in IMPORT_STATUSES:
            raise InvalidTransition(
                _("An import cannot make comment %(id)s %(status)s.")
                % {"id": comment.pk, "status": status}
            )
        comment.status = status
        changes.append(_("status"))
        update_fields.append("status")
    details = ("author_name", "author_email", "author_url")
    if any(name in fields and fields[name] != getattr(comment, name) for name in details):
        for name in details:
            setattr(comment, name, fields.get(name, getattr(comment, name)))
        changes.append(_("commenter's details"))
        update_fields += details
    if not changes:
        return []
    comment.save(update_fields=update_fields)
    _record(
        comment=comment, actor=None, action=Action.IMPORTED, from_status=from_status,
        to_status=comment.status,
        reason=_("updated from %(source)s: %(changes)s")
        % {"source": source, "changes": ", ".join(changes)},
    )  # fmt: skip
    return changes
