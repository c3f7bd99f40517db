"""Issue 23, smaller points: a site-wide comments feed with the per-post feed's contents,
moderators' edit notes in both feeds, parsed as a feed reader would (feedparser)."""

import datetime

import feedparser
from django.utils import timezone

from comments.models import Comment
from comments.services import comment_create_as_is
from moderation.services import comment_edit
from tests.factories import PostFactory


def parsed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0 and feed.version == "atom10"
    return feed


def test_the_site_feed_has_every_published_posts_approved_comments(client, post, make, author):
    at = timezone.now() - datetime.timedelta(hours=1)
    first = make("Is the infusion safe?", submitted_at=at)
    comment_create_as_is(
        post=post, parent=first, body="Ask your neurologist.", quote="the infusion",
        status=Comment.Status.APPROVED, submitted_at=at + datetime.timedelta(minutes=5),
        source="test", author_name="Dr Amara Osei", user=author, role="author",
    )  # fmt: skip
    make("Held.", status=Comment.Status.PENDING, name="Hidden Person")
    other = PostFactory(title="Sample sizes", slug="sample-sizes", author=author)
    comment_create_as_is(
        post=other, parent=None, body="On sample sizes.", status=Comment.Status.APPROVED,
        submitted_at=at + datetime.timedelta(minutes=10), source="test", author_name="Ruth",
    )  # fmt: skip
    draft = PostFactory(title="Unpublished", slug="draft", author=author, draft=True)
    comment_create_as_is(
        post=draft, parent=None, body="On a draft.", status=Comment.Status.APPROVED,
        submitted_at=at, source="test", author_name="Early",
    )  # fmt: skip

    site = parsed(client, "/comments/feed/")
    assert [entry.author for entry in site.entries] == [
        "Ruth",
        "Dr Amara Osei · Author",
        "Anonymous " + timezone.localtime(at).strftime("%H:%M"),
    ]
    assert site.entries[0].title == "Ruth on “Sample sizes”"
    assert site.entries[0].link.endswith(f"/comments/{other.comments.get().pk}/")
    text = client.get("/comments/feed/").content.decode()
    assert "Hidden Person" not in text and "On a draft." not in text

    # The same entries as the post's own feed, word for word.
    per_post = parsed(client, f"/comments/feed/{post.slug}/")
    on_post = [e for e in site.entries if e.title.endswith("“Relapse rates, explained”")]
    assert [(e.author, e.title, e.summary, e.link) for e in on_post] == [
        (e.author, e.title, e.summary, e.link) for e in per_post.entries
    ]
    assert "<blockquote><p>the infusion</p>" in on_post[0].summary


def test_the_subscribe_page_links_the_site_comments_feed(client, post):
    html = client.get("/subscribe/").text
    assert 'href="/comments/feed/"' in html


def test_feeds_carry_the_moderators_public_edit_note(client, post, make, moderator):
    comment = make("Call 555-0100 for cheap pills. Otherwise: my relapse rate dropped.")
    comment_edit(
        comment=comment, actor=moderator, reason="phone number and advert",
        body="My relapse rate dropped.",
        public_note="we had to edit your comment because some of it was not fit for purpose",
    )  # fmt: skip
    for url in ("/comments/feed/", f"/comments/feed/{post.slug}/"):
        entry = parsed(client, url).entries[0]
        assert "My relapse rate dropped." in entry.summary
        assert "555-0100" not in entry.summary
        assert (
            "Edited by a moderator: we had to edit your comment because some of it was not fit "
            "for purpose" in entry.summary
        )


def test_an_edit_without_a_public_note_still_says_it_was_edited(client, post, make, moderator):
    comment = make("Teh rate dropped.")
    comment_edit(comment=comment, actor=moderator, reason="typo", body="The rate dropped.")
    entry = parsed(client, "/comments/feed/").entries[0]
    assert "<em>Edited by a moderator</em>" in entry.summary


def test_an_empty_site_feed_is_stable(client, post):
    first = client.get("/comments/feed/").content
    assert feedparser.parse(first).entries == []
    assert client.get("/comments/feed/").content == first
