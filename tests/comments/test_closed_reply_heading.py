"""Issue 23, smaller points: a closed post's reply page names the comment it would have
answered ("Reply to Marek", "Reply to Anonymous 13:41"), never a blank "Reply to"."""

import datetime

from django.utils import timezone

from tests.blog.markup import parse


def test_a_closed_posts_reply_page_names_the_comment(client, post, make):
    at = timezone.make_aware(datetime.datetime(2026, 12, 3, 13, 41))
    named, anonymous = make("Averages are tricky.", name="Marek"), make("Me too.", submitted_at=at)
    post.comments_open = False
    post.save()
    for comment, name in ((named, "Marek"), (anonymous, "Anonymous 13:41")):
        page = parse(client.get(f"/comments/{comment.pk}/reply/").content.decode())
        assert page.find("h1").text == f"Reply to {name}"
        assert page.find("span", cls="comment-author").text == name
        assert "Comments are closed on this post." in page.text
