"""What happens to a new comment: WordPress-like rules, each decision with its reasons.

Named in settings as ``COMMENTS_POLICY``; the comments app calls ``assess`` once per
submission and knows nothing else about moderation. The rate limit is ``count_attempt``
(registered in ``moderation/apps.py``), called once for every use of the form, refused or not.
"""

import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import ngettext

from comments import permissions
from comments.addresses import Standing, standing
from comments.models import Comment
from comments.policy import Assessment, SubmissionRefused
from comments.reasons import Kind, Reason, reason
from comments.text import count_links, link_hosts

from .models import BlockedTerm, SubmissionAttempt
from .rules import current as cached_rules
from .spam import scoring as spam_filter
from .spam.scoring import LearnedAssessment

THROTTLE_WINDOW = datetime.timedelta(minutes=1)
# The first key of pg_advisory_xact_lock(int, int) for "one address's attempts"; the
# second is the address hash's hashtext. (Two-int keys never collide with tree.py's bigint.)
THROTTLE_LOCK = 0x54687274  # "Thrt"


def is_trusted(user, post) -> bool:
    """Those whose comments are published at once and never throttled: the post's author,
    moderators, and the rest of the blog's team (staff who write for it), on every post.
    A co-author replying on a colleague's post is no stranger to be held as a first
    comment; their account vouches for them, as it does on their own posts."""
    return permissions.can_moderate_post(user, post) or permissions.is_team(user)


def _unproven_writer(comment: Comment, writer: Standing) -> Reason | None:
    """Why an email does not vouch for its writer, or None when it does.

    Approved comments vouch for an address only once its owner has confirmed it (a signed
    link mailed to it): anyone can type a regular's address into the form.
    """
    if not comment.author_email:
        return reason(Kind.NO_EMAIL)
    if not writer.approved_comment:
        return reason(Kind.FIRST)
    if not writer.confirmed:
        return reason(Kind.UNCONFIRMED)
    return None


def assess(*, comment: Comment, honeypot: str = "") -> Assessment:
    if is_trusted(comment.user, comment.post):
        return Assessment(Comment.Status.APPROVED, [])
    rules, terms = cached_rules()

    if honeypot:
        return Assessment(Comment.Status.SPAM, [reason(Kind.HONEYPOT)])
    spam, held = _blocked_terms(comment, terms)
    if spam:
        return Assessment(Comment.Status.SPAM, spam)
    # One query tells the spam filter and the first-comment rule what the address earned.
    model = spam_filter.model_in_use()
    asks = rules.hold_first_comment or model is not None
    writer = standing(comment.author_email) if asks else None  # None: not read
    learned = None
    if model is not None:
        known = writer.approved_comment if writer else None
        learned = spam_filter.verdict(comment, rules, known_email=known, model=model)
    if learned is not None and learned.status == Comment.Status.SPAM and learned.reason:
        return LearnedAssessment(Comment.Status.SPAM, [learned.reason], writer=writer,
                                 spam=learned)  # fmt: skip

    # A verdict has a reason exactly when it has a status (spam_filter.verdict).
    reasons = list(held) + ([learned.reason] if learned is not None and learned.reason else [])
    reasons += _link_reasons(comment, rules)
    # ``writer`` is read whenever the first-comment rule is on.
    if (
        rules.hold_first_comment
        and writer is not None
        and (unproven := _unproven_writer(comment, writer))
    ):
        reasons.append(unproven)
    status = Comment.Status.PENDING if reasons else Comment.Status.APPROVED
    return LearnedAssessment(status, reasons, writer=writer, spam=learned)


def _link_reasons(comment: Comment, rules) -> list[Reason]:
    links = count_links(comment.body)
    if links > rules.max_links:
        return [reason(Kind.LINKS, count=links)]
    return []


def rules_alone(*, comment: Comment) -> str:
    """What the blocked terms and the link limit alone make of a comment (spam, pending or
    approved), leaving out the writer's standing and the learned filter: what a trained
    model must beat to be put to use."""
    rules, terms = cached_rules()
    spam, held = _blocked_terms(comment, terms)
    if spam:
        return Comment.Status.SPAM
    if held or _link_reasons(comment, rules):
        return Comment.Status.PENDING
    return Comment.Status.APPROVED


