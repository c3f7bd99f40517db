"""Issue 23, exactly once: Back and Post again stores one comment and takes the writer to it
("You already posted this"); the same text from the same writer on the same post within
the window is refused with a link to the first. (In Chromium: tests/e2e/test_back_post.py.)"""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from comments import once
from comments.models import Comment
from moderation.services import comment_approve, comment_reject
from tests.blog.markup import parse
from tests.factories import UserFactory

UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}
ONCE = re.compile(r'name="once" value="([^"]*)"')


def post_url(post):
    return f"/comments/post/{post.pk}/"


def reader(address: str) -> Client:
    """A reader's browser: its own cookies, its own address."""
    return Client(REMOTE_ADDR=address, **UA)


def key_on(html: str) -> str:
    return ONCE.search(html).group(1)


def messages_on(client: Client, url: str) -> str:
    page = parse(client.get(url).text)
    return " ".join(node.text for node in page.find_all(role="status"))


@pytest.fixture
def marek(make):
    return make("Averages are tricky.", name="Marek")


def test_the_reply_page_carries_a_key_and_posting_it_again_stores_one_reply(post, marek):
    ruth = reader("198.51.100.1")
    key = key_on(ruth.get(f"/comments/{marek.pk}/reply/").text)
    assert once.KEY_PATTERN.fullmatch(key)
    sent = {"parent": marek.pk, "body": "Mine were the same.", "once": key}
    first = ruth.post(post_url(post), sent)
    again = ruth.post(post_url(post), sent)  # Back, then Post again
    reply = Comment.objects.get(body="Mine were the same.")
    assert reply.parent == marek
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert again["Location"].endswith(f"#comment-{reply.pk}")
    assert "You already posted this comment: here it is." in messages_on(ruth, again["Location"])


def test_each_reply_page_makes_a_new_key(post, marek):
    ruth = reader("198.51.100.1")
    keys = {key_on(ruth.get(f"/comments/{marek.pk}/reply/").text) for _ in range(3)}
    assert len(keys) == 3


def test_the_key_alone_proves_the_writer(post, marek):
    # The key is the form's own: another address, no cookie, and still the same comment.
    key = once.new_key()
    sent = {"parent": marek.pk, "body": "Sent from the train.", "once": key}
    reader("198.51.100.1").post(post_url(post), sent)
    again = reader("198.51.100.2").post(post_url(post), sent)
    assert again.status_code == 302
    assert Comment.objects.filter(body="Sent from the train.").count() == 1


def test_back_then_changing_the_text_posts_the_new_text(post, marek):
    ruth = reader("198.51.100.1")
    key = once.new_key()
    ruth.post(post_url(post), {"parent": marek.pk, "body": "Mine were the same.", "once": key})
    ruth.post(post_url(post), {"parent": marek.pk, "body": "Mine were not.", "once": key})
    assert sorted(Comment.objects.filter(parent=marek).values_list("body", flat=True)) == [
        "Mine were not.",
        "Mine were the same.",
    ]


def test_the_cached_form_without_a_key_falls_back_to_the_writers_own_comments(client, post):
    # The anonymous post page is the same bytes for everyone: its key field is empty.
    html = Client(**UA).get(post.get_absolute_url()).text
    assert key_on(html) == ""
    assert html == Client(**UA).get(post.get_absolute_url()).text
    ruth = reader("198.51.100.1")
    sent = {"author_name": "Ruth", "body": "Does this include placebo?", "once": ""}
    first = ruth.post(post_url(post), sent)
    again = ruth.post(post_url(post), sent)
    comment = Comment.objects.get()
    assert again["Location"] == first["Location"]
    assert "You already posted this" in messages_on(ruth, again["Location"])
    assert comment.status == "pending"  # still theirs to see: the cookie says so


def test_the_same_words_elsewhere_are_refused_with_a_link_to_the_first(post, marek):
    # The reply lost its parent (Back without JavaScript's help) and came as a top-level copy.
    ruth = reader("198.51.100.1")
    ruth.post(post_url(post), {"parent": marek.pk, "body": "Mine were the same."})
    response = ruth.post(post_url(post), {"body": "Mine were the same."})
    assert response.status_code == 409
    reply = Comment.objects.get(body="Mine were the same.")
    page = parse(response.text)
    summary = page.find(id="error-summary")
    assert "You already posted this comment on this post, at" in summary.text
    link = [a for a in summary.find_all("a") if a.text == "See the comment you already posted"]
    assert link[0].attrs["href"].endswith(f"#comment-{reply.pk}")
    assert page.find("textarea", name="body").text == "Mine were the same."


