"""A comment sent without a valid CSRF token (the cookie expired, was cleared or blocked,
or the page was cached before the reader had one) is not stored and not lost: it comes
back in a fresh form that posts at the first try."""

import html
import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from comments.models import Comment

EXPIRED = "Your session expired before your comment was sent. It is below: press Post again."
UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}


class Fields(HTMLParser):
    """The comment form's fields as a browser would send them."""

    def __init__(self, html):
        super().__init__()
        self.values, self.checked, self._textarea = {}, set(), None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.checked.add(attrs["name"])
            else:
                self.values[attrs["name"]] = attrs.get("value", "")
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            # A browser drops the newline that may follow <textarea>; so do we.
            self.values[self._textarea] = self.values[self._textarea].removeprefix("\n")
            self._textarea = None

    def form(self) -> dict:
        sent = {name: value for name, value in self.values.items() if value != ""}
        return sent | {name: "on" for name in self.checked}


@pytest.fixture
def parent(make):
    return make("Averages are tricky. Most of us had none at all.", name="Marek")


def sent(parent) -> dict:
    return {
        "author_name": "Ruth",
        "author_email": "ruth@example.org",
        "body": "Two paragraphs <of> mine.\n\nThe second one & more.",
        "quote": "Most of us had none at all.",
        "parent": str(parent.pk),
        "notify_replies": "on",
    }


def post_url(post):
    return f"/comments/post/{post.pk}/"


@pytest.mark.parametrize("cookie", ["missing", "stale"])
def test_a_comment_without_a_valid_token_comes_back_in_a_form_that_posts(post, parent, cookie):
    browser = Client(enforce_csrf_checks=True)
    if cookie == "stale":  # a cookie from long ago; the page's token was for another one
        browser.cookies["csrftoken"] = "x" * 32
    fields = sent(parent) | {"csrfmiddlewaretoken": "y" * 64}
    before = Comment.objects.count()

    response = browser.post(post_url(post), fields, **UA)

    assert response.status_code == 403
    assert EXPIRED in response.text
    assert Comment.objects.count() == before  # nothing stored without a valid token
    offered = Fields(response.text).form()
    for name, value in sent(parent).items():
        assert offered[name] == value, name
    assert "Reply to" in response.text and parent.body in response.text

    again = browser.post(post_url(post), offered, **UA)

    assert again.status_code == 302
    comment = Comment.objects.get(author_name="Ruth")
    assert Comment.objects.count() == before + 1
    assert (comment.body, comment.quote, comment.parent_id) == (
        sent(parent)["body"],
        sent(parent)["quote"],
        parent.pk,
    )
    assert comment.author_email == "ruth@example.org" and comment.notify_replies


def test_other_problems_are_shown_with_it(post):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(post_url(post), {"body": "x" * 10_001}, **UA)
    assert response.status_code == 403
    assert EXPIRED in response.text
    assert "The comment is 10001 characters long; the limit is 10000." in response.text
    assert response.text.index(EXPIRED) < response.text.index("characters long")


def test_a_cookie_refused_twice_is_named(post):
    browser = Client(enforce_csrf_checks=True)
    first = browser.post(post_url(post), {"body": "Hello."}, **UA)
    offered = Fields(first.text).form()
    assert offered["csrf_retry"] == "1"
    browser.cookies.clear()  # the browser did not keep the cookie it was given
    second = browser.post(post_url(post), offered, **UA)
    assert second.status_code == 403
    assert "your browser did not keep this site's cookie" in html.unescape(second.text)
    assert Fields(second.text).values["body"] == "Hello."
    assert Comment.objects.count() == 0


def test_a_closed_post_gives_the_text_back_without_a_form(post):
    post.comments_open = False
    post.save()
    response = Client(enforce_csrf_checks=True).post(post_url(post), {"body": "Kept."}, **UA)
    assert response.status_code == 403
    assert "Comments are closed on this post." in response.text
    assert "readonly>Kept.</textarea>" in response.text


def test_other_forms_get_a_page_in_the_sites_style(db):
    response = Client(enforce_csrf_checks=True).post(
        "/admin/login/", {"username": "a", "password": "b"}, **UA
    )
    assert response.status_code == 403
    assert "The form could not be sent" in response.text
    assert "Go back, reload the page and send the form again" in response.text
    assert re.search(r'<a class="site-name" href="/">', response.text)  # the site's layout
    assert "CSRF verification failed" not in response.text
