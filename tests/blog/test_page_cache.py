"""Anonymous readers get post pages from the shared cache; every change shows at once."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog import viewcount
from blog.models import PostDailyViews
from comments.models import Comment
from comments.services import Submission, comment_submit
from core import pagecache
from moderation.services import comment_approve, comment_edit
from tests.factories import PostFactory

UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.POST_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post(db):
    return PostFactory(title="Cached post")


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **UA).status_code == 200
    return len(queries)


def test_second_view_is_served_from_cache_with_fewer_queries(post):
    reader = Client()
    cold = queries_for(reader, post.get_absolute_url())
    warm = queries_for(Client(), post.get_absolute_url())
    assert warm < cold
    # Only the view count remains (written at once under the test settings).
    assert warm <= 1


def test_each_reader_gets_their_own_csrf_token_and_can_post(post):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one = first.get(post.get_absolute_url(), **UA)
    page_two = second.get(post.get_absolute_url(), **UA)
    assert page_one.content == page_two.content  # no token in the page: fetched when writing
    token = second.get("/comments/token/").json()["token"]
    assert token != first.get("/comments/token/").json()["token"]
    response = second.post(
        f"/comments/post/{post.pk}/",
        {"body": "Posting from a cached page.", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_approval_and_edit_show_at_once(post, django_capture_on_commit_callbacks):
    reader = Client()
    held = comment_submit(post=post, submission=Submission(body="First words here."))
    assert "First words here." not in reader.get(post.get_absolute_url(), **UA).text
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment=held, actor=post.author)
    assert "First words here." in Client().get(post.get_absolute_url(), **UA).text
    post.author.groups.add(
        *__import__("django.contrib.auth.models", fromlist=["Group"]).Group.objects.filter(
            name="Moderators"
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        comment_edit(
            comment=Comment.objects.get(pk=held.pk),
            actor=type(post.author).objects.get(pk=post.author.pk),
            reason="tidy",
            body="Changed words.",
            public_note="we tidied this",
        )
    page = Client().get(post.get_absolute_url(), **UA).text
    assert "Changed words." in page and "First words here." not in page


def test_reader_with_a_held_comment_sees_it_others_do_not(post):
    writer = Client()
    Client().get(post.get_absolute_url(), **UA)  # warm the cache
    writer.post(f"/comments/post/{post.pk}/", {"body": "My held comment."})
    assert "My held comment." in writer.get(post.get_absolute_url(), **UA).text
    assert "My held comment." not in Client().get(post.get_absolute_url(), **UA).text


def test_post_edit_shows_at_once(post, django_capture_on_commit_callbacks):
    Client().get(post.get_absolute_url(), **UA)
    with django_capture_on_commit_callbacks(execute=True):
        post.title = "A new title"
        post.save()
    assert "A new title" in Client().get(post.get_absolute_url(), **UA).text


def test_unpublished_post_leaves_the_cache_at_once(post, django_capture_on_commit_callbacks):
    url = post.get_absolute_url()
    Client().get(url, **UA)
    assert Client().get(url, **UA).status_code == 200  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        post.status = "draft"
        post.save()
    assert Client().get(url, **UA).status_code == 404


def test_a_cache_hit_needs_no_database_beyond_counting_the_view(post, settings):
    settings.VIEW_COUNT_FLUSH_EVERY = 1000  # views gathered in memory, not written yet
    settings.VIEW_COUNT_FLUSH_SECONDS = 3600
    Client().get(post.get_absolute_url(), **UA)
    assert queries_for(Client(), post.get_absolute_url()) == 0
    viewcount.flush()
    assert PostDailyViews.objects.get(post=post).count == 2


def test_a_page_rendered_across_a_change_is_never_served(post):
    """The version is read before rendering: a change committed meanwhile makes it a miss."""
    before = pagecache.version(post.pk)
    pagecache.bump(post.pk)  # a comment was approved while the page was being rendered
    pagecache.store(post, page=1, html="<p>stale</p>", version=before)
    assert pagecache.lookup(post.slug, page=1) is None
    pagecache.store(post, page=1, html="<p>fresh</p>", version=pagecache.version(post.pk))
    assert pagecache.lookup(post.slug, page=1)[2] == b"<p>fresh</p>"