def test_another_reader_may_say_the_same(post):
    reader("198.51.100.1").post(post_url(post), {"body": "+1"})
    reader("198.51.100.2").post(post_url(post), {"body": "+1"})
    assert Comment.objects.filter(body="+1").count() == 2


def test_a_held_comment_is_no_oracle_for_its_address_or_email(post):
    # Same address (a shared one), same typed email, no cookie: a held text stays unknown.
    sent = {"author_email": "ruth@example.org", "body": "My diagnosis was in May."}
    reader("198.51.100.1").post(post_url(post), sent)
    response = reader("198.51.100.1").post(post_url(post), sent)
    assert response.status_code == 302
    assert Comment.objects.filter(body="My diagnosis was in May.").count() == 2


def test_a_published_comment_is_matched_by_address_or_email(post, moderator):
    sent = {"author_email": "ruth@example.org", "body": "Thanks, that helps."}
    reader("198.51.100.1").post(post_url(post), sent)
    comment_approve(comment=Comment.objects.get(), actor=moderator)
    by_address = reader("198.51.100.1").post(post_url(post), {"body": "Thanks, that helps."})
    by_email = reader("198.51.100.9").post(post_url(post), sent)
    assert by_address.status_code == by_email.status_code == 302
    assert Comment.objects.count() == 1


def test_signed_in_writers_are_matched_by_account(client, post, moderator):
    client.force_login(moderator)
    client.post(post_url(post), {"body": "Please keep to the topic."})
    response = client.post(post_url(post), {"body": "Please keep to the topic."})
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_after_the_window_the_same_words_are_a_new_comment(post, settings):
    ruth = reader("198.51.100.1")
    ruth.post(post_url(post), {"body": "Good morning."})
    earlier = timezone.now() - datetime.timedelta(minutes=31)
    Comment.objects.filter(body="Good morning.").update(submitted_at=earlier)  # time passes
    assert settings.COMMENTS_REPEAT_WINDOW_MINUTES == 30
    ruth.post(post_url(post), {"body": "Good morning."})
    assert Comment.objects.filter(body="Good morning.").count() == 2


def test_a_rejected_comment_may_be_sent_again(post, moderator):
    ruth = reader("198.51.100.1")
    ruth.post(post_url(post), {"body": "Is this allowed?"})
    comment_reject(comment=Comment.objects.get(), actor=moderator, reason="off topic")
    ruth.post(post_url(post), {"body": "Is this allowed?"})
    assert Comment.objects.filter(body="Is this allowed?").count() == 2


def test_a_form_sent_back_with_errors_keeps_its_key(post):
    key = once.new_key()
    response = reader("198.51.100.1").post(
        post_url(post), {"author_email": "not-an-email", "body": "Hi.", "once": key}
    )
    assert response.status_code == 400
    assert key_on(response.text) == key


def test_a_key_that_is_not_ours_is_ignored(post):
    ruth = reader("198.51.100.1")
    response = ruth.post(post_url(post), {"body": "Hello.", "once": "<script>"})
    assert response.status_code == 302
    assert once.key_from(type("R", (), {"POST": {"once": "x" * 65}})()) == ""


def test_a_repeat_counts_against_the_rate_limit(post):
    from moderation.models import SubmissionAttempt

    ruth = reader("198.51.100.1")
    ruth.post(post_url(post), {"body": "Once."})
    ruth.post(post_url(post), {"body": "Once."})
    assert SubmissionAttempt.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_double_click_stores_one_comment():
    """Two submissions of one form at once (a double click, a retrying proxy): the writer's
    lock lets one check and store while the other waits, then finds it."""
    import threading

    from django.db import connection

    from comments.services import Submission
    from tests.factories import PostFactory

    post = PostFactory()
    key = once.new_key()
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def send() -> None:
        try:
            start.wait()
            once.comment_submit_once(
                post=post, submission=Submission(body="Clicked twice."), key=key,
                ip="198.51.100.1",
            )  # fmt: skip
            outcomes.append("stored")
        except once.AlreadyPosted:
            outcomes.append("already posted")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already posted"] * 3 + ["stored"]
    assert Comment.objects.filter(body="Clicked twice.").count() == 1


def test_a_signed_in_reader_sent_to_their_held_comment_sees_it(post):
    member = UserFactory(username="member", first_name="Mem", last_name="Ber")
    browser = reader("198.51.100.1")
    browser.force_login(member)
    browser.post(post_url(post), {"body": "Held, being new."})
    comment = Comment.objects.get()
    assert comment.status == "pending"
    again = reader("198.51.100.1")  # the same account, another browser: no own cookie yet
    again.force_login(member)
    response = again.post(post_url(post), {"body": "Held, being new."})
    assert response.status_code == 302
    page = again.get(response["Location"]).text
    assert "Held, being new." in page and "You already posted this" in page
