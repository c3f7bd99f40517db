"""The public pages, and the moderation queue, pass the W3C Nu HTML Checker with no errors,
on the demo site's content (every kind of post and discussion it has), a second page of
lists and of a discussion, and comments waiting with times to the microsecond.

Warnings are not failures: the checker suggests a heading in every ``<article>`` (a
comment is an article with a header, not a heading), and Django's own admin sidebar has
short table rows."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from blog.models import AuthorProfile, Post, Series
from comments.models import Comment
from comments.services import comment_create_as_is
from tests.web.nu import check

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    """The demo site, two threads a page (so a discussion has a second page), and comments
    waiting in the queue with times to the microsecond, as readers' submissions have."""
    settings.COMMENTS_THREADS_PER_PAGE = 2
    settings.POSTS_PER_PAGE = 2  # lists have a second page too
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    post = _busiest_post()
    approved = Comment.objects.filter(post=post, status=Comment.Status.APPROVED).first()
    now = timezone.now().replace(microsecond=123456)
    for minutes, body in enumerate(
        ["Is the <b>trial</b> open to new patients?", "Buy cheap pills"]
    ):
        comment_create_as_is(
            post=post,
            parent=approved if minutes else None,
            body=body,
            status=Comment.Status.PENDING,
            submitted_at=now - datetime.timedelta(minutes=minutes),
            source="test",
            author_name="Reader & friend",
            author_email="reader@example.org",
            quote="",
            ip="10.0.0.9",
            user_agent="",
        )
    return post


def _busiest_post() -> Post:
    return max(
        Post.objects.published(),
        key=lambda post: Comment.objects.filter(post=post, status="approved").count(),
    )


def _get(client, url: str, status: int = 200) -> str:
    response = client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
    assert response.status_code == status, url
    return response.content.decode()


def public_pages(client, post: Post) -> dict[str, str]:
    series = Series.objects.filter(tagged_items__isnull=False).first()
    profile = AuthorProfile.objects.first()
    published = post.published_at.astimezone(timezone.get_current_timezone())
    comment = Comment.objects.filter(post=post, status="approved").first()
    urls = {
        "home": "/",
        "home, page 2": "/?page=2",
        "a post with comments": post.get_absolute_url(),
        "its comments, page 2": post.get_absolute_url() + "?cpage=2",
        "series list": reverse("blog:series_list"),
        "a series": series.get_absolute_url(),
        "search": reverse("blog:search") + "?q=trial",
        "search, nothing typed": reverse("blog:search"),
        "an author": profile.get_absolute_url(),
        "a month": reverse("blog:month_archive", args=[published.year, published.month]),
        "subscribe": reverse("blog:subscribe"),
        "reply page": reverse("comments:reply", args=[comment.pk]),
        "sign-in": reverse("login"),
    }
    pages = {name: _get(client, url) for name, url in urls.items()}
    pages["404"] = _get(client, "/posts/no-such-post/", status=404)
    # The comment form sent back with its errors (an empty comment, a bad address).
    refused = client.post(
        reverse("comments:post", args=[post.pk]),
        {"body": "", "author_email": "not an address", "author_name": "Ruth"},
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
    )
    assert refused.status_code == 400
    pages["the comment form with errors"] = refused.content.decode()
    return pages


def test_public_pages_and_the_queue_have_no_nu_errors(client, demo, tmp_path):
    pages = public_pages(client, demo)
    assert "?cpage=2" in pages["a post with comments"]  # the discussion has a second page
    client.force_login(get_user_model().objects.get(username="moderator"))
    pages["moderation queue"] = _get(client, reverse("admin:moderation_pendingcomment_changelist"))
    assert "Buy cheap pills" in pages["moderation queue"]

    # A page with a known error, so a checker that reports nothing cannot pass the test.
    pages["canary"] = '<!doctype html><html lang="en"><title>t</title><time datetime="x">t</time>'

    errors = [message for message in check(pages, tmp_path) if message.kind == "error"]

    assert [message.page for message in errors if "datetime" in message.text] == ["canary"]
    errors = [message for message in errors if message.page != "canary"]
    assert not errors, "\n".join(str(message) for message in errors)
