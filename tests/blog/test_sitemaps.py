"""The sitemap is an index of pages, each under SITEMAP_PAGE_SIZE URLs (issue 15)."""

from django.test import override_settings

from tests.blog.sitemap import page_locations, sitemap_locations, sitemap_pages
from tests.factories import PostFactory, SeriesFactory


@override_settings(SITEMAP_PAGE_SIZE=2)
def test_sitemap_index_splits_posts_into_pages_of_the_configured_size(client, db):
    series = SeriesFactory(name="ResearchSpeak", slug="researchspeak")
    posts = [PostFactory(tags=[series]) for _ in range(5)]
    draft = PostFactory(draft=True)

    pages = sitemap_pages(client)

    assert pages == [
        "http://testserver/sitemap-posts.xml",
        "http://testserver/sitemap-posts.xml?p=2",
        "http://testserver/sitemap-posts.xml?p=3",
        "http://testserver/sitemap-series.xml",
    ]
    assert [len(page_locations(client, page)) for page in pages] == [2, 2, 1, 1]
    locations = sitemap_locations(client)
    expected = {"http://testserver" + post.get_absolute_url() for post in posts}
    assert sorted(loc for loc in locations if "/posts/" in loc) == sorted(expected)
    assert "http://testserver" + draft.get_absolute_url() not in locations


@override_settings(SITEMAP_PAGE_SIZE=2)
def test_sitemap_page_beyond_the_last_is_not_found(client, db):
    PostFactory()

    assert client.get("/sitemap-posts.xml?p=2").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


@override_settings(SITEMAP_PAGE_SIZE=2)
def test_sitemap_index_and_a_page_take_the_same_queries_however_many_posts(
    client, db, django_assert_max_num_queries
):
    for _ in range(3):
        PostFactory()
    with django_assert_max_num_queries(6) as few:
        client.get("/sitemap.xml")
        client.get("/sitemap-posts.xml")
    for _ in range(20):
        PostFactory()
    with django_assert_max_num_queries(len(few)):
        client.get("/sitemap.xml")
        client.get("/sitemap-posts.xml")
