"""While PostgreSQL does not answer, nobody gets a 500 and nobody loses their words.

A post page is served from its last good copy (even one a moderation decision had just
retired); a page never cached gets the site's 503 page with Retry-After; a comment sent
meanwhile comes back in the comment form (text, name, email, quote, parent); a moderator's
admin save comes back as what they sent, ready to send again. The database is made
unreachable for this process only (tests/faults/test_database_down.py): the shared server
keeps running for everyone else.
"""

import logging
import re
import sys
from html import unescape

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.html import escape

from blog import viewcount
from comments.models import Comment
from config.outage import server_error
from moderation.services import comment_remove
from tests.factories import CommentMaker, PostFactory, SuperuserFactory
from tests.faults.test_database_down import UA, database_unreachable

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_cache(settings):
    settings.POST_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    viewcount.flush()  # the views kept during the outage, while the test database exists
    cache.clear()


def assert_outage_page(response) -> str:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert "We are briefly unavailable" in text
    assert 'class="site-header"' in text  # the site's page, not Django's bare one
    assert "Traceback" not in text
    return text


def test_a_retired_page_is_served_from_its_last_good_copy(page_cache):
    post = PostFactory(title="Kept through the outage")
    url = post.get_absolute_url()
    assert Client().get(url, **UA).status_code == 200  # rendered and cached
    CommentMaker(post)("Posted just before the database went away.")  # retires the page

    with database_unreachable():
        for _ in range(3):
            response = Client().get(url, **UA)
            assert response.status_code == 200
            assert "Kept through the outage" in response.text
            assert response.headers["Cache-Control"] == "no-store"  # no proxy keeps it
            assert response.headers["X-Stale-If-Error"] == "1"
        # A signed-in reader's page cannot be made either (the session is in the database).
        signed_in = Client()
        signed_in.cookies["sessionid"] = "abc"
        assert "Kept through the outage" in signed_in.get(url, **UA).text

    fresh = Client().get(url, **UA)
    assert fresh.status_code == 200 and "X-Stale-If-Error" not in fresh.headers
    assert "Posted just before the database went away." in fresh.text


def test_an_outage_never_brings_back_what_a_moderator_took_away(page_cache):
    post = PostFactory(title="Moderated")
    comment = CommentMaker(post)("Words not fit for purpose.")
    other = PostFactory(title="Unpublished later")
    for page in (post, other):
        assert Client().get(page.get_absolute_url(), **UA).status_code == 200  # cached
    comment_remove(comment=comment, actor=SuperuserFactory(), reason="Not fit for purpose")
    other.status = other.Status.DRAFT
    other.save()

    with database_unreachable():
        for page in (post, other):
            text = assert_outage_page(Client().get(page.get_absolute_url(), **UA))
            assert "Words not fit for purpose." not in text
    assert "Words not fit for purpose." not in Client().get(post.get_absolute_url(), **UA).text


def test_a_page_never_cached_gets_the_sites_503_page(page_cache, caplog):
    post = PostFactory(title="Never rendered")
    with database_unreachable(), caplog.at_level(logging.INFO):
        assert_outage_page(Client().get(post.get_absolute_url(), **UA))
        assert_outage_page(Client().get(reverse("blog:post_list"), **UA))
    # One warning a request, no error: production mails errors to ADMINS, and an outage
    # would send one mail per reader.
    outage = [r for r in caplog.records if r.name in ("config.outage", "django.request")]
    assert [(r.name, r.levelname) for r in outage] == [("config.outage", "WARNING")] * 2
    assert Client().get(post.get_absolute_url(), **UA).status_code == 200


def test_a_comment_sent_during_the_outage_comes_back_in_the_form(page_cache):
    post = PostFactory()
    parent = CommentMaker(post)("The comment answered.")
    fields = {
        "author_name": "Reader & Co",
        "author_email": "reader@example.org",
        "body": 'My long answer, with <b>"quotes"</b>\nand a second line.',
        "quote": "The comment answered.",
        "parent": str(parent.pk),
    }
    action = reverse("comments:post", args=[post.pk])
    with database_unreachable():
        response = Client().post(action, fields, **UA)
    text = assert_outage_page(response)
    assert "our database did not answer" in text
    form = text[text.index('<form id="comment-form"') :]
    assert f'action="{action}"' in form
    assert escape(fields["body"]) + "</textarea>" in form  # in the body's textarea
    for name in ("author_name", "author_email"):
        assert f'value="{escape(fields[name])}"' in form
    assert re.search(rf'name="parent" value="{parent.pk}"', form)
    assert "The comment answered.</textarea>" in form  # the quote
    assert not Comment.objects.filter(post=post, parent=parent).exists()

    # Sent again once the database answers: stored, once.
    again = Client().post(action, fields, **UA)
    assert again.status_code == 302
    assert Comment.objects.filter(post=post, parent=parent).count() == 1


def sent_again(form: str) -> dict[str, str]:
    """The fields the 503 page's "Send again" form posts: its text boxes and hidden fields."""
    fields = {
        name: unescape(value)
        for name, value in re.findall(
            r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S
        )
    }
    fields.update(
        (name, unescape(value))
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    )
    return fields


def test_an_admin_save_during_the_outage_keeps_the_moderators_text(page_cache):
    moderator = SuperuserFactory()
    comment = CommentMaker(PostFactory())("Original words.")
    client = Client()
    client.force_login(moderator)  # the session lives in the database
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    sent = {
        "quote": "",
        "body": "Edited words that took the moderator ten minutes to write.",
        "reason": "Part of it was not fit for purpose",
        "public_note": "We had to edit your comment.",
        "password": "never-echoed",
        "_save": "Save",
    }
    with database_unreachable():
        response = client.post(url, sent, **UA)
    text = assert_outage_page(response)
    form = text[text.index('class="comment-form kept-form"') :]
    assert f'action="{url}"' in form
    assert "Edited words that took the moderator ten minutes to write.</textarea>" in form
    assert "Part of it was not fit for purpose</textarea>" in form
    assert 'type="hidden" name="_save" value="Save"' in form  # sends it as the same button
    assert "never-echoed" not in text
    assert 'name="csrfmiddlewaretoken"' in form  # a fresh token, to send it again
    assert "Signed in as" not in text  # who they are is in the database
    comment.refresh_from_db()
    assert comment.body == "Original words."

    # Once the database answers, "Send again" saves the edit as the moderator wrote it.
    again = client.post(url, sent_again(form), **UA)
    assert again.status_code == 302, again.content.decode()[:2000]
    comment.refresh_from_db()
    assert comment.body == "Edited words that took the moderator ten minutes to write."
    assert comment.revisions.filter(body="Original words.").exists()


def test_an_outage_outside_a_view_is_a_503_too():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        assert sys.exc_info()[0] is OperationalError
        response = server_error(request)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500


def test_with_the_cache_in_the_database_an_outage_in_a_middleware_is_a_503(settings):
    """A cache kept in PostgreSQL goes down with it: the page cache's middleware fails
    before any view runs, and the site's 503 page still answers (handler500)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "outage_test_cache",
        }
    }
    settings.POST_PAGE_CACHE_SECONDS = 300
    call_command("createcachetable", verbosity=0)
    try:
        post = PostFactory(title="Cached in the database")
        url = post.get_absolute_url()
        assert Client().get(url, **UA).status_code == 200  # cached in the table
        with database_unreachable():
            response = Client(raise_request_exception=False).get(url, **UA)
        assert_outage_page(response)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS outage_test_cache")
