"""Sitemap pages are runs of post ids, each read by its id range (issue 15): every published
post on exactly one page, no OFFSET and no count of every post, and a post keeps its page
as later posts are published."""

import datetime
import xml.etree.ElementTree as ET

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.blog.sitemap import NS, page_locations, sitemap_pages
from tests.factories import PostFactory

ORIGIN = "http://testserver"


def _post_pages(client) -> list[str]:
    return [page for page in sitemap_pages(client) if "sitemap-posts" in page]


@override_settings(SITEMAP_PAGE_SIZE=3)
def test_every_published_post_is_on_exactly_one_page(client, db):
    posts = []
    for number in range(11):
        draft = number % 4 == 1
        posts.append(PostFactory(draft=draft) if draft else PostFactory())
    posts.append(PostFactory(published_at=timezone.now() + datetime.timedelta(days=1)))
    posts.pop(5).delete()

    pages = [page_locations(client, page) for page in _post_pages(client)]

    listed = [location for page in pages for location in page]
    published = [ORIGIN + p.get_absolute_url() for p in posts if p.is_published]
    assert sorted(listed) == sorted(published)
    assert len(listed) == len(set(listed))
    assert all(1 <= len(page) <= 3 for page in pages)


@override_settings(SITEMAP_PAGE_SIZE=2)
def test_a_post_keeps_its_page_when_later_posts_are_published(client, db):
    first = [PostFactory() for _ in range(3)]
    before = {page: page_locations(client, page) for page in _post_pages(client)}

    for _ in range(3):
        PostFactory()
    after = {page: page_locations(client, page) for page in _post_pages(client)}

    assert ORIGIN + first[0].get_absolute_url() in after[min(before)]
    assert all(after[page][: len(urls)] == urls for page, urls in before.items())
    assert len(after) == 3


@override_settings(SITEMAP_PAGE_SIZE=2)
def test_a_page_reads_its_slice_with_one_query_and_no_offset_or_count(client, db):
    for _ in range(7):
        PostFactory()
    last = _post_pages(client)[-1]

    with CaptureQueriesContext(connection) as queries:
        response = client.get(last.removeprefix(ORIGIN))

    assert response.status_code == 200
    assert len(queries) == 2  # the first and last published ids, then the page's posts
    assert not any("OFFSET" in q["sql"] or "COUNT(" in q["sql"] for q in queries)


def test_a_url_carries_its_lastmod_and_change_frequency(client, db):
    post = PostFactory(slug="relapse-rates")

    root = ET.fromstring(client.get("/sitemap-posts.xml").content)  # noqa: S314 - ours

    [url] = root.findall("sm:url", NS)
    assert url.find("sm:loc", NS).text == ORIGIN + "/posts/relapse-rates/"
    lastmod = timezone.localtime(post.updated_at).date().isoformat()
    assert url.find("sm:lastmod", NS).text == lastmod
    assert url.find("sm:changefreq", NS).text == "weekly"


def test_an_odd_page_number_is_not_found(client, db):
    PostFactory()

    for page in ["0", "-1", "two", "2"]:
        assert client.get("/sitemap-posts.xml", {"p": page}).status_code == 404
