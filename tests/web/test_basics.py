"""What an adopter checks first: the page's language says what its text is, one cached copy
per shipped language, the admin titled for the site, feed ids that do not follow the Host."""

import feedparser
import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import CommentMaker, PostFactory, SeriesFactory

UA = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}


@pytest.fixture
def page_cache(settings):
    settings.POST_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_a_reader_asking_for_german_gets_the_english_page_labelled_english(client, post):
    response = client.get(post.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9", **UA)

    assert '<html lang="en-gb">' in response.text
    assert response.headers["Content-Language"] == "en-gb"
    assert "Leave a comment" in response.text


def test_one_cached_copy_serves_readers_of_every_language(client, post, page_cache):
    english = client.get(post.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-GB", **UA)
    german = client.get(post.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de", **UA)
    french = client.get(
        post.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr", HTTP_IF_NONE_MATCH=english["ETag"], **UA
    )

    assert german.content == english.content
    assert german["ETag"] == english["ETag"]
    assert french.status_code == 304  # the English copy's tag is the French reader's too


def test_the_admin_is_titled_for_the_site(client, superuser, settings):
    login = client.get(reverse("admin:login")).text
    assert "<title>Log in | Colloquy admin</title>" in login
    assert "Django administration" not in login

    client.force_login(superuser)
    index = client.get(reverse("admin:index")).text
    assert '<a href="/admin/">Colloquy</a>' in index
    assert "Posts, comments and moderation" in index


@pytest.mark.parametrize("host", ["blog.example.org", "evil.example"])
def test_feed_ids_and_links_start_with_site_url_whatever_the_host(client, settings, author, host):
    settings.SITE_URL = "https://blog.example.org"
    settings.ALLOWED_HOSTS = ["blog.example.org", "evil.example"]
    series = SeriesFactory(name="ResearchSpeak", slug="researchspeak")
    post = PostFactory(author=author, slug="relapse-rates", tags=[series])
    CommentMaker(post)("A reader's question.")
    feeds = [
        reverse("blog:feed"),
        reverse("blog:series_feed", args=["researchspeak"]),
        reverse("comments:feed", args=["relapse-rates"]),
    ]
    for url in feeds:
        response = client.get(url, HTTP_HOST=host, **UA)
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.bozo_exception
        addresses = [feed.feed.id, feed.feed.link] + [
            address for entry in feed.entries for address in (entry.id, entry.link)
        ]
        assert len(addresses) == 4
        assert all(a.startswith("https://blog.example.org/") for a in addresses), addresses
        assert b"evil.example" not in response.content
