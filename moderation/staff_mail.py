"""Telling staff what waits for them: a mail for each held comment, or a digest.

Who hears about a held comment is who may act on it: the moderators (all of them) and the
post's author (for their own posts), active staff with an address. Each chooses in their
notification settings (``core.NotificationPreference``, the admin's "My notification
settings") between a mail for each held comment (the default, also with no settings
saved), a digest every hour, day or week, or no mail. Mail is queued in the outbox in the
transaction that held the comment; the worker sends it.

The digest (``send_due_digests``: the worker calls it every minute, and
``manage.py send_moderation_digest`` from cron) says how many comments wait in the
reader's queue, which arrived since the last digest, and how many the learned spam filter
filed as spam since then, with a link to review them.
"""

import datetime
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments.models import Comment
from comments.permissions import moderated_comments, moderates_anything
from core import outbox
from core.models import NotificationPreference

from .models import SpamScore

Choice = NotificationPreference.HeldComments
DIGEST_INTERVALS: dict[str, datetime.timedelta] = {  # by NotificationPreference choice
    Choice.HOURLY: datetime.timedelta(hours=1),
    Choice.DAILY: datetime.timedelta(days=1),
    Choice.WEEKLY: datetime.timedelta(weeks=1),
}
DIGEST_LISTED = 10  # held comments listed in a digest; the queue has the rest
EXCERPT = 400


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def queue_url() -> str:
    """The moderation queue: each reader of it sees only the comments they moderate."""
    return reverse("admin:moderation_pendingcomment_changelist")


def spam_review_url() -> str:
    """The review list of what the learned filter filed as spam, with each comment's score
    and the words that weighed most (moderation/spam/admin_views.py)."""
    return reverse("admin:moderation_policysettings_spam_review")


def settings_url() -> str:
    return reverse("admin:core_notificationpreference_changelist")


def waiting_for(user) -> int | None:
    """How many held comments wait in ``user``'s queue; None for who has no queue."""
    if not moderates_anything(user):
        return None
    return moderated_comments(user).pending().count()


def filed_by_the_model(comments):
    """Of ``comments``, those the learned spam filter filed as spam and nobody undid: the
    ones the review list (``spam_review_url``) shows."""
    return comments.filter(
        status=Comment.Status.SPAM, spam_assessment__outcome=SpamScore.Outcome.FILED
    )


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def _footer(choice: str) -> str:
    if choice == Choice.EACH:
        said = _("You get a mail for each comment held on posts you moderate.")
    else:
        intervals: dict[str, str] = {
            Choice.HOURLY: _("every hour"),
            Choice.DAILY: _("every day"),
            Choice.WEEKLY: _("every week"),
        }
        said = _("You get this digest at most %(interval)s.") % {"interval": intervals[choice]}
    return (
        said
        + " "
        + _("Choose how you hear about held comments: %(link)s")
        % {"link": _absolute(settings_url())}
    )


@cache
def _held_recipients_sql() -> str:
    """The addresses to mail at once about a comment held on a post by ``%(author)s``:
    active staff with an address who may act on it (``comments.permissions``:
    superusers and holders of ``comments.can_moderate``, through a group or their own,
    and the post's author) and chose a mail for each (or chose nothing). One address once.
    Written as SQL so the posting path pays one statement for the notices and compiles
    none (tests/moderation/test_outbox_held.py holds it to ``can_moderate_post``)."""
    User = get_user_model()
    groups = User.groups.through._meta.db_table
    user_permissions = User.user_permissions.through._meta.db_table
    group_permissions = Group.permissions.through._meta.db_table
    return (  # our tables' names; the values are parameters
        "SELECT DISTINCT ON (lower(u.email)) u.email "  # noqa: S608
        f"FROM {User._meta.db_table} u "
        f"LEFT JOIN {NotificationPreference._meta.db_table} p ON p.user_id = u.id "
        "WHERE u.is_active AND u.is_staff AND u.email <> '' "
        "AND coalesce(p.held_comments, %(each)s) = %(each)s "
        "AND (u.is_superuser OR u.id = %(author)s "
        f"OR EXISTS (SELECT FROM {groups} ug JOIN {group_permissions} gp "
        "ON gp.group_id = ug.group_id WHERE ug.user_id = u.id AND gp.permission_id IN "
        "(SELECT id FROM moderate)) "
        f"OR EXISTS (SELECT FROM {user_permissions} up WHERE up.user_id = u.id "
        "AND up.permission_id IN (SELECT id FROM moderate))) "
        "ORDER BY lower(u.email), u.id"
    )