def assess_text(*, comment: Comment) -> Assessment:
    """The rules about what a comment says, not who wrote it: blocked terms and domains,
    the spam filter, links. For a text changed after it was judged (its writer's
    correction, ``moderation.writer``): a correction that now trips one goes back to the
    queue; who wrote it was settled when it was first judged."""
    if is_trusted(comment.user, comment.post):
        return Assessment(Comment.Status.APPROVED, [])
    rules, terms = cached_rules()
    spam, held = _blocked_terms(comment, terms)
    if spam:
        return Assessment(Comment.Status.SPAM, spam)
    learned = spam_filter.verdict(comment, rules)
    if learned is not None and learned.status == Comment.Status.SPAM and learned.reason:
        return Assessment(Comment.Status.SPAM, [learned.reason])
    reasons = list(held) + ([learned.reason] if learned is not None and learned.reason else [])
    # As data, like every other reason (it was a sentence here, which nothing could read).
    reasons += _link_reasons(comment, rules)
    return Assessment(Comment.Status.PENDING if reasons else Comment.Status.APPROVED, reasons)


def count_attempt(*, post, user, ip_hash: str) -> None:
    """Count one use of the comment form from this address; refuse it past the limit.

    Every submission counts, stored or refused (a failed quote check too), so guessing at
    hidden text is throttled like posting. The count and the record of this attempt are one
    step under a per-address advisory lock: ten simultaneous posts under a limit of three
    are ten attempts in turn, and three get through. Trusted staff are not counted.
    """
    if not ip_hash or is_trusted(user, post):
        return
    limit = cached_rules()[0].comments_per_minute
    if not limit:
        return
    now = timezone.now()
    # Rate-limit bookkeeping need not wait for the disk (a crash may forget the last
    # attempts), unless an outer transaction would commit more than this with it.
    lock = "SELECT pg_advisory_xact_lock(%s, hashtext(%s))"
    if not connection.in_atomic_block:
        lock += ", set_config('synchronous_commit', 'off', true)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(lock, [THROTTLE_LOCK, ip_hash])
        # After the lock, so this statement sees every earlier attempt from the address.
        recent = _count_and_record(cursor, ip_hash=ip_hash, now=now)
    if recent >= limit:
        # Counted per address, not per person: readers behind one workplace or phone network
        # share it, so the message says what was counted, never "you have sent".
        raise SubmissionRefused(
            ngettext(
                "%(count)d comment was sent from your network address in the last minute, "
                "which may be shared with other people (a workplace, a phone network). Please "
                "wait a minute and try again; your text is still here.",
                "%(count)d comments were sent from your network address in the last minute, "
                "which may be shared with other people (a workplace, a phone network). Please "
                "wait a minute and try again; your text is still here.",
                recent,
            )
            % {"count": recent},
            retry_after=60,
        )


def _count_and_record(cursor, *, ip_hash: str, now) -> int:
    """The address's attempts in the window before this one; this one recorded; attempts
    the window no longer needs dropped, any address's. All one statement. Rows another
    writer is deleting are skipped, so two writers never wait on (or deadlock over) each
    other."""
    table = SubmissionAttempt._meta.db_table
    cursor.execute(
        f"""
        WITH recent AS (
            SELECT count(*) AS n FROM {table} WHERE ip_hash = %(ip)s AND at >= %(window)s
        ), recorded AS (
            INSERT INTO {table} (ip_hash, at) VALUES (%(ip)s, %(now)s)
        ), forgotten AS (
            DELETE FROM {table} WHERE id IN (
                SELECT id FROM {table} WHERE at < %(stale)s LIMIT 500 FOR UPDATE SKIP LOCKED
            )
        )
        SELECT n FROM recent
        """,  # noqa: S608 - our table name; the values are parameters
        {
            "ip": ip_hash,
            "now": now,
            "window": now - THROTTLE_WINDOW,
            "stale": now - 2 * THROTTLE_WINDOW,
        },
    )
    return cursor.fetchone()[0]


def _blocked_terms(comment: Comment, terms: list[BlockedTerm]) -> tuple[list[Reason], list[Reason]]:
    """Reasons to spam and reasons to hold, from the blocked words and link domains."""
    text = " ".join([comment.author_name, comment.author_email, comment.body]).lower()
    hosts = set(link_hosts(comment.body))
    spam: list[Reason] = []
    held: list[Reason] = []
    for term in terms:
        if term.kind == BlockedTerm.Kind.DOMAIN:
            hit = any(host == term.value or host.endswith("." + term.value) for host in hosts)
            why = reason(Kind.BLOCKED, what="domain", value=term.value)
        else:
            hit = term.value in text
            why = reason(Kind.BLOCKED, what="term", value=term.value)
        if hit:
            (spam if term.outcome == BlockedTerm.Outcome.SPAM else held).append(why)
    return spam, held
