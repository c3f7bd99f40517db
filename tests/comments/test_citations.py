"""Issue 23, item 1: a comment citing another by its label ("Anon 23:42 (2)") links to it
when exactly one comment every reader sees has that label; never to a hidden one, never
when the citation could mean two."""

import datetime
import re

import pytest
from django.utils import timezone

from comments.citations import minutes_meant
from comments.models import Comment
from moderation.services import comment_approve
from tests.comments.test_thread import make_thread, post_page_queries, warm_site_caches

UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}


def at(hour: int, minute: int, second: int = 0, *, day: int = 3) -> datetime.datetime:
    zone = timezone.get_default_timezone()
    return datetime.datetime(2026, 12, day, hour, minute, second, tzinfo=zone)


def citations(html: str, comment: Comment) -> dict[str, int]:
    """The citation links in ``comment``'s text on the page: words → cited id."""
    item = re.search(rf'<li id="comment-{comment.pk}".*?</li>', html, re.S).group()
    body = re.search(r'<div class="comment-body">(.*?)</div>', item, re.S).group(1)
    found = re.findall(
        r'<a class="citation" href="[^"]*" data-cites="(\d+)"[^>]*>([^<]*)</a>', body
    )
    return {words: int(pk) for pk, words in found}


def page(client, post) -> str:
    return client.get(post.get_absolute_url(), **UA).text


@pytest.fixture
def minute_of_three(make):
    """Three anonymous comments at 23:42, all shown."""
    return [make(f"Comment {n}.", submitted_at=at(23, 42, 10 * n)) for n in range(1, 4)]


def test_an_exact_label_links_to_its_comment(client, make, post, minute_of_three):
    first, second, _third = minute_of_three
    reply = make("Anon 23:42 (2), I agree. Anonymous 23:42 was wrong.", submitted_at=at(23, 50))
    html = page(client, post)
    assert citations(html, reply) == {"Anon 23:42 (2)": second.pk, "Anonymous 23:42": first.pk}
    assert f'<a class="citation" href="#comment-{second.pk}"' in html


@pytest.mark.parametrize(
    ("written", "hour", "minute"),
    [("Anon 6:45pm", 18, 45), ("anon 6.45 p.m.", 18, 45), ("Anon 1.41", 13, 41),
     ("Anonymous 09:05", 9, 5), ("Anon 12:10am", 0, 10)],
)  # fmt: skip
def test_the_formats_readers_write(client, make, post, written, hour, minute):
    cited = make("The one cited.", submitted_at=at(hour, minute, 30))
    make("Another minute.", submitted_at=at(hour, (minute + 1) % 60, 30))
    reply = make(f"{written} - thank you, that helps.", submitted_at=at(23, 59))
    assert citations(page(client, post), reply) == {written: cited.pk}


def test_a_time_that_may_mean_two_comments_links_to_neither(client, make, post):
    make("At night.", submitted_at=at(1, 41))
    make("In the afternoon.", submitted_at=at(13, 41))
    reply = make("Anon 1.41, which one?", submitted_at=at(23, 0))
    assert citations(page(client, post), reply) == {}


def test_a_hidden_comment_is_never_linked(client, make, post, moderator,
                                         django_capture_on_commit_callbacks):  # fmt: skip
    make("Shown first.", submitted_at=at(23, 42, 1))
    held = make("Held second.", submitted_at=at(23, 42, 2), status=Comment.Status.PENDING)
    reply = make("Anon 23:42 (2) has a point.", submitted_at=at(23, 45))
    assert citations(page(client, post), reply) == {}
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment=held, actor=moderator)
    # Approving it changes the page: the citation now leads to it.
    assert citations(page(client, post), reply) == {"Anon 23:42 (2)": held.pk}


def test_a_bare_time_means_the_minute_s_only_shown_comment(client, make, post):
    """ "Anon 23:42" when the minute's first comment is held and one other is shown: the
    reader can only mean that one. With two shown after a hidden first: ambiguous."""
    make("Held.", submitted_at=at(23, 42, 1), status=Comment.Status.PENDING)
    second = make("Shown.", submitted_at=at(23, 42, 2))
    reply = make("Anon 23:42 yes.", submitted_at=at(23, 45))
    assert citations(page(client, post), reply) == {"Anon 23:42": second.pk}
    make("Shown too.", submitted_at=at(23, 42, 3))
    assert citations(page(client, post), reply) == {}


def test_no_link_to_a_later_comment_itself_or_another_post(client, make, post, other_post):
    reply = make("As Anon 20:15 will say, and Anon 20:10 said elsewhere.", submitted_at=at(20, 12))
    make("Later.", submitted_at=at(20, 15))
    make("On another post.", submitted_at=at(20, 10), post=other_post)
    myself = make("Anon 20:30 is me.", submitted_at=at(20, 30))
    html = page(client, post)
    assert citations(html, reply) == {}
    assert citations(html, myself) == {}


def test_a_named_comment_and_a_writer_s_own_link_are_left_alone(client, make, post):
    make("Ruth here.", name="Ruth", submitted_at=at(10, 0))
    anonymous = make("Anonymous.", submitted_at=at(10, 1))
    reply = make(
        "Anon 10:00 is Ruth. See https://example.org/anon-10:01 and Anon 10:01.",
        submitted_at=at(10, 30),
    )
    html = page(client, post)
    assert citations(html, reply) == {"Anon 10:01": anonymous.pk}
    assert 'href="https://example.org/anon-10:01"' in html


def test_a_citation_of_a_comment_on_another_page_uses_its_permalink(client, make, post, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    cited = make("On page one.", submitted_at=at(8, 0))
    reply = make("Anon 08:00, quite.", submitted_at=at(8, 30))
    html = client.get(post.get_absolute_url() + "?cpage=2", **UA).text
    assert f'<a class="citation" href="/comments/{cited.pk}/" data-cites="{cited.pk}"' in html
    assert citations(html, reply) == {"Anon 08:00": cited.pk}


def test_citations_cost_one_query_whatever_their_number(client, make, post, settings):
    """The targets are read once, and only when a text on the page cites a time: the
    published anonymous comments of the minutes cited, not every comment of the post."""
    settings.COMMENTS_THREADS_PER_PAGE = 10_000
    warm_site_caches(client)
    make_thread(make, 10)
    make("Anonymous readers agree, with no time named.")
    without = post_page_queries(client, post)
    make("Anon 13:00 (2) agrees.")
    one = post_page_queries(client, post)
    for n in range(1, 20):
        make(f"Anon 13:{n:02d} (2) and Anonymous 1.{n:02d}pm agree.")
    assert post_page_queries(client, post) == one == without + 1


def test_minutes_meant():
    assert minutes_meant("23", "42", None) == [23 * 60 + 42]
    assert minutes_meant("1", "41", None) == [60 + 41, 13 * 60 + 41]
    assert minutes_meant("12", "05", None) == [12 * 60 + 5, 5]
    assert minutes_meant("6", "45", "p") == [18 * 60 + 45]
    assert minutes_meant("12", "05", "a") == [5]
    assert minutes_meant("24", "00", None) == []
    assert minutes_meant("13", "00", "p") == []
