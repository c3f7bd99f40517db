"""Atom feeds, as a feed reader parses them, and how pages announce them."""

import datetime

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.blog.markup import parse
from tests.factories import AuthorProfileFactory, PostFactory, SeriesFactory

# Feeds' links and ids start with SITE_URL, whatever Host the request came with.
BASE = "https://blog.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = BASE


def _fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


@pytest.fixture
def series(db):
    return {
        "research": SeriesFactory(
            name="ResearchSpeak", slug="researchspeak", description="Notes on new papers."
        ),
        "clinic": SeriesFactory(name="ClinicNotes", slug="clinicnotes"),
    }


@pytest.fixture
def posts(series, author, other_author):
    now = timezone.now()
    return [
        PostFactory(
            title="Oldest research",
            author=author,
            tags=[series["research"]],
            published_at=now - datetime.timedelta(days=30),
        ),
        PostFactory(
            title="Clinic only",
            author=other_author,
            tags=[series["clinic"]],
            published_at=now - datetime.timedelta(days=20),
        ),
        PostFactory(
            title="Newest research",
            author=other_author,
            tags=[series["research"], series["clinic"]],
            body="A *new* paper, [linked](https://example.org/paper).",
            published_at=now - datetime.timedelta(days=1),
        ),
        PostFactory(title="Research draft", author=author, tags=[series["research"]], draft=True),
        PostFactory(
            title="Research scheduled",
            author=author,
            tags=[series["research"]],
            published_at=now + datetime.timedelta(days=1),
        ),
    ]


def test_main_feed_lists_published_posts_newest_first(client, posts):
    feed = _fetch(client, reverse("blog:feed"))

    assert feed.feed.title == "Colloquy"
    assert feed.feed.subtitle == "Research, discussed in the open"
    assert feed.feed.link == f"{BASE}/"
    assert [entry.title for entry in feed.entries] == [
        "Newest research",
        "Clinic only",
        "Oldest research",
    ]
    assert [entry.link for entry in feed.entries] == [
        f"{BASE}/posts/{post.slug}/" for post in (posts[2], posts[1], posts[0])
    ]
    assert [entry.author for entry in feed.entries] == ["Prof Lin", "Prof Lin", "Dr Amara Osei"]


def test_feed_entry_carries_content_date_and_series(client, posts):
    newest = _fetch(client, reverse("blog:feed")).entries[0]

    assert '<em>new</em> paper, <a href="https://example.org/paper"' in newest.summary
    published = datetime.datetime(*newest.published_parsed[:6], tzinfo=datetime.UTC)
    assert abs(published - posts[2].published_at) < datetime.timedelta(seconds=1)
    assert {tag.term for tag in newest.tags} == {"ResearchSpeak", "ClinicNotes"}


def test_series_feed_has_only_that_series_published_posts(client, posts):
    feed = _fetch(client, reverse("blog:series_feed", kwargs={"slug": "researchspeak"}))

    assert feed.feed.title == "Colloquy: #ResearchSpeak"
    assert feed.feed.subtitle == "Notes on new papers."
    assert feed.feed.link == f"{BASE}/series/researchspeak/"
    assert [entry.title for entry in feed.entries] == ["Newest research", "Oldest research"]
    assert [entry.link for entry in feed.entries] == [
        f"{BASE}{posts[2].get_absolute_url()}",
        f"{BASE}{posts[0].get_absolute_url()}",
    ]
    assert [entry.author for entry in feed.entries] == ["Prof Lin", "Dr Amara Osei"]


def test_feed_author_falls_back_to_username(client, db):
    PostFactory(author__username="guest-writer")
    assert _fetch(client, reverse("blog:feed")).entries[0].author == "guest-writer"


def test_feed_author_uses_profile_display_name(client, db):
    profile = AuthorProfileFactory(display_name="Tomás Reyes")
    PostFactory(author=profile.user)
    assert _fetch(client, reverse("blog:feed")).entries[0].author == "Tomás Reyes"


def test_feed_is_capped_at_twenty_entries(client, db, django_assert_max_num_queries):
    for day in range(25):
        PostFactory(published_at=timezone.now() - datetime.timedelta(days=day + 1))
    with django_assert_max_num_queries(4):
        feed = _fetch(client, reverse("blog:feed"))
    assert len(feed.entries) == 20


def test_empty_and_unknown_series_feeds(client, series):
    assert _fetch(client, reverse("blog:series_feed", kwargs={"slug": "clinicnotes"})).entries == []
    assert client.get(reverse("blog:series_feed", kwargs={"slug": "nope"})).status_code == 404


def _alternate_feeds(response) -> dict[str, str]:
    head = parse(response.text).find("head")
    return {
        link.attrs["href"]: link.attrs.get("title")
        for link in head.find_all("link", rel="alternate", type="application/atom+xml")
    }


def test_home_page_head_announces_the_feed(client, posts):
    feeds = _alternate_feeds(client.get(reverse("blog:post_list")))
    assert feeds["/feed/"] == "Colloquy: all posts"


def test_series_page_head_announces_its_feed_and_the_main_one(client, posts):
    feeds = _alternate_feeds(client.get(reverse("blog:series", kwargs={"slug": "researchspeak"})))
    assert feeds["/series/researchspeak/feed/"] == "#ResearchSpeak"
    assert "/feed/" in feeds
    # The announced feed is the one that parses.
    assert _fetch(client, "/series/researchspeak/feed/").feed.title == "Colloquy: #ResearchSpeak"
