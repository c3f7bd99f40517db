"""Posting through the web: forms, errors that keep what was typed, reply pages, feeds."""

import feedparser
import pytest
from django.test import Client

from comments.models import Comment

UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}


def post_url(post):
    return f"/comments/post/{post.pk}/"


def counts():
    return Comment.objects.count()


def test_reader_posts_and_sees_own_held_comment_only(client, post):
    response = client.post(
        post_url(post), {"author_name": "Ruth", "body": "Thanks for this post."}, **UA
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    page = client.get(post.get_absolute_url(), **UA).text
    assert "Thanks for this post." in page
    assert "Awaiting moderation" in page
    assert "awaiting moderation; only you can see it" in page
    stranger = Client().get(post.get_absolute_url(), **UA).text
    assert "Thanks for this post." not in stranger
    assert "0 comments on" in stranger


def test_staff_comment_appears_at_once_at_its_permalink(client, post, author):
    client.force_login(author)
    response = client.post(post_url(post), {"body": "Author here."})
    comment = Comment.objects.get()
    assert comment.status == "approved"
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert "Author here." in Client().get(post.get_absolute_url()).text


def test_errors_are_per_field_and_keep_what_was_typed(client, post):
    response = client.post(
        post_url(post),
        {"author_name": "N" * 81, "author_email": "not-an-email", "body": "My long thoughts"},
    )
    assert response.status_code == 400
    html = response.text
    assert "Your comment was not posted" in html
    assert 'href="#id_author_name"' in html and 'href="#id_author_email"' in html
    assert "My long thoughts</textarea>" in html
    assert 'value="not-an-email"' in html
    assert counts() == 0


def test_empty_body_error(client, post):
    response = client.post(post_url(post), {"body": "  "})
    assert response.status_code == 400
    assert "Please write a comment." in response.text


def test_notify_without_email_is_refused(client, post):
    response = client.post(post_url(post), {"body": "hi", "notify_replies": "on"})
    assert response.status_code == 400
    assert "Give an email address" in response.text


@pytest.mark.parametrize("parent", ["999999", "-1", "abc", str(2**64)])
def test_bad_parent_ids(client, post, parent):
    response = client.post(post_url(post), {"body": "Reply", "parent": parent})
    assert response.status_code == 400
    assert counts() == 0


def test_parent_from_other_post(client, post, make):
    from tests.factories import PostFactory

    other = make("Elsewhere", post=PostFactory())
    response = client.post(post_url(post), {"body": "Reply", "parent": other.pk})
    assert response.status_code == 400
    assert "The comment you are replying to is not available." in response.text
    assert "Elsewhere" not in response.text
    assert counts() == 1


def test_quote_not_in_parent(client, post, make):
    parent = make("Real words")
    response = client.post(
        post_url(post), {"body": "Reply", "parent": parent.pk, "quote": "Invented words"}
    )
    assert response.status_code == 400
    assert "The quote is not in the comment" in response.text
    assert "Reply</textarea>" in response.text
    assert counts() == 1


def test_unknown_and_closed_posts(client, post):
    assert client.post("/comments/post/999999/", {"body": "x"}).status_code == 404
    post.comments_open = False
    post.save()
    response = client.post(post_url(post), {"body": "x"})
    assert response.status_code == 403
    assert "Comments are closed" in response.text
    page = client.get(post.get_absolute_url()).text
    assert "Comments are closed on this post." in page
    assert 'id="comment-form"' not in page


def test_get_is_not_allowed(client, post):
    assert client.get(post_url(post)).status_code == 405


def test_csrf_is_enforced(post):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(post_url(post), {"body": "x"})
    assert response.status_code == 403
    token = strict.get("/comments/token/").json()["token"]
    response = strict.post(post_url(post), {"body": "x", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_form_has_honeypot_and_checkbox(client, post):
    html = client.get(post.get_absolute_url()).text
    assert 'name="website"' in html and 'aria-hidden="true"' in html
    assert 'name="notify_replies"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_honeypot_submission_is_not_published(client, post):
    client.post(post_url(post), {"body": "Cheap pills", "website": "http://spam.example"})
    assert Comment.objects.get().status == "spam"
    assert "Cheap pills" not in Client().get(post.get_absolute_url()).text
    # Its writer sees it as a held comment: nothing says it was caught.
    assert "Awaiting moderation" in client.get(post.get_absolute_url()).text


def test_reply_page_works_without_javascript(client, post, make):
    parent = make("A question about dosing.", name="Ben")
    page = client.get(f"/comments/{parent.pk}/reply/")
    assert page.status_code == 200
    assert "Reply to <bdi>Ben</bdi>" in page.text
    assert "A question about dosing." in page.text
    assert f'name="parent" value="{parent.pk}"' in page.text
    response = client.post(
        post_url(post), {"body": "My answer", "parent": parent.pk, "quote": "about dosing"}
    )
    assert response.status_code == 302
    reply = Comment.objects.get(body="My answer")
    assert reply.parent == parent and reply.quote == "about dosing"


def test_reply_page_for_hidden_comment_is_404(client, make):
    assert client.get(f"/comments/{make('x', status='pending').pk}/reply/").status_code == 404


def test_comment_feed_lists_approved_only(client, post, make):
    make("Visible one", name="Ann")
    make("Held one", status="pending")
    response = client.get(f"/comments/feed/{post.slug}/")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    # Names are plain text (issue 11: no invisible direction marks).
    assert [entry.author for entry in feed.entries] == ["Ann"]
    assert "Visible one" in feed.entries[0].summary
    assert "Held one" not in response.text
    html = client.get(post.get_absolute_url()).text
    assert 'type="application/atom+xml" title="Comments on' in html
