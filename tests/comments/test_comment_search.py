"""Issue 11: the site's search finds words that appear only in comments, approved ones."""

import datetime

import pytest
from django.utils import timezone

from comments.models import Comment
from tests.factories import PostFactory


@pytest.mark.parametrize(
    ("status", "found"),
    [
        (Comment.Status.APPROVED, True),
        (Comment.Status.PENDING, False),
        (Comment.Status.REJECTED, False),
        (Comment.Status.REMOVED, False),
        (Comment.Status.SPAM, False),
    ],
)
def test_comment_search_hits_by_status(client, make, post, status, found):
    comment = make("My neurologist mentioned ocrelizumab infusions.", name="Ruth", status=status)
    html = client.get("/search/?q=ocrelizumab").text
    assert (f'href="/comments/{comment.pk}/"' in html) is found
    assert ("<mark>ocrelizumab</mark>" in html) is found
    assert ("1 comment found" in html) is found
    if found:
        assert "<bdi>Ruth</bdi>" in html and "“Relapse rates, explained”" in html


def test_anonymous_hit_carries_the_page_label_and_drafts_are_not_searched(client, make, post):
    at = timezone.make_aware(datetime.datetime(2026, 12, 3, 13, 41, 5))
    make("Natalizumab worked for me.", submitted_at=at)
    second = make("Natalizumab did not.", submitted_at=at + datetime.timedelta(seconds=10))
    draft = PostFactory(status="draft", slug="draft-post")
    make("Natalizumab in a draft.", post=draft)
    html = client.get("/search/?q=natalizumab").text
    assert "2 comments found" in html
    assert f'<a href="/comments/{second.pk}/"><bdi>Anonymous 13:41 (2)</bdi>' in html
    assert "in a draft" not in html


def test_search_uses_the_gin_index():
    names = {index.name for index in Comment._meta.indexes}
    assert "comment_search" in names
