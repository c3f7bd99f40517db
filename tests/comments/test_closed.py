"""A closed post says so where the form was, on its page and on every reply page, and a
comment sent to it anyway is refused with the reader's text given back."""

import datetime
import html

import pytest
from django.utils import timezone

from comments.models import Comment

CLOSED = "Comments are closed on this post."
UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}


@pytest.fixture(params=["switched off", "closing date passed"])
def closed_post(request, post):
    if request.param == "switched off":
        post.comments_open = False
    else:
        post.comments_close_at = timezone.now() - datetime.timedelta(minutes=1)
    post.save()
    return post


@pytest.fixture
def thread(make):
    top = make("The first comment.")
    return top, make("A reply to it.", parent=top)


def test_post_page_shows_closed_instead_of_the_form(client, closed_post, thread):
    page = client.get(closed_post.get_absolute_url(), **UA).text
    assert CLOSED in page
    assert 'id="comment-form"' not in page
    assert "/reply/" not in page  # no Reply links either


def test_every_reply_page_shows_closed_instead_of_the_form(client, closed_post, thread):
    for comment in thread:
        response = client.get(f"/comments/{comment.pk}/reply/", **UA)
        assert response.status_code == 200
        assert CLOSED in response.text
        assert comment.body in response.text  # the comment is still shown
        assert 'id="comment-form"' not in response.text
        assert "<textarea" not in response.text


def test_open_post_reply_page_still_has_the_form(client, post, thread):
    page = client.get(f"/comments/{thread[0].pk}/reply/", **UA).text
    assert 'id="comment-form"' in page
    assert CLOSED not in page


@pytest.mark.parametrize("with_parent", [False, True])
def test_a_post_that_arrives_anyway_is_refused_with_the_text_given_back(
    client, closed_post, thread, with_parent
):
    text = "Three paragraphs I wrote <carefully>\n\nbefore it closed."
    fields = {"author_name": "Ruth", "body": text}
    if with_parent:
        fields["parent"] = thread[0].pk
    before = Comment.objects.count()
    response = client.post(f"/comments/post/{closed_post.pk}/", fields, **UA)
    assert response.status_code == 403
    assert CLOSED in response.text
    assert "Your comment was not posted" in response.text
    assert f"readonly>{html.escape(text)}</textarea>" in response.text
    assert 'id="comment-form"' not in response.text  # nothing invites a second try
    assert Comment.objects.count() == before


def test_an_empty_post_to_a_closed_post_is_told_only_that_it_is_closed(client, closed_post):
    response = client.post(f"/comments/post/{closed_post.pk}/", {"body": ""}, **UA)
    assert response.status_code == 403
    assert CLOSED in response.text
    assert "Please write a comment" not in response.text
