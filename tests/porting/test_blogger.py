"""import_blogger: Blogger's classic Atom export and the current Takeout format."""

import datetime

import pytest

from blog.models import Post, Series
from comments.models import Comment
from moderation.models import ModerationEvent

from .conftest import FIXTURES, TESTDATA, run

UTC = datetime.UTC
SAMPLE = TESTDATA / "blogger" / "google-blog-converters-blogger-sample2.xml"

pytestmark = pytest.mark.usefixtures("trees_intact")


def test_public_sample_posts_labels_comments_and_skipped_entries(db):
    output = run("import_blogger", SAMPLE)

    assert Post.objects.count() == 4
    history = Post.objects.get(title="A (somewhat) brief history")
    assert history.slug == "somewhat-brief-history"  # from its old address
    # "2008-04-15T09:28:00.000-07:00", kept as the same instant.
    assert history.published_at == datetime.datetime(2008, 4, 15, 16, 28, tzinfo=UTC)
    assert set(history.tags.names()) == {"Everything", "individual", "Previously Unpublished"}
    assert set(Series.objects.values_list("name", flat=True)) == {
        "Already Published", "Everything", "individual", "Previously Unpublished",
    }  # fmt: skip
    assert history.author.author_profile.display_name == "JJ"
    assert history.author.email == "jlueck@gmail.com"
    # Settings and the template are not posts.
    assert "47 settings entries" in output and "1 template entries" in output

    assert Comment.objects.count() == 3
    nice = Comment.objects.get(post=history)
    assert nice.body == "Nice picture!!!\n\nI mean NICE picture."
    assert nice.author_email == ""  # noreply@blogger.com stands for no address
    assert nice.submitted_at == datetime.datetime(2008, 11, 12, 0, 9, tzinfo=UTC)
    # Listed newest first in the file, stored oldest first.
    life = Post.objects.get(slug="this-about-sums-up-my-life")
    assert [c.body for c in Comment.objects.filter(post=life).order_by("tree_id")] == [
        "Your video isn't showing up",
        "I'll get that fixed soon.",
    ]
    assert ModerationEvent.objects.filter(action="imported").count() == 3


def test_classic_export_threads_drafts_pages_and_removed_comments(db):
    output = run("import_blogger", FIXTURES / "blogger-classic-threaded.xml")

    post = Post.objects.get(slug="vitamin-d")
    assert post.published_at == datetime.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    assert list(post.tags.names()) == ["MSBlog"]
    assert "Line one\\\nline two" in post.body
    assert "[the study](https://example.org/study)" in post.body
    assert Post.objects.get(title="Draft on diet").status == Post.Status.DRAFT
    assert not Post.objects.filter(title="About").exists()
    assert "1 pages (import them with --pages)" in output
    assert "1 settings entries" in output

    question = Comment.objects.get(author_name="Curious")
    assert question.body == "Does the dose matter?\n\nI take 4000 IU."
    assert question.author_url == "https://curious.example.net/"
    thanks = Comment.objects.get(author_name="Anonymous")
    # Listed before the comment it answers; linked to it by rel="related".
    assert thanks.parent == question
    assert thanks.body == "Thanks, doctor!"
    assert Comment.objects.get(author_name="Gone Reader").status == Comment.Status.REMOVED

    # A comment on a post that is not in the export is kept, on a draft that holds it.
    late = Comment.objects.get(author_name="Late Reader")
    assert late.post.status == Post.Status.DRAFT
    assert "9999" in late.post.title
    assert "Posts created to hold comments" in output


def test_takeout_format(db):
    run("import_blogger", FIXTURES / "blogger-takeout.xml")

    story = Post.objects.get(slug="modern-story")
    assert story.status == Post.Status.PUBLISHED
    assert story.summary == "A search description."
    assert list(story.tags.names()) == ["Technology"]
    assert story.body == "From the current format."
    assert Post.objects.get(slug="private-draft").status == Post.Status.DRAFT

    top = Comment.objects.get(author_name="Modern Reader")
    reply = Comment.objects.get(author_name="Replier")
    assert reply.parent == top and top.post == story
    assert Comment.objects.get(author_name="Spammer").status == Comment.Status.SPAM


def test_pages_option(db):
    run("import_blogger", FIXTURES / "blogger-classic-threaded.xml", "--pages")
    assert Post.objects.filter(title="About").exists()
