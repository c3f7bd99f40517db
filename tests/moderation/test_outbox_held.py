"""Staff are told what waits: a mail for each held comment to the moderators and the post's
author (as they chose), the count and the link to their queue in the site's header and on
the admin home, their own notification settings in the admin, the outbox for moderators."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from comments.models import Comment
from comments.permissions import can_moderate_post
from core import outbox
from core.models import NotificationPreference, OutboxMail
from moderation.staff_mail import held_recipients
from tests.factories import AuthorFactory, SuperuserFactory, UserFactory

QUEUE = "/admin/moderation/pendingcomment/"
Choice = NotificationPreference.HeldComments


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def held_mail_to(mailoutbox) -> list[str]:
    return sorted(message.to[0] for message in mailoutbox if "waits for you" in message.subject)


def test_a_held_comment_mails_the_moderators_and_the_posts_author(
    submit, post, author, other_author, moderator, mailoutbox, mail_on_commit
):
    with mail_on_commit():
        held = submit("Is the dose right? https://a.example https://b.example https://c.example",
                      author_name="Ann")  # fmt: skip
    assert held.status == Comment.Status.PENDING
    assert held_mail_to(mailoutbox) == ["amara@colloquy.example", "mod@colloquy.example"]
    message = next(m for m in mailoutbox if m.to == ["amara@colloquy.example"])
    assert message.subject == "A comment waits for you on “Relapse rates, explained”"
    assert "Ann commented on “Relapse rates, explained”" in message.body
    assert "Is the dose right?" in message.body
    assert re.search(r"https?://\S+/admin/moderation/pendingcomment/", message.body)
    assert "/admin/core/notificationpreference/" in message.body  # how to choose a digest


def test_nobody_is_mailed_about_an_approved_comment_or_on_another_authors_post(
    submit, make, post, other_post, author, other_author, moderator, mailoutbox, mail_on_commit
):
    with mail_on_commit():
        submit("Fine.", user=author)  # the author's own comment: approved at once
        submit("Held on Lin's post.", target=other_post)
    assert held_mail_to(mailoutbox) == ["lin@colloquy.example", "mod@colloquy.example"]


def test_staff_who_chose_a_digest_or_no_mail_get_none_at_once(
    submit, author, moderator, mailoutbox, mail_on_commit
):
    NotificationPreference.objects.create(user=author, held_comments=Choice.DAILY)
    NotificationPreference.objects.create(user=moderator, held_comments=Choice.NEVER)
    with mail_on_commit():
        submit("Held.")
    assert held_mail_to(mailoutbox) == []


def test_the_mail_goes_to_exactly_those_who_may_act_on_the_comment(post, author, moderator):
    """The recipients' SQL says what ``comments.permissions`` says, for every kind of user."""
    people = [
        author,
        moderator,
        AuthorFactory(username="lin", email="lin@colloquy.example"),  # another author
        SuperuserFactory(username="root", email="root@colloquy.example"),
        UserFactory(username="staff", is_staff=True),  # staff with no role
        UserFactory(username="reader"),  # not staff
        UserFactory(username="gone", is_staff=True, is_active=False),
        UserFactory(username="own", is_staff=True),  # the permission of their own
        UserFactory(username="outside", is_staff=False),  # a permission, but not staff
    ]
    people[-2].user_permissions.add(Permission.objects.get(codename="can_moderate"))
    people[-1].user_permissions.add(Permission.objects.get(codename="can_moderate"))
    people[6].groups.add(Group.objects.get(name="Moderators"))
    expected = sorted(user.email for user in people if can_moderate_post(user, post))
    assert sorted(held_recipients(post)) == expected
    assert expected == sorted(
        ["amara@colloquy.example", "mod@colloquy.example", "root@colloquy.example",
         "own@example.org"]
    )  # fmt: skip


def test_one_mail_per_address_and_none_to_staff_without_one(post, author, moderator):
    UserFactory(username="twin", is_staff=True, is_superuser=True, email="MOD@colloquy.example")
    UserFactory(username="mute", is_staff=True, is_superuser=True, email="")
    assert sorted(address.lower() for address in held_recipients(post)) == [
        "amara@colloquy.example",
        "mod@colloquy.example",
    ]


def test_a_rejected_submission_queues_nothing(client, post, author, moderator):
    response = client.post(f"/comments/post/{post.pk}/", {"body": ""})  # refused: no text
    assert response.status_code in (200, 400)
    assert not OutboxMail.objects.exists()


# -- what the staff see --------------------------------------------------------------------


def test_the_sites_header_shows_staff_how_many_wait_for_them(
    make, post, other_post, author, other_author, moderator
):
    make("Held here.", status=Comment.Status.PENDING)
    make("Held there.", status=Comment.Status.PENDING, post=other_post)
    make("Held too.", status=Comment.Status.PENDING, post=other_post)
    page = post.get_absolute_url()
    for user, expected in [(moderator, 3), (author, 1), (other_author, 2)]:
        html = signed_in(user).get(page).text
        header = html[html.index('class="site-header"') : html.index("</header>")]
        link = re.search(r'<a href="([^"]+)">(\d+) comments? waits? for you</a>', header)
        assert link and link.groups() == (QUEUE, str(expected)), (user, header)


