"""The moderation digest: at the interval each member of staff chose, what waits in their
queue, what arrived since the last digest, and how many comments the spam filter filed
as spam since then, with a link to review them; queued by ``send_moderation_digest``
(cron) or the worker, sent by the worker, once however many run at the same time."""

import datetime
import re
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from comments.models import Comment
from comments.reasons import Kind, reason
from core.models import NotificationPreference
from moderation import staff_mail
from moderation.models import SpamScore

Choice = NotificationPreference.HeldComments
SPAM_SCORE = reason(Kind.SPAM_SCORE, score=0.97, decisions=120)


def filed_by_the_model(make, body: str, **fields) -> Comment:
    comment = make(body, status=Comment.Status.SPAM, **fields)
    Comment.objects.filter(pk=comment.pk).update(status_reasons=[SPAM_SCORE])
    SpamScore.objects.create(comment=comment, score=0.97, outcome=SpamScore.Outcome.FILED)
    return comment


def digests(mailoutbox) -> dict[str, object]:
    return {m.to[0]: m for m in mailoutbox if m.subject.startswith("Moderation digest")}


@pytest.fixture
def daily(author, moderator):
    """The author and the moderator chose a daily digest; the last one went two days ago."""
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    for user in (author, moderator):
        NotificationPreference.objects.create(
            user=user, held_comments=Choice.DAILY, last_digest_at=two_days_ago
        )
    return two_days_ago


def test_the_digest_says_what_waits_what_is_new_and_what_the_filter_filed(
    daily, make, post, other_post, mailoutbox, mail_on_commit
):
    now = timezone.now()
    make("An old held one.", status=Comment.Status.PENDING,
         submitted_at=daily - datetime.timedelta(days=1))  # fmt: skip
    make("Dose question.", status=Comment.Status.PENDING, name="Ann", submitted_at=now)
    make("Elsewhere.", status=Comment.Status.PENDING, post=other_post, submitted_at=now)
    filed_by_the_model(make, "Cheap pills.", submitted_at=now)
    filed_by_the_model(make, "Cheap pills elsewhere.", post=other_post, submitted_at=now)
    make("Spam by a blocked word.", status=Comment.Status.SPAM, submitted_at=now)
    filed_by_the_model(make, "Filed before the last digest.",
                       submitted_at=daily - datetime.timedelta(hours=1))  # fmt: skip

    with mail_on_commit():
        call_command("send_moderation_digest")
    sent = digests(mailoutbox)
    assert sorted(sent) == ["amara@colloquy.example", "mod@colloquy.example"]

    moderator_digest = sent["mod@colloquy.example"]
    assert moderator_digest.subject == "Moderation digest: 3 comments wait for you"
    body = moderator_digest.body
    assert "3 comments wait for you in the moderation queue (2 new since the last digest)." in body
    assert "Ann on “Relapse rates, explained”: Dose question." in body
    assert re.search(r"Decide in the queue: https?://\S+/admin/moderation/pendingcomment/", body)
    assert "The spam filter filed 2 comments as spam since the last digest." in body
    [review] = re.findall(r"Review them: (\S+)", body)
    assert review.endswith("/admin/moderation/policysettings/spam-review/")
    assert "at most every day" in body

    author_digest = sent["amara@colloquy.example"].body  # her own posts only
    assert "2 comments wait for you in the moderation queue (1 new since" in author_digest
    assert "Elsewhere." not in author_digest
    assert "The spam filter filed 1 comment as spam since the last digest." in author_digest


def test_the_review_link_lists_what_the_filter_filed(make, moderator, client):
    filed = filed_by_the_model(make, "Cheap pills.")
    make("Spam by a blocked word.", status=Comment.Status.SPAM)
    make("Held.", status=Comment.Status.PENDING)
    client.force_login(moderator)
    page = client.get(staff_mail.spam_review_url()).text
    assert filed.body in page
    assert "Spam by a blocked word." not in page and "Held." not in page


