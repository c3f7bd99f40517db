"""Who sees a post when: drafts and scheduled posts stay out of every reader-facing page."""

import datetime

import feedparser
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.blog.markup import parse
from tests.blog.sitemap import sitemap_locations
from tests.factories import PostFactory, SeriesFactory, UserFactory


def _links(response) -> set[str]:
    return {node.attrs.get("href") for node in parse(response.text).find_all("a")}


def _feed_links(response) -> set[str]:
    assert response.status_code == 200
    return {entry.link for entry in feedparser.parse(response.content).entries}


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"  # feed links start with SITE_URL, not the Host


@pytest.fixture
def posts(author):
    """The same series, author and search term; one post in each publishing state."""
    series = SeriesFactory(name="ResearchSpeak")
    now = timezone.now()
    return {
        "published": PostFactory(
            title="Zymurgy published",
            author=author,
            tags=[series],
            published_at=now - datetime.timedelta(minutes=5),
        ),
        "draft": PostFactory(title="Zymurgy draft", author=author, tags=[series], draft=True),
        "scheduled": PostFactory(
            title="Zymurgy scheduled",
            author=author,
            tags=[series],
            published_at=now + datetime.timedelta(hours=2),
        ),
    }


def _on_home(client, post):
    return post.get_absolute_url() in _links(client.get(reverse("blog:post_list")))


def _on_feed(client, post):
    return _absolute(post.get_absolute_url()) in _feed_links(client.get(reverse("blog:feed")))


def _on_series_feed(client, post):
    url = reverse("blog:series_feed", kwargs={"slug": "researchspeak"})
    return _absolute(post.get_absolute_url()) in _feed_links(client.get(url))


def _on_sitemap(client, post):
    return f"http://testserver{post.get_absolute_url()}" in sitemap_locations(client)


def _on_search(client, post):
    response = client.get(reverse("blog:search"), {"q": "zymurgy"})
    return post.get_absolute_url() in _links(response)


def _on_series_page(client, post):
    response = client.get(reverse("blog:series", kwargs={"slug": "researchspeak"}))
    return post.get_absolute_url() in _links(response)


def _on_author_page(client, post):
    response = client.get(reverse("blog:author", kwargs={"slug": "amara"}))
    return post.get_absolute_url() in _links(response)


def _on_archive_page(client, post):
    # Look in the month the post is (or would be) dated, and in the current month.
    months = {timezone.localdate().replace(day=1)}
    if post.published_at:
        months.add(timezone.localtime(post.published_at).date().replace(day=1))
    for month in months:
        url = reverse("blog:month_archive", kwargs={"year": month.year, "month": month.month})
        if post.get_absolute_url() in _links(client.get(url)):
            return True
    return False


READER_PAGES = {
    "home": _on_home,
    "feed": _on_feed,
    "series feed": _on_series_feed,
    "sitemap": _on_sitemap,
    "search": _on_search,
    "series page": _on_series_page,
    "author page": _on_author_page,
    "archive page": _on_archive_page,
}


@pytest.mark.parametrize("page", READER_PAGES)
def test_only_published_posts_reach_reader_pages(client, posts, page):
    on_page = READER_PAGES[page]
    assert on_page(client, posts["published"]), f"published post missing from {page}"
    assert not on_page(client, posts["draft"]), f"draft shown on {page}"
    assert not on_page(client, posts["scheduled"]), f"scheduled post shown on {page}"


@pytest.mark.parametrize("page", READER_PAGES)
def test_staff_do_not_see_drafts_in_listings_either(admin_client, posts, page):
    """Lists, feeds and search are the public site; drafts are previewed one at a time."""
    on_page = READER_PAGES[page]
    assert on_page(admin_client, posts["published"])
    assert not on_page(admin_client, posts["draft"])
    assert not on_page(admin_client, posts["scheduled"])


def test_scheduled_post_appears_once_its_time_has_come(client, posts):
    scheduled = posts["scheduled"]
    scheduled.published_at = timezone.now() - datetime.timedelta(seconds=1)
    scheduled.save()
    assert _on_home(client, scheduled)
    assert client.get(scheduled.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_post_page_is_404_for_readers(client, posts, state):
    assert client.get(posts[state].get_absolute_url()).status_code == 404


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_post_page_is_404_for_a_logged_in_non_staff_user(client, posts, state):
    client.force_login(UserFactory(username="reader-with-account"))
    assert client.get(posts[state].get_absolute_url()).status_code == 404


@pytest.mark.parametrize(("state", "badge"), [("draft", "Draft"), ("scheduled", "Scheduled")])
def test_staff_preview_an_unpublished_post_uncached_and_unindexed(
    admin_client, posts, state, badge
):
    response = admin_client.get(posts[state].get_absolute_url())

    assert response.status_code == 200
    cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "must-revalidate", "private"} <= cache_control
    page = parse(response.text)
    assert page.find("h1").text == posts[state].title
    assert page.find("strong", cls="badge-draft").text == badge
    assert page.find("meta", name="robots").attrs["content"] == "noindex"


def test_published_post_page_is_public_and_cacheable(client, posts):
    response = client.get(posts["published"].get_absolute_url())

    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    page = parse(response.text)
    assert page.find("h1").text == "Zymurgy published"
    assert not page.find_all("strong", cls="badge-draft")
    assert not page.find_all("meta", name="robots")


def test_unknown_post_is_404(client, db):
    assert client.get(reverse("blog:post", kwargs={"slug": "no-such-post"})).status_code == 404