def test_readers_and_staff_without_a_queue_see_no_count(make, post, client):
    make("Held here.", status=Comment.Status.PENDING)
    assert "wait for you" not in client.get(post.get_absolute_url()).text
    assert "waits for you" not in client.get(post.get_absolute_url()).text
    staff = UserFactory(username="staff", is_staff=True)
    assert "for you" not in signed_in(staff).get(post.get_absolute_url()).text
    reader = UserFactory(username="reader")
    assert "for you" not in signed_in(reader).get(post.get_absolute_url()).text


def test_an_authors_admin_home_leads_to_their_queue(make, post, other_post, author):
    make("Held here.", status=Comment.Status.PENDING)
    make("Held there.", status=Comment.Status.PENDING, post=other_post)
    home = signed_in(author).get("/admin/")
    assert home.status_code == 200
    assert f'<a href="{QUEUE}">1 comment waits for you in the moderation queue</a>' in home.text
    assert "/admin/core/notificationpreference/" in home.text
    assert "could not be sent" not in home.text  # the outbox is the moderators'
    queue = signed_in(author).get(QUEUE)
    assert queue.status_code == 200 and "Held here." in queue.text
    assert "Held there." not in queue.text


def test_a_moderators_admin_home_counts_everything_and_mail_that_failed(
    make, post, other_post, moderator
):
    make("Held here.", status=Comment.Status.PENDING)
    make("Held there.", status=Comment.Status.PENDING, post=other_post)
    failed = outbox.enqueue(to="ruth@example.org", subject="A reply", body="b", kind="reply")
    OutboxMail.objects.filter(pk=failed.pk).update(attempts=2, last_error="Timeout")
    home = signed_in(moderator).get("/admin/").text
    assert f'<a href="{QUEUE}">2 comments wait for you in the moderation queue</a>' in home
    assert "1 mail could not be sent yet" in home
    listed = signed_in(moderator).get("/admin/core/outboxmail/?attempts__gt=0&sent_at__isnull=True")
    assert "ruth@example.org" in listed.text and "Timeout" in listed.text


def test_the_outbox_is_for_moderators_only(author, moderator):
    assert signed_in(author).get("/admin/core/outboxmail/").status_code == 403
    assert signed_in(moderator).get("/admin/core/outboxmail/").status_code == 200


def test_a_moderator_sends_a_failed_mail_again(moderator, mailoutbox):
    failed = outbox.enqueue(to="ruth@example.org", subject="A reply", body="b", kind="reply")
    OutboxMail.objects.filter(pk=failed.pk).update(state="failed", attempts=12, last_error="x")
    response = signed_in(moderator).post(
        "/admin/core/outboxmail/",
        {"action": "send_again", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert "1 mail will be sent again." in response.text
    outbox.deliver_due()
    [message] = mailoutbox
    assert message.subject == "A reply"


def test_staff_choose_for_themselves_how_they_hear(author, moderator):
    client = signed_in(author)
    response = client.get("/admin/core/notificationpreference/", follow=True)
    mine = NotificationPreference.objects.get(user=author)
    assert response.redirect_chain[-1][0] == f"/admin/core/notificationpreference/{mine.pk}/change/"
    assert mine.held_comments == Choice.EACH  # the default
    response = client.post(
        f"/admin/core/notificationpreference/{mine.pk}/change/", {"held_comments": "daily"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.held_comments == Choice.DAILY

    theirs = NotificationPreference.objects.create(user=moderator)
    url = f"/admin/core/notificationpreference/{theirs.pk}/change/"
    client.post(url, {"held_comments": "never"})
    theirs.refresh_from_db()
    assert theirs.held_comments == Choice.EACH  # nobody changes another's settings


def test_readers_have_no_notification_settings_in_the_admin(db):
    reader = UserFactory(username="reader")
    response = signed_in(reader).get("/admin/core/notificationpreference/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("choice", [Choice.HOURLY, Choice.DAILY, Choice.WEEKLY, Choice.NEVER])
def test_every_choice_can_be_saved(author, choice):
    client = signed_in(author)
    client.get("/admin/core/notificationpreference/")
    mine = NotificationPreference.objects.get(user=author)
    client.post(f"/admin/core/notificationpreference/{mine.pk}/change/", {"held_comments": choice})
    mine.refresh_from_db()
    assert mine.held_comments == choice


def test_the_count_costs_a_few_queries_however_many_wait(
    make, post, author, moderator, django_assert_max_num_queries
):
    for number in range(30):
        make(f"Held {number}.", status=Comment.Status.PENDING)
    from moderation.staff_mail import waiting_for

    # The moderator's permissions (user and groups), then one count.
    with django_assert_max_num_queries(3):
        assert waiting_for(moderator) == 30
    # The author's permissions, whether they wrote a post, then one count.
    with django_assert_max_num_queries(4):
        assert waiting_for(author) == 30
