"""An anonymous reader's post comes from one prepared query (blog/reading.py): the same
post, author, profile and series as the ORM's two queries give, and nothing more to fetch."""

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import Post
from blog.reading import published_post
from tests.factories import PostFactory, SeriesFactory, UserFactory

UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}


@pytest.fixture
def series(db):
    return [
        SeriesFactory(name="Zebra Notes", slug="zebra-notes", description="Last by name."),
        SeriesFactory(name="Alpha Notes", slug="alpha-notes", description="First by name."),
    ]


def test_the_post_its_author_profile_and_series_in_one_query(author, series):
    made = PostFactory(author=author, title="Prepared", tags=series, postscript="*P.S.*")
    expected = Post.objects.published().for_listing().get(slug=made.slug)
    with CaptureQueriesContext(connection) as queries:
        post = published_post(made.slug)
        shown = (
            post.author.author_profile.display_name,
            post.author.author_profile.get_absolute_url(),
            post.author.get_username(),
            [(s.name, s.slug, s.description, s.hashtag) for s in post.tags.all()],
        )
    assert len(queries) == 1
    assert shown == (
        "Dr Amara Osei",
        expected.author.author_profile.get_absolute_url(),
        "amara",
        sorted((s.name, s.slug, s.description, s.hashtag) for s in expected.tags.all()),
    )
    assert [s.name for s in post.tags.all()] == ["Alpha Notes", "Zebra Notes"]  # by name
    for field in Post._meta.concrete_fields:
        if field.name != "search_vector":
            assert getattr(post, field.attname) == getattr(expected, field.attname), field.name


def test_the_series_queryset_still_filters_like_the_orms(author, series):
    # The prefetched series are a queryset whose filter is built only when chained on:
    # chained, it must still mean "this post's series", not every series.
    other = SeriesFactory(name="Other Notes", slug="other-notes")
    PostFactory(author=author, tags=[other])
    post = published_post(PostFactory(author=author, tags=series).slug)
    assert list(post.tags.all().order_by("name").values_list("slug", flat=True)) == [
        "alpha-notes",
        "zebra-notes",
    ]
    assert not post.tags.all().filter(slug="other-notes").exists()


def test_every_way_of_reading_a_posts_series_gives_them_by_name(author, series):
    # The prepared query, a list's prefetch and a plain post.tags all agree: a reader sees
    # the series in the same order on the post page, the home page and a signed-in page.
    made = PostFactory(author=author, tags=series)  # Zebra added before Alpha
    listed = Post.objects.published().for_listing().get(pk=made.pk)
    plain = Post.objects.get(pk=made.pk)
    orders = [
        [tag.name for tag in post.tags.all()] for post in (published_post(made.slug), listed, plain)
    ]
    assert orders == [["Alpha Notes", "Zebra Notes"]] * 3


def test_an_author_without_a_profile_and_a_post_without_series(db):
    made = PostFactory(author=UserFactory(username="plain"), title="Bare")
    with CaptureQueriesContext(connection) as queries:
        post = published_post(made.slug)
        with pytest.raises(ObjectDoesNotExist):
            post.author.author_profile  # noqa: B018
        assert list(post.tags.all()) == []
    assert len(queries) == 1


def test_drafts_scheduled_and_unknown_posts_are_not_found(db):
    assert published_post(PostFactory(draft=True).slug) is None
    assert published_post(PostFactory(scheduled=True).slug) is None
    assert published_post("no-such-post") is None


def test_an_anonymous_readers_empty_post_page_takes_two_queries(client, author, series):
    post = PostFactory(author=author, tags=series)
    client.get(PostFactory(slug="warm-up").get_absolute_url(), **UA)  # per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(post.get_absolute_url(), **UA)
    # The post with its author, profile and series; the discussion. (Views are counted
    # in memory: VIEW_COUNT_FLUSH_EVERY is 1 in tests, so their write is left out here.)
    sql = [q["sql"] for q in queries.captured_queries if "dailyviews" not in q["sql"]]
    assert len(sql) == 2, sql
    assert "Dr Amara Osei" in response.text
    assert "#AlphaNotes" in response.text and "First by name." in response.text
