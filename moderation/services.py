"""Every change to an existing comment: plain functions with an actor, one audit event each.

Views, admin actions and management commands call these and nothing else; no code
changes a comment's status with ``queryset.update``. Mail goes out after the commit, and
``robust=True`` keeps a failing mail server from turning a saved decision into an error.
Each function runs in a transaction, locks the comment's row, checks the actor's
permission and appends a ModerationEvent.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comments.models import Comment, CommentRevision
from comments.permissions import can_edit, can_erase, can_moderate  # re-exported for callers
from comments.policy import Assessment
from comments.services import MAX_BODY, Submission, comment_submit
from comments.text import clean_input, normalise_whitespace

from . import notifications
from .models import ModerationEvent

Status = Comment.Status
Action = ModerationEvent.Action
NOTE_LIMIT = 300  # CommentRevision.reason and Comment.edit_note


class InvalidTransition(ValidationError):
    """The comment is not in a state this action applies to."""


def _record(*, comment, actor, action, from_status="", to_status="", reason="") -> None:
    ModerationEvent.objects.create(
        comment=comment,
        comment_ref=comment.pk,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


def _locked(comment: Comment) -> Comment:
    return Comment.objects.select_for_update().select_related("post").get(pk=comment.pk)


def _transition(*, comment, actor, to_status, action, reason="", allowed_from) -> Comment:
    if not can_moderate(actor, comment):
        raise PermissionDenied(_("You may not moderate this comment."))
    comment = _locked(comment)
    if comment.status not in allowed_from:
        raise InvalidTransition(
            _("Comment %(id)s is %(status)s; it cannot be %(action)s.")
            % {"id": comment.pk, "status": comment.get_status_display().lower(),
               "action": Action(action).label}
        )  # fmt: skip
    from_status = comment.status
    # A reply is announced to the reader it answers once, not again on every restore.
    announced = ModerationEvent.objects.filter(
        comment_ref=comment.pk, to_status=Status.APPROVED
    ).exists()
    comment.status = to_status
    comment.save(update_fields=["status"])
    _record(
        comment=comment,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )
    if to_status == Status.APPROVED and not announced:
        transaction.on_commit(lambda: notifications.reply_published(comment.pk), robust=True)
    elif to_status in (Status.REJECTED, Status.REMOVED):
        transaction.on_commit(
            lambda: notifications.comment_not_published(comment.pk, reason), robust=True
        )
    return comment


@transaction.atomic
def comment_approve(*, comment: Comment, actor, reason: str = "") -> Comment:
    return _transition(
        comment=comment, actor=actor, to_status=Status.APPROVED, action=Action.APPROVED,
        reason=reason, allowed_from={Status.PENDING, Status.REJECTED},
    )  # fmt: skip


@transaction.atomic
def comment_reject(*, comment: Comment, actor, reason: str = "") -> Comment:
    return _transition(
        comment=comment, actor=actor, to_status=Status.REJECTED, action=Action.REJECTED,
        reason=reason, allowed_from={Status.PENDING, Status.APPROVED},
    )  # fmt: skip


@transaction.atomic
def comment_mark_spam(*, comment: Comment, actor, reason: str = "") -> Comment:
    return _transition(
        comment=comment, actor=actor, to_status=Status.SPAM, action=Action.SPAM,
        reason=reason, allowed_from={Status.PENDING, Status.APPROVED, Status.REJECTED},
    )  # fmt: skip


@transaction.atomic
def comment_mark_not_spam(*, comment: Comment, actor, reason: str = "") -> Comment:
    return _transition(
        comment=comment, actor=actor, to_status=Status.APPROVED, action=Action.NOT_SPAM,
        reason=reason, allowed_from={Status.SPAM},
    )  # fmt: skip


@transaction.atomic
def comment_remove(*, comment: Comment, actor, reason: str) -> Comment:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the comment is removed.")})
    return _transition(
        comment=comment, actor=actor, to_status=Status.REMOVED, action=Action.REMOVED,
        reason=reason, allowed_from={Status.APPROVED, Status.PENDING},
    )  # fmt: skip


@transaction.atomic
def comment_restore(*, comment: Comment, actor, reason: str = "") -> Comment:
    """Undo a removal: back to the status it had (a held comment goes back to the queue)."""
    removal = (
        ModerationEvent.objects.filter(comment_ref=comment.pk, to_status=Status.REMOVED)
        .order_by("-created_at", "-id")
        .first()
    )
    earlier = removal.from_status if removal and removal.from_status else Status.APPROVED
    return _transition(
        comment=comment, actor=actor, to_status=earlier, action=Action.RESTORED,
        reason=reason, allowed_from={Status.REMOVED},
    )  # fmt: skip


def _quote_sources(comment: Comment) -> list[str]:
    """Every text the answered comment has had: a quote may come from any of them."""
    if comment.reply_to_id is None:
        return []
    return list(
        CommentRevision.objects.filter(comment_id=comment.reply_to_id).values_list(
            "body", flat=True
        )
    )


@transaction.atomic
def comment_edit(
    *,
    comment: Comment,
    actor,
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
    new_body = comment.body if body is None else clean_input(body)
    new_quote = comment.quote if quote is None else normalise_whitespace(clean_input(quote))
    errors = {}
    if not reason.strip():
        errors["reason"] = [_("Say why you are editing this comment.")]
    elif len(reason.strip()) > NOTE_LIMIT:
        errors["reason"] = [
            _("Keep the reason under %(limit)d characters.") % {"limit": NOTE_LIMIT}
        ]
    if len(public_note.strip()) > NOTE_LIMIT:
        errors["public_note"] = [
            _("Keep the public note under %(limit)d characters.") % {"limit": NOTE_LIMIT}
        ]
    if not new_body:
        errors["body"] = [_("A comment cannot be empty; remove it instead.")]
    elif len(new_body) > MAX_BODY:
        errors["body"] = [_("Comments can be at most %(limit)d characters.") % {"limit": MAX_BODY}]
    if new_quote and new_quote != comment.quote:
        sources = [normalise_whitespace(text) for text in _quote_sources(comment)]
        if not any(new_quote in text for text in sources):
            errors["quote"] = [_("The quote is not in the comment this one answers.")]
    if not errors and (new_body, new_quote) == (comment.body, comment.quote):
        errors["body"] = [_("Nothing changed.")]
    if errors:
        raise ValidationError(errors)

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
    transaction.on_commit(lambda: notifications.comment_edited(comment.pk), robust=True)
    return comment


@transaction.atomic
def comment_edit_and_approve(
    *,
    comment: Comment,
    actor,
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
    *, comment: Comment, revision: CommentRevision, actor, reason: str, public_note: str = ""
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
    *, comment: Comment, actor, body: str, quote: str = ""
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
def comment_erase(*, comment: Comment, actor, reason: str) -> None:
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
    """COMMENTS_AFTER_INSERT_MANY hook: one "imported" event per comment, in one INSERT."""
    ModerationEvent.objects.bulk_create(
        [
            ModerationEvent(
                comment=comment,
                comment_ref=comment.pk,
                actor=None,
                action=Action.IMPORTED,
                from_status="",
                to_status=comment.status,
                reason=_("imported from %(source)s") % {"source": source},
            )  # fmt: skip
            for comment, source in zip(comments, sources, strict=True)
        ],
        batch_size=500,
    )


def comment_inserted(*, comment: Comment, assessment: Assessment | None, source: str) -> None:
    """COMMENTS_AFTER_INSERT hook: the policy's decision (or the import) as an event."""
    if assessment is None:
        _record(
            comment=comment, actor=None, action=Action.IMPORTED, to_status=comment.status,
            reason=_("imported from %(source)s") % {"source": source},
        )  # fmt: skip
    else:
        reason = "; ".join(assessment.reasons) or _("approved by policy")
        _record(
            comment=comment, actor=None, action=Action.SUBMITTED, to_status=comment.status,
            reason=reason,
        )  # fmt: skip
    answered = comment.reply_to
    if (
        comment.status == Status.APPROVED
        and source == "reader"
        and answered is not None
        and answered.notify_replies  # else no mail to send: spare the query after commit
    ):
        pk = comment.pk
        transaction.on_commit(lambda: notifications.reply_published(pk), robust=True)
    if source == "reader" and (comment.notify_replies or comment.status == Status.PENDING):
        pk = comment.pk
        transaction.on_commit(lambda: notifications.confirmation_requested(pk), robust=True)


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