def test_one_digest_per_interval(daily, make, author, mailoutbox, mail_on_commit):
    make("Held.", status=Comment.Status.PENDING)
    with mail_on_commit():
        assert staff_mail.send_due_digests() == 2
        assert staff_mail.send_due_digests() == 0  # the next is due in a day
    assert len(digests(mailoutbox)) == 2
    mailoutbox.clear()
    tomorrow = timezone.now() + datetime.timedelta(days=1, minutes=1)
    with mail_on_commit():
        assert staff_mail.send_due_digests(now=tomorrow) == 2
    assert "0 new since the last digest" in digests(mailoutbox)["amara@colloquy.example"].body


def test_hourly_and_weekly_digests_keep_their_own_time(make, author, moderator):
    hour_ago = timezone.now() - datetime.timedelta(minutes=61)
    NotificationPreference.objects.create(user=author, held_comments=Choice.HOURLY,
                                          last_digest_at=hour_ago)  # fmt: skip
    NotificationPreference.objects.create(user=moderator, held_comments=Choice.WEEKLY,
                                          last_digest_at=hour_ago)  # fmt: skip
    make("Held.", status=Comment.Status.PENDING)
    assert staff_mail.send_due_digests() == 1  # the author's; the moderator's in a week
    week = timezone.now() + datetime.timedelta(days=7)
    assert staff_mail.send_due_digests(now=week) == 2


def test_nothing_to_say_sends_nothing(daily, make, mailoutbox, mail_on_commit):
    make("Published.")
    with mail_on_commit():
        assert staff_mail.send_due_digests() == 0
    assert mailoutbox == []
    # The next digest still counts from the last one sent.
    assert NotificationPreference.objects.filter(last_digest_at=daily).count() == 2


def test_each_and_no_mail_get_no_digest(make, author, moderator, mailoutbox, mail_on_commit):
    NotificationPreference.objects.create(user=moderator, held_comments=Choice.NEVER)
    make("Held.", status=Comment.Status.PENDING)  # the author has no row: "each"
    with mail_on_commit():
        assert staff_mail.send_due_digests() == 0
    assert digests(mailoutbox) == {}


def test_an_author_who_lost_the_role_gets_no_digest(daily, make, author, mailoutbox):
    make("Held.", status=Comment.Status.PENDING)
    author.is_staff = False
    author.save()
    assert staff_mail.send_due_digests() == 1  # the moderator's only


def test_the_worker_sends_the_digest_in_one_round(daily, make, mailoutbox):
    make("Held.", status=Comment.Status.PENDING)
    call_command("worker", "--once")
    assert sorted(digests(mailoutbox)) == ["amara@colloquy.example", "mod@colloquy.example"]


@pytest.mark.django_db(transaction=True)
def test_cron_and_the_worker_at_once_queue_one_digest_each():
    from blog.models import Post
    from comments.services import comment_create_as_is
    from core.models import OutboxMail
    from tests.factories import PostFactory, UserFactory

    # Staff who wrote a post moderate its comments (no group: transactional tests flush
    # the groups the migrations made).
    authors = [UserFactory(username=f"author{n}", is_staff=True) for n in range(6)]
    for author in authors:
        PostFactory(author=author)
        NotificationPreference.objects.create(user=author, held_comments=Choice.HOURLY)
    for post in Post.objects.all():
        comment_create_as_is(post=post, parent=None, body="Held.", status="pending",
                             submitted_at=timezone.now(), source="test")  # fmt: skip
    barrier = threading.Barrier(3)
    counts = []

    def run():
        try:
            barrier.wait()
            counts.append(staff_mail.send_due_digests())
        finally:
            connection.close()

    runs = [threading.Thread(target=run) for _ in range(3)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()
    assert sum(counts) == 6
    assert OutboxMail.objects.filter(kind="digest").count() == 6
    assert sorted(OutboxMail.objects.values_list("to", flat=True)) == sorted(
        author.email for author in authors
    )
