"""Issue 11, times readers can cite: every comment's date and time of day in the page, and
anonymous comments labelled by it ("Anonymous 13:41", "Anonymous 13:41 (2)")."""

import datetime
import re

from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from comments.models import Comment
from comments.thread import remember_own

UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}


def at(hour, minute, second, *, day=3):
    zone = timezone.get_default_timezone()
    return datetime.datetime(2026, 12, day, hour, minute, second, tzinfo=zone)


def names(html: str) -> dict[int, str]:
    """comment id → the name in its header, as the page shows it."""
    found = re.findall(
        r'<li id="comment-(\d+)"[^>]*><article[^>]*><header class="comment-header">'
        r'<span id="comment-\d+-by" class="comment-author"><bdi>([^<]*)</bdi>',
        html,
    )
    return {int(pk): name for pk, name in found}


def test_same_minute_anonymous_comments_get_distinct_stable_labels(client, make, post):
    first = make("First.", submitted_at=at(13, 41, 5))
    named = make("Named.", name="Ruth", submitted_at=at(13, 41, 20))
    second = make("Second.", submitted_at=at(13, 41, 30))
    # Stored out of submission order: a reply thread's later insert of an earlier comment.
    third = make("Third.", parent=first, submitted_at=at(13, 41, 59))
    other_minute = make("Later.", submitted_at=at(13, 42, 0))
    held = make("Held.", submitted_at=at(13, 41, 10), status=Comment.Status.PENDING)
    html = client.get(post.get_absolute_url(), **UA).text
    shown = names(html)
    assert shown == {
        first.pk: "Anonymous 13:41",
        named.pk: "Ruth",
        second.pk: "Anonymous 13:41 (2)",
        third.pk: "Anonymous 13:41 (3)",
        other_minute.pk: "Anonymous 13:42",
    }
    # Stable across loads, and the held comment (not shown) took no number.
    assert names(Client().get(post.get_absolute_url(), **UA).text) == shown
    assert held.pk not in shown
    # The date and time of day are in the page, no script needed.
    assert '<time datetime="2026-12-03T13:41:05+00:00">3 Dec 2026, 13:41</time>' in html


def test_quoting_and_in_reply_to_use_the_label(client, make, post, settings):
    settings.COMMENTS_MAX_DEPTH = 2
    root = make("Root.", submitted_at=at(9, 0, 0))
    make("Another.", submitted_at=at(9, 0, 30))
    answered = make("The infusion is next year.", parent=root, submitted_at=at(9, 1, 0))
    # Deeper than the maximum depth: sits beside `answered`, says whom it answers.
    reply = make("Which infusion?", parent=answered, quote="The infusion", submitted_at=at(9, 5, 0))
    reply.parent = root
    reply.save()
    html = client.get(post.get_absolute_url(), **UA).text
    assert "<bdi>Anonymous 09:01</bdi>" in html
    assert f'<a href="#comment-{answered.pk}">quoting <bdi>Anonymous 09:01</bdi></a>' in html


def test_a_placeholder_reveals_no_name(client, make, post):
    """A removed comment kept as a placeholder is "a removed comment", not its name; the
    held comment earlier in the minute keeps its number (labels are fixed: issue 23)."""
    make("Held first.", submitted_at=at(8, 15, 1), status=Comment.Status.PENDING)
    shown = make("Shown.", submitted_at=at(8, 15, 40))
    removed = make("Gone.", name="Secret Name", status=Comment.Status.REMOVED)
    make("Reply to the removed one.", parent=removed, quote="Gone.")
    html = client.get(post.get_absolute_url(), **UA).text
    assert names(html)[shown.pk] == "Anonymous 08:15 (2)"
    assert "Secret Name" not in html
    # The quote of a removed comment is not shown, nor whom it quoted.
    assert "quoted text removed by a moderator" in html


def test_own_held_comment_keeps_the_number_it_was_given(client, make, post):
    held = make("Mine.", submitted_at=at(10, 0, 1), status=Comment.Status.PENDING)
    public = make("Public.", submitted_at=at(10, 0, 50))
    kept = HttpResponse()
    remember_own(RequestFactory().get("/"), kept, held)  # as when they posted it
    client.cookies.update(kept.cookies)
    shown = names(client.get(post.get_absolute_url(), **UA).text)
    assert shown[held.pk] == "Anonymous 10:00"
    assert shown[public.pk] == "Anonymous 10:00 (2)"
    # Everyone else sees the same label for the public one.
    assert names(Client().get(post.get_absolute_url(), **UA).text)[public.pk] == (
        "Anonymous 10:00 (2)"
    )


def test_reply_page_names_the_comment_by_its_label(client, make, post):
    make("First.", submitted_at=at(13, 41, 5))
    second = make("Second.", submitted_at=at(13, 41, 30))
    html = client.get(f"/comments/{second.pk}/reply/", **UA).text
    assert "Reply to <bdi>Anonymous 13:41 (2)</bdi>" in html
    assert "3 Dec 2026, 13:41" in html
