"""Pages a CDN can keep: an anonymous reader's pages are the same bytes for everyone,
public with an ETag, revalidated with a 304 that touches no database; the comment form
still needs each reader's own CSRF token."""

import json
import re
from unittest import mock

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog import viewcount
from comments.addresses import address_confirm
from comments.models import Comment
from comments.services import Submission, comment_submit
from moderation.services import comment_approve
from tests.factories import PostFactory, SeriesFactory

UA = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture(autouse=True)
def page_cache_on(settings, db):
    settings.POST_PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_S_MAXAGE = 7
    settings.PAGE_CACHE_STALE_WHILE_REVALIDATE = 40
    settings.VIEW_COUNT_FLUSH_EVERY = 1000  # views gathered in memory, not written yet
    settings.VIEW_COUNT_FLUSH_SECONDS = 3600
    cache.clear()
    yield
    viewcount.flush()  # the views gathered in memory, while the test database is there
    cache.clear()


@pytest.fixture
def post(db):
    series = SeriesFactory(name="Trials")
    return PostFactory(title="Kept at the edge", slug="kept-at-the-edge", tags=[series])


def directives(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}


def assert_public(response):
    assert response.status_code == 200
    assert {"public", "s-maxage=7", "stale-while-revalidate=40", "max-age=0"} <= directives(
        response
    )
    assert "private" not in directives(response)
    assert not response.cookies, response.cookies
    tag = response.headers["ETag"]
    assert tag.startswith('"') and tag.endswith('"')  # strong, not W/"…"
    return tag


def test_anonymous_post_page_is_public_with_a_strong_etag_and_no_token(post):
    response = Client().get(post.get_absolute_url(), **UA)
    assert_public(response)
    assert TOKEN.findall(response.text) == [""]  # the form's token input is there, empty
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize("cache_seconds", [300, 0])
def test_two_anonymous_readers_get_the_same_bytes(post, settings, cache_seconds):
    settings.POST_PAGE_CACHE_SECONDS = cache_seconds
    comment_submit(post=post, submission=Submission(body="An approved thought."))
    Comment.objects.update(status="approved")
    first = Client().get(post.get_absolute_url(), **UA)
    second = Client().get(post.get_absolute_url(), **UA)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert not first.cookies and not second.cookies
    assert first.headers.get("ETag") == second.headers.get("ETag")


def test_revalidation_is_a_304_without_a_query_until_something_changes(
    post, django_capture_on_commit_callbacks
):
    tag = assert_public(Client().get(post.get_absolute_url(), **UA))
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=tag, **UA)
    assert response.status_code == 304
    assert len(queries) == 0
    assert response.headers["ETag"] == tag
    assert "public" in directives(response)
    assert response.content == b""

    held = comment_submit(post=post, submission=Submission(body="Now approved, now shown."))
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment=held, actor=post.author)
    response = Client().get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=tag, **UA)
    assert response.status_code == 200
    assert "Now approved, now shown." in response.text
    assert response.headers["ETag"] != tag


