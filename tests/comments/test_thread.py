"""How the discussion reads on the post page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.thread import build, discussion_for


def comment_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li id="comment-(\d+)"', html)]


def make_thread(make, count: int):
    """``count`` approved comments: threads of one root, two replies and a reply to those."""
    made = 0
    while made < count:
        root = make(f"Root {made} with a link https://example.org/{made}")
        made += 1
        for _ in range(2):
            if made >= count:
                break
            child = make("Child text", parent=root, quote="")
            made += 1
            if made < count:
                make("Grandchild", parent=child)
                made += 1


def post_page_queries(client, post) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(post.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0")
    assert response.status_code == 200
    return len(queries)


def warm_site_caches(client) -> None:
    """One page first, as a running site has served: what every page shares (the policy
    summary beside the form) is then in the cache, and the counts measure the post."""
    from tests.factories import PostFactory

    client.get(PostFactory(slug="warm-up").get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0")


def test_post_page_query_count_is_small_and_the_same_at_any_size(client, settings, db):
    """Issue 6's budget: at most 6 queries at 0, 10, 1,000 and 5,000 comments. A page that
    shows comments reads their texts in one more query than an empty discussion."""
    from bench.seed import seed_post

    settings.COMMENTS_THREADS_PER_PAGE = 10_000
    warm_site_caches(client)
    counts = {}
    for size in (0, 10, 1000, 5000):
        counts[size] = post_page_queries(client, seed_post(f"size-{size}", size))
    assert counts[10] == counts[1000] == counts[5000] == counts[0] + 1, counts
    assert counts[5000] <= 6, counts


def test_only_the_page_s_comments_have_their_texts_read(client, make, post, settings):
    """A post of thousands of comments shows a page of them: every comment's place in the
    thread is read, the texts of the page's only (a web worker's memory, issue 24)."""
    settings.COMMENTS_THREADS_PER_PAGE = 2
    make_thread(make, 40)  # eight threads of five
    with CaptureQueriesContext(connection) as queries:
        response = client.get(post.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0")
    shown = comment_ids(response.text)
    assert len(shown) == 10
    texts = [q["sql"] for q in queries.captured_queries if '_comment"."body_html"' in q["sql"]]
    assert len(texts) == 1
    listed = re.search(r"ANY\('\{([\d,]+)\}'", texts[0])[1]
    read = {int(pk) for pk in listed.split(",")}
    assert read == set(shown)
    assert "Root 0 with a link" in response.text and "Root 10 with a link" not in response.text


def test_post_page_query_count_is_constant(client, make, post, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 10_000
    warm_site_caches(client)
    empty = post_page_queries(client, post)
    make_thread(make, 10)
    ten = post_page_queries(client, post)
    make_thread(make, 990)
    thousand = post_page_queries(client, post)
    assert Comment.objects.visible().count() == 1000
    assert ten == thousand == empty + 1  # the shown comments' texts
    response = client.get(post.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0")
    assert len(comment_ids(response.text)) == 1000


def test_header_counts_approved_only(client, make, post):
    make("yes")
    make("held", status="pending")
    make("spam", status="spam")
    response = client.get(post.get_absolute_url())
    assert "1 comment on “Relapse rates, explained”" in response.text


def test_comment_shows_name_time_permalink_badge_quote(client, make, post, submit, author):
    question = make("So, I'm scheduled for an infusion next year.", name="Ruth")
    answer = submit("Yes, that works.", parent=question, user=author, quote="an infusion")
    html = client.get(post.get_absolute_url()).text
    assert "<bdi>Ruth</bdi>" in html
    assert f'href="/comments/{answer.pk}/"' in html
    reply_link = f'<a class="reply-link" href="/comments/{answer.pk}/reply/"'
    assert reply_link in html
    assert client.get(f"/comments/{answer.pk}/reply/").status_code == 200
    assert re.search(rf'<li id="comment-{answer.pk}"[^>]*comment-by-author', html)
    assert 'class="badge badge-author">Author<' in html
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d">', html)
    assert f'<blockquote class="comment-quote" cite="#comment-{question.pk}">' in html
    assert "<p>an infusion</p>" in html


def test_body_is_escaped_and_links_are_nofollow(client, make, post):
    make('<script>alert(1)</script> see https://example.org/page?a=1&b=2 <a href="x">x</a>')
    html = client.get(post.get_absolute_url()).text
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html
    assert '<a href="https://example.org/page?a=1&amp;b=2" rel="nofollow ugc noopener">' in html


def test_removed_comment_with_replies_leaves_placeholder(client, make, post):
    root = make("Root")
    removed = make("Rude words", parent=root, status="removed")
    reply = make("A reply to the rude one", parent=removed)
    lonely = make("Spam alone", parent=root, status="spam")
    html = client.get(post.get_absolute_url()).text
    ids = comment_ids(html)
    assert ids == [root.pk, removed.pk, reply.pk]
    assert "This comment was removed by a moderator." in html
    assert "Rude words" not in html
    assert lonely.pk not in ids


def test_approved_reply_under_pending_keeps_its_depth(make, post):
    root = make("Root", status="pending")
    reply = make("Reply", parent=root)
    _, entries = build(post)
    assert [(entry.id, entry.placeholder, entry.level) for entry in entries] == [
        (root.pk, True, 0),
        (reply.pk, False, 1),
    ]


def test_reply_counts_count_shown_replies_at_any_depth(make, post):
    root = make("Root")
    child = make("Child", parent=root)
    make("Grandchild", parent=child)
    make("Held", parent=root, status="pending")
    _, entries = build(post)
    assert entries[0].reply_count == 2


def test_own_pending_comment_shown_only_to_its_writer(make, post):
    mine = make("Mine, held", status="pending")
    _, theirs = build(post)
    _, own = build(post, mine={mine.pk})
    assert theirs == []
    assert [(entry.id, entry.own_pending) for entry in own] == [(mine.pk, True)]


@pytest.mark.parametrize("order", ["oldest", "newest"])
def test_threads_paginate_whole(make, post, settings, order):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    settings.COMMENTS_ORDER = order
    roots = [make(f"Root {n}") for n in range(5)]
    replies = [make("Reply", parent=root) for root in roots]
    if order == "newest":
        roots, replies = roots[::-1], replies[::-1]
    first = discussion_for(post, page=1)
    assert first.num_pages == 3
    assert [entry.id for entry in first.entries] == [
        roots[0].pk, replies[0].pk, roots[1].pk, replies[1].pk,
    ]  # fmt: skip
    last = discussion_for(post, page=3)
    assert [entry.id for entry in last.entries] == [roots[4].pk, replies[4].pk]
    past = discussion_for(post, page=9)  # past the last: the last
    assert (past.page, [entry.id for entry in past.entries]) == (3, [e.id for e in last.entries])
    assert past.thread_count == 5 and past.approved_count == 10


def test_a_page_lists_threads_with_anything_shown_and_counts_every_approved_one(
    make, post, settings
):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    hidden = make("Held root, nothing shown under it", status="pending")
    make("Held reply", parent=hidden, status="pending")
    shown_below = make("Removed root", status="removed")
    reply = make("A published reply under a removed root", parent=shown_below)
    last = make("A published root")
    first = discussion_for(post, page=1)
    assert first.thread_count == 2 and first.num_pages == 2 and first.approved_count == 2
    assert [(e.id, e.placeholder) for e in first.entries] == [
        (shown_below.pk, True), (reply.pk, False),
    ]  # fmt: skip
    assert first.entries[0].reply_count == 1
    assert [e.id for e in discussion_for(post, page=2).entries] == [last.pk]


def test_permalink_lands_on_the_right_page(client, make, post, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    roots = [make(f"Root {n}") for n in range(5)]
    deep = make("Reply on page three", parent=roots[4])
    response = client.get(f"/comments/{deep.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=3#comment-{deep.pk}"
    page = client.get(response["Location"].split("#")[0])
    assert deep.pk in comment_ids(page.text)
    first = client.get(f"/comments/{roots[0].pk}/")
    assert first["Location"] == f"{post.get_absolute_url()}#comment-{roots[0].pk}"


def test_permalink_of_hidden_comment_is_404(client, make):
    assert client.get(f"/comments/{make('x', status='spam').pk}/").status_code == 404
    assert client.get("/comments/999999/").status_code == 404


def test_quote_from_edited_parent_is_marked(client, make, post, submit, author):
    from django.utils import timezone

    parent = make("Original words here.")
    reply = submit("Answer", parent=parent, user=author, quote="Original words")
    parent.body = "Original words here. (A personal detail was removed.)"
    parent.edited_at = timezone.now()
    parent.edit_note = "we removed a personal detail"
    parent.save()
    html = client.get(post.get_absolute_url()).text
    assert "<p>Original words</p>" in html
    assert "quoted from an earlier version" in html
    assert "Edited by a moderator: we removed a personal detail" in html
    assert reply.pk in comment_ids(html)
