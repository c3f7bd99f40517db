"""The comment list stays the same size at a million comments (issue 15): no count of every
comment, and a "By post" filter of a few posts instead of every post."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from moderation.admin.filters import PostFilter
from tests.factories import PostFactory

from .conftest import CHANGELIST_URL, text

Status = Comment.Status


def post_choices(response) -> list[str]:
    """The titles "By post" offers (none when it would offer only one: Django hides it)."""
    specs = [s for s in response.context["cl"].filter_specs if isinstance(s, PostFilter)]
    return [title for spec in specs for _pk, title in spec.lookup_choices]


def test_filtered_list_counts_its_results_but_not_every_comment(as_user, moderator, make):
    make("Approved.")
    make("Held.", status=Status.PENDING)
    client = as_user(moderator)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST_URL, {"status__exact": "pending"})

    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts and all("WHERE" in sql for sql in counts)
    assert "1 result" in text(response)
    assert "Show all" in text(response)


def test_by_post_offers_only_posts_with_comments_in_the_chosen_status(
    as_user, moderator, make, post, other_post
):
    approved_only = PostFactory(title="Only approved comments")
    PostFactory(title="No comments at all")
    make("Held.", status=Status.PENDING)
    make("Held, on the other post.", post=other_post, status=Status.PENDING)
    make("Approved.", post=approved_only)
    client = as_user(moderator)

    pending = post_choices(client.get(CHANGELIST_URL, {"status__exact": "pending"}))
    any_status = post_choices(client.get(CHANGELIST_URL))

    assert pending == [other_post.title, post.title]  # the newest comment's post first
    assert any_status == [approved_only.title, other_post.title, post.title]


def test_by_post_offers_the_posts_with_the_newest_comments_and_the_chosen_one(
    as_user, moderator, make
):
    start = timezone.now() - datetime.timedelta(days=1)
    posts = [PostFactory(title=f"Post {n:02}") for n in range(PostFilter.SHOWN + 2)]
    for minutes, post in enumerate(posts):
        make("Held.", post=post, status=Status.PENDING,
             submitted_at=start + datetime.timedelta(minutes=minutes))  # fmt: skip
    client = as_user(moderator)
    newest_first = [post.title for post in reversed(posts)]

    shown = post_choices(client.get(CHANGELIST_URL, {"status__exact": "pending"}))
    chosen = post_choices(
        client.get(CHANGELIST_URL, {"status__exact": "pending", "post__id__exact": posts[0].pk})
    )

    assert shown == newest_first[: PostFilter.SHOWN]
    assert chosen == [*newest_first[: PostFilter.SHOWN], posts[0].title]


def test_by_post_never_names_another_authors_post(as_user, author, make, post, other_post):
    second = PostFactory(title="Another of yours", author=author)
    make("Held on yours.", status=Status.PENDING)
    make("Held on theirs.", post=other_post, status=Status.PENDING)
    make("Held on your other one.", post=second, status=Status.PENDING)
    client = as_user(author)

    assert post_choices(client.get(CHANGELIST_URL, {"status__exact": "pending"})) == [
        second.title,
        post.title,
    ]
    assert other_post.title not in text(
        client.get(CHANGELIST_URL, {"post__id__exact": other_post.pk})
    )
