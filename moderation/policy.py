"""What happens to a new comment: WordPress-like rules, each decision with its reasons.

Named in settings as ``COMMENTS_POLICY``; the comments app calls ``assess`` once per
submission and knows nothing else about moderation.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments.models import Comment
from comments.policy import Assessment, SubmissionRefused
from comments.text import count_links, link_hosts

from .models import BlockedTerm, PolicySettings
from .rules import current as cached_rules

THROTTLE_WINDOW = datetime.timedelta(minutes=1)


def is_trusted(user, post) -> bool:
    """Authors (on their own posts, or any with the power to) and moderators."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    return user.pk == post.author_id or user.has_perm("comments.can_moderate")


def assess(*, comment: Comment, honeypot: str = "") -> Assessment:
    if is_trusted(comment.user, comment.post):
        return Assessment(Comment.Status.APPROVED, [])
    rules, terms = cached_rules()
    _throttle(comment, rules)

    if honeypot:
        return Assessment(Comment.Status.SPAM, [_("honeypot field filled in")])
    spam, held = _blocked_terms(comment, terms)
    if spam:
        return Assessment(Comment.Status.SPAM, spam)

    reasons = list(held)
    links = count_links(comment.body)
    if links > rules.max_links:
        reasons.append(ngettext("%(count)d link", "%(count)d links", links) % {"count": links})
    if rules.hold_first_comment:
        if not comment.author_email:
            reasons.append(_("no email given"))
        elif not Comment.objects.filter(
            author_email__iexact=comment.author_email, status=Comment.Status.APPROVED
        ).exists():
            reasons.append(_("first comment from this email"))
    if reasons:
        return Assessment(Comment.Status.PENDING, reasons)
    return Assessment(Comment.Status.APPROVED, [])


def _throttle(comment: Comment, rules: PolicySettings) -> None:
    if not comment.ip_hash or not rules.comments_per_minute:
        return
    recent = Comment.objects.filter(
        ip_hash=comment.ip_hash, submitted_at__gte=timezone.now() - THROTTLE_WINDOW
    ).count()
    if recent >= rules.comments_per_minute:
        raise SubmissionRefused(
            _("You have posted %(count)d comments in the last minute. Please wait a minute "
              "and try again; your text is still here.") % {"count": recent},
            retry_after=60,
        )  # fmt: skip


def _blocked_terms(comment: Comment, terms: list[BlockedTerm]) -> tuple[list[str], list[str]]:
    """Reasons to spam and reasons to hold, from the blocked words and link domains."""
    text = " ".join([comment.author_name, comment.author_email, comment.body]).lower()
    hosts = set(link_hosts(comment.body))
    spam, held = [], []
    for term in terms:
        if term.kind == BlockedTerm.Kind.DOMAIN:
            hit = any(host == term.value or host.endswith("." + term.value) for host in hosts)
            reason = _("blocked link domain: %(value)s") % {"value": term.value}
        else:
            hit = term.value in text
            reason = _("blocked term: %(value)s") % {"value": term.value}
        if hit:
            (spam if term.outcome == BlockedTerm.Outcome.SPAM else held).append(reason)
    return spam, held
