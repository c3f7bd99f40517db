"""What the comments app may tell readers about moderation, in plain words.

Registered with ``comments.policy.register`` in ``moderation/apps.py`` (comments imports
nothing from moderation):
``policy_summary()`` for beside the form, ``explain_hold(reasons)`` for the writer of a held
comment, ``refusal_reasons(ids)`` for the writer of a rejected or removed comment.
"""

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments.models import Comment
from comments.policy import forget_policy_summary
from comments.reasons import Kind, Reason, kinds

from .models import ModerationEvent, PolicySettings
from .rules import current as cached_rules


@receiver(post_save, sender=PolicySettings, dispatch_uid="reader-info-policy-summary")
def _policy_changed(**kwargs) -> None:
    forget_policy_summary()
    transaction.on_commit(forget_policy_summary)


def policy_summary() -> list[str]:
    rules = cached_rules()[0]  # the cached row: no query on the posting path
    held = []
    if rules.hold_first_comment:
        held.append(_("your first comment, and comments without an email address"))
    held.append(
        ngettext(
            "comments with more than %(count)d link",
            "comments with more than %(count)d links",
            rules.max_links,
        )
        % {"count": rules.max_links}
    )
    held.append(_("comments with words or links on our watch list"))
    return [
        _("Comments are moderated."),
        _("These wait for a moderator before anyone else sees them: %(held)s.")
        % {"held": "; ".join(held)},
    ]


def explain_hold(reasons: list[Reason]) -> list[str]:
    """The policy's recorded reasons (moderation.policy.assess) as sentences for the writer.
    Which word or domain tripped the watch list is not said."""
    rules = cached_rules()[0]  # the cached row: no query on the posting path
    plain: dict[str, str] = {  # by kind
        Kind.NO_EMAIL: _(
            "Comments without an email address wait for a moderator; you can add one next time."
        ),
        Kind.FIRST: _("Your first comment here waits for a moderator."),
        Kind.UNCONFIRMED: _(
            "Your email address is not confirmed yet, so a moderator reads this first."
        ),
        Kind.BLOCKED: _("Something in it is on our watch list, so a moderator reads it first."),
    }
    said = []
    for kind in kinds(reasons):
        if kind in plain:
            sentence = plain[kind]
        elif kind == Kind.LINKS:
            sentence = ngettext(
                "It has more than %(count)d link, so a moderator checks it first.",
                "It has more than %(count)d links, so a moderator checks it first.",
                rules.max_links,
            ) % {"count": rules.max_links}
        else:
            sentence = _("A moderator reads it first.")
        if sentence not in said:
            said.append(sentence)
    return said


def refusal_reasons(ids) -> dict[int, str]:
    """comment id → the reason the moderator gave when they last rejected or removed it."""
    latest = (
        ModerationEvent.objects.filter(
            comment_ref=OuterRef("pk"),
            to_status__in=[Comment.Status.REJECTED, Comment.Status.REMOVED],
        )
        .order_by("-created_at", "-pk")
        .values("reason")[:1]
    )
    rows = Comment.objects.filter(pk__in=list(ids)).annotate(reason=Subquery(latest))
    return {pk: reason or "" for pk, reason in rows.values_list("pk", "reason")}