def _moderate_permission_sql() -> str:
    return (  # our tables' names; the values are parameters
        f"SELECT p.id FROM {Permission._meta.db_table} p "  # noqa: S608
        f"JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id "
        "WHERE p.codename = 'can_moderate' AND ct.app_label = 'comments'"
    )


def held_recipients_sql() -> str:
    """``_held_recipients_sql`` with the permission's id found in the same statement."""
    return f"WITH moderate AS ({_moderate_permission_sql()}) {_held_recipients_sql()}"


def held_recipients(post) -> list[str]:
    """The addresses ``comment_held`` mails about a comment held on ``post``."""
    with connection.cursor() as cursor:
        cursor.execute(held_recipients_sql(), {"each": Choice.EACH.value, "author": post.author_id})
        return [address for (address,) in cursor.fetchall()]


def comment_held(comment: Comment) -> None:
    """Queue a mail to each member of staff who wants one about this held comment, in
    the transaction that held it (one statement)."""
    post = comment.post
    subject = _("A comment waits for you on “%(title)s”") % {"title": post.title}
    body = _(
        "%(name)s commented on “%(title)s” and the comment is held for moderation.\n\n"
        "%(excerpt)s\n\nDecide in the queue: %(queue)s\n\n%(footer)s"
    ) % {
        "name": comment.display_name,
        "title": post.title,
        "excerpt": _excerpt(comment.body),
        "queue": _absolute(queue_url()),
        "footer": _footer(Choice.EACH),
    }
    outbox.enqueue_to_each(
        addresses_sql=held_recipients_sql(),
        params={"each": Choice.EACH.value, "author": post.author_id},
        subject=subject,
        body=body,
        kind="held",
    )


def _due(now: datetime.datetime) -> Q:
    due = Q()
    for choice, interval in DIGEST_INTERVALS.items():
        due |= Q(held_comments=choice) & (
            Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - interval)
        )
    return due


def send_due_digests(*, now: datetime.datetime | None = None) -> int:
    """Queue every digest that is due; returns how many. Each preference row is locked
    while its digest is written (SKIP LOCKED), so cron and the worker running at once
    send one digest, not two."""
    now = now or timezone.now()
    queued = 0
    due = NotificationPreference.objects.filter(_due(now), user__is_active=True)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            preference = (
                NotificationPreference.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("user")
                .filter(_due(now), pk=pk)
                .first()
            )
            if preference is not None and _digest(preference, now):
                queued += 1
    return queued


def _digest(preference: NotificationPreference, now: datetime.datetime) -> bool:
    """Queue one digest if there is something to say; the next covers from its time."""
    user = preference.user
    if not user.email or not moderates_anything(user):
        return False
    since = preference.last_digest_at or now - DIGEST_INTERVALS[preference.held_comments]
    mine = moderated_comments(user)
    waiting = mine.pending().order_by("submitted_at", "pk")
    waiting_count = waiting.count()
    new_count = waiting.filter(submitted_at__gt=since).count()
    spam_count = filed_by_the_model(mine.filter(submitted_at__gt=since)).count()
    if not waiting_count and not spam_count:
        return False  # nothing to tell: the next digest still counts from the last one
    waits = ngettext(
        "%(count)d comment waits for you in the moderation queue",
        "%(count)d comments wait for you in the moderation queue",
        waiting_count,
    )
    new = ngettext("(%(new)d new since the last digest).",
                   "(%(new)d new since the last digest).", new_count)  # fmt: skip
    lines = [waits % {"count": waiting_count} + " " + new % {"new": new_count}]
    for comment in waiting[:DIGEST_LISTED]:
        lines.append(
            f"- {timezone.localtime(comment.submitted_at):%Y-%m-%d %H:%M}, "
            f"{comment.display_name} on “{comment.post.title}”: {_excerpt(comment.body)[:160]}"
        )
    if waiting_count:
        lines.append(_("Decide in the queue: %(link)s") % {"link": _absolute(queue_url())})
    lines.append("")
    lines.append(
        ngettext(
            "The spam filter filed %(count)d comment as spam since the last digest.",
            "The spam filter filed %(count)d comments as spam since the last digest.",
            spam_count,
        )
        % {"count": spam_count}
    )
    if spam_count:
        lines.append(_("Review them: %(link)s") % {"link": _absolute(spam_review_url())})
    lines += ["", _footer(preference.held_comments)]
    outbox.enqueue(
        to=user.email,
        subject=ngettext(
            "Moderation digest: %(count)d comment waits for you",
            "Moderation digest: %(count)d comments wait for you",
            waiting_count,
        )
        % {"count": waiting_count},
        body="\n".join(lines),
        kind="digest",
    )
    preference.last_digest_at = now
    preference.save(update_fields=["last_digest_at"])
    return True