def test_etag_differs_by_comment_page_and_language(post, make, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    # Only English is shipped; a site that adds a translation gets a copy per language.
    settings.LANGUAGES = [("en-gb", "English"), ("de", "German")]
    make("The first thread.")
    make("The second thread, on page two.")
    url = post.get_absolute_url()
    english = Client().get(url, HTTP_ACCEPT_LANGUAGE="en-gb", **UA)
    german = Client().get(url, HTTP_ACCEPT_LANGUAGE="de", **UA)
    second_page = Client().get(url + "?cpage=2", HTTP_ACCEPT_LANGUAGE="en-gb", **UA)
    tags = {english.headers["ETag"], german.headers["ETag"], second_page.headers["ETag"]}
    assert len(tags) == 3
    assert german.headers["Content-Language"] == "de"


def test_a_hit_is_answered_before_sessions_and_csrf(post):
    Client().get(post.get_absolute_url(), **UA)  # the miss fills the cache
    with mock.patch.object(
        SessionMiddleware, "process_request", autospec=True, side_effect=AssertionError
    ) as session:
        hit = Client().get(post.get_absolute_url(), **UA)
    assert hit.status_code == 200 and "Kept at the edge" in hit.text
    session.assert_not_called()
    # The headers of the middleware it skips are still there.
    assert hit.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in hit.headers["Content-Security-Policy"]
    assert hit.headers["X-Content-Type-Options"] == "nosniff"


def test_signed_in_reader_and_reader_with_a_held_comment_get_private_pages(post, client):
    client.force_login(post.author)
    response = client.get(post.get_absolute_url(), **UA)
    assert {"private", "no-cache"} <= directives(response)
    assert "public" not in directives(response)

    writer = Client(enforce_csrf_checks=True)
    token = json.loads(writer.get("/comments/token/").content)["token"]
    writer.post(f"/comments/post/{post.pk}/", {"body": "Mine, held.", "csrfmiddlewaretoken": token})
    page = writer.get(post.get_absolute_url(), **UA)
    assert "Mine, held." in page.text
    assert "private" in directives(page)
    assert TOKEN.search(page.text).group(1)  # their own token, in the page


@pytest.mark.parametrize(
    "url",
    ["/", "/series/", "/series/trials/", "/archive/{year}/{month}/", "/feed/",
     "/comments/feed/kept-at-the-edge/", "/series/trials/feed/"],
)  # fmt: skip
def test_lists_archives_and_feeds_are_public_and_revalidate(post, url):
    url = url.format(year=post.published_at.year, month=post.published_at.month)
    first = Client().get(url, **UA)
    tag = assert_public(first)
    second = Client().get(url, **UA)
    assert first.content == second.content
    assert Client().get(url, HTTP_IF_NONE_MATCH=tag, **UA).status_code == 304


def test_the_token_endpoint_is_private_and_its_token_passes_csrf(post):
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(post.get_absolute_url(), **UA)
    refused = reader.post(f"/comments/post/{post.pk}/", {"body": "No token.", **dict(
        csrfmiddlewaretoken=TOKEN.search(page.text).group(1))})  # fmt: skip
    assert refused.status_code == 403
    answer = reader.get("/comments/token/")
    assert {"private", "no-store"} <= directives(answer)
    assert "csrftoken" in answer.cookies
    token = answer.json()["token"]
    other = Client().get("/comments/token/").json()["token"]
    assert token != other
    posted = reader.post(
        f"/comments/post/{post.pk}/",
        {"body": "Posted with a fetched token.", "csrfmiddlewaretoken": token},
    )
    assert posted.status_code == 302
    assert Comment.objects.filter(body="Posted with a fetched token.").exists()


def test_without_javascript_the_reply_page_carries_the_token(post):
    parent = comment_submit(post=post, submission=Submission(body="Reply to me."))
    Comment.objects.update(status="approved")
    reader = Client(enforce_csrf_checks=True)
    reply_page = reader.get(f"/comments/{parent.pk}/reply/", **UA)
    assert (
        "private" in directives(reply_page)
        or "no-cache" in directives(reply_page)
        or ("csrftoken" in reply_page.cookies)
    )
    token = TOKEN.search(reply_page.text).group(1)
    assert token
    posted = reader.post(
        f"/comments/post/{post.pk}/",
        {"body": "A reply without JavaScript.", "parent": parent.pk, "csrfmiddlewaretoken": token},
    )
    assert posted.status_code == 302
    assert Comment.objects.get(body="A reply without JavaScript.").parent_id == parent.pk


def test_the_shared_form_posts_to_its_own_post(post, settings):
    other = PostFactory(title="Another post", slug="another-post")
    settings.LANGUAGE_CODE = "en-gb"
    settings.LANGUAGES = [("en-gb", "English"), ("de", "German")]  # as with a translation
    for each in (post, other, post):
        html = Client().get(each.get_absolute_url(), **UA).text
        assert f'action="/comments/post/{each.pk}/"' in html
        assert html.count('id="comment-form"') == 1
    german = Client().get(other.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de", **UA).text
    assert f'action="/comments/post/{other.pk}/"' in german
    assert 'lang="de"' in german


def test_the_writer_of_an_approved_comment_gets_a_fresh_private_page(post):
    Client().get(post.get_absolute_url(), **UA)  # a shared copy is cached
    anonymous_writer = Client()
    address_confirm(address="known@example.org")  # a known address vouches once confirmed
    comment_submit(
        post=post, submission=Submission(body="Known.", author_email="known@example.org")
    )
    Comment.objects.update(status="approved")
    response = anonymous_writer.post(
        f"/comments/post/{post.pk}/",
        {"body": "Approved at once, seen at once.", "author_email": "known@example.org"},
    )
    assert Comment.objects.get(body="Approved at once, seen at once.").status == "approved"
    assert "messages" in response.cookies  # a proxy passes this reader by
    page = anonymous_writer.get(response.headers["Location"], **UA)
    assert "Approved at once, seen at once." in page.text
    assert "Your comment is posted." in page.text
    assert "private" in directives(page)
