"""Issue 11: the comments feed keeps who said what: plain-text names and labels, badges,
quotes, parsed as a feed reader would (feedparser)."""

import datetime

import feedparser
from django.utils import timezone

from comments.models import Comment
from comments.services import comment_create_as_is

INVISIBLE = ("\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u202a", "\u202e")


def test_feed_names_badges_labels_and_quotes(client, post, author, make):
    at = timezone.make_aware(datetime.datetime(2026, 12, 3, 13, 41, 5))
    first = make("Is the infusion safe?", submitted_at=at)
    make("Same minute, another reader.", submitted_at=at + datetime.timedelta(seconds=20))
    comment_create_as_is(
        post=post, parent=first, body="Ask your neurologist.", quote="the infusion",
        status=Comment.Status.APPROVED, submitted_at=at + datetime.timedelta(minutes=5),
        source="test", author_name="Dr Amara Osei", user=author, role="author",
    )  # fmt: skip
    make("Held.", status=Comment.Status.PENDING, name="Hidden Person")
    response = client.get(f"/comments/feed/{post.slug}/")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0 and feed.version == "atom10"
    authors = [entry.author for entry in feed.entries]
    assert authors == ["Dr Amara Osei · Author", "Anonymous 13:41 (2)", "Anonymous 13:41"]
    assert not any(mark in response.content.decode() for mark in INVISIBLE)
    reply = feed.entries[0]
    assert reply.title.startswith("Dr Amara Osei · Author on “")
    assert "<blockquote><p>the infusion</p><p>— quoting Anonymous 13:41</p></blockquote>" in (
        reply.summary
    )
    assert "Hidden Person" not in response.content.decode()


def test_the_menus_feed_link_opens_a_readable_page_and_the_feed_stays_atom(client, post):
    html = client.get("/").text
    assert '<a href="/subscribe/">Feed</a>' in html
    page = client.get("/subscribe/")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "feed reader" in page.text
    assert 'href="/feed/"' in page.text
    feed = feedparser.parse(client.get("/feed/").content)
    assert feed.bozo == 0 and feed.version == "atom10"
