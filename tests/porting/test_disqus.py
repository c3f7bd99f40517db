"""import_disqus: comments matched to posts already here, by identifier or address."""

import pytest
from django.core.management.base import CommandError

from blog.models import Post
from comments.models import Comment
from comments.reasons import describe_all
from porting.models import ImportedItem
from tests.factories import PostFactory

from .conftest import FIXTURES, TESTDATA, run

ISSO = TESTDATA / "disqus" / "isso-tests-disqus.xml"
MALFORMED = TESTDATA / "disqus" / "remark42-testdata-disqus-malformed.xml"
MATCHING = FIXTURES / "disqus-matching.xml"

pytestmark = pytest.mark.usefixtures("trees_intact")


def test_isso_sample_parents_deleted_orphans_and_unmatched_threads(db):
    redacted = PostFactory(slug="redacted", title="Redacted")
    output = run("import_disqus", ISSO)

    # Thread 7 (empty id and title) is matched by its address, ".../redacted/index.html".
    assert Comment.objects.get(post=redacted).body == "Message from thread with empty title and id"
    # Thread 2 matches no post: its comments are kept on a draft that says where they were.
    hello = Post.objects.get(title="Disqus comments: Hello, World!")
    assert hello.status == Post.Status.DRAFT
    assert "http://example.org/" in hello.body
    first = Comment.objects.get(post=hello, author_name="peter", status="approved")
    assert first.body == "..."
    reply = Comment.objects.get(post=hello, author_name="user", parent=first)
    assert reply.body == "Hello, World."
    # A deleted comment is removed (text and all), and its reply keeps its place under it.
    deleted = Comment.objects.get(post=hello, status=Comment.Status.REMOVED)
    assert deleted.body == ""
    assert Comment.objects.filter(parent=deleted).count() == 1
    # Post 6 names thread 1337, which the export does not have: kept, and reported.
    orphan = Comment.objects.get(author_name="where am I?")
    assert "1337" in orphan.post.title and orphan.post.status == Post.Status.DRAFT
    assert "Posts created to hold comments" in output
    assert Comment.objects.count() == 6


def test_threads_matched_by_slug_wordpress_id_old_address_and_address_here(db):
    run("import_wxr", FIXTURES / "wxr-1.2-https.xml")
    # Renamed here, so only its address on the old site can match it.
    Post.objects.filter(slug="tom-and-jerry").update(slug="cartoon-science")
    diet = PostFactory(slug="diet-and-ms", title="Diet")

    output = run("import_disqus", MATCHING)

    relapse = Post.objects.get(slug="relapse-rates")
    one = Comment.objects.get(author_name="One")
    assert one.post == relapse
    assert one.body == "Top comment with a link (https://example.org/a)."
    two = Comment.objects.get(author_name="Two")
    assert two.parent == one  # listed first, placed after its parent
    spam = Comment.objects.get(author_name="Spam")
    assert spam.status == Comment.Status.SPAM
    assert spam.post == Post.objects.get(title="Unfinished thoughts")  # WordPress post 12
    deleted = Comment.objects.get(author_name="Deleted")
    assert deleted.post.slug == "cartoon-science"
    assert deleted.status == Comment.Status.REMOVED
    assert Comment.objects.get(author_name="Five").parent == deleted
    six = Comment.objects.get(author_name="Six")
    assert six.post == diet and six.parent is None
    assert "p-missing" in describe_all(six.status_reasons)[0]
    gone = Comment.objects.get(author_name="Seven").post
    assert gone.status == Post.Status.DRAFT and gone.comments_open is False
    assert "4 matched to posts" in output
    assert "comment p6 on “Diet” (reply to p-missing)" in output


def test_unmatched_threads_can_be_left_out(db):
    output = run("import_disqus", MATCHING, "--unmatched", "skip")
    assert Post.objects.count() == 0
    assert Comment.objects.count() == 0
    assert "threads matching no post" in output


def test_second_run_uses_the_same_posts(db):
    PostFactory(slug="relapse-rates")
    run("import_disqus", MATCHING)
    posts, comments = Post.objects.count(), Comment.objects.count()
    output = run("import_disqus", MATCHING)
    assert (Post.objects.count(), Comment.objects.count()) == (posts, comments)
    assert "comments: 7 unchanged" in output
    assert ImportedItem.objects.filter(kind="thread").count() == 5


def test_malformed_sample_is_refused_at_its_first_fault(db):
    with pytest.raises(CommandError) as error:
        run("import_disqus", MALFORMED)
    assert "line 1, column 1" in str(error.value)
    assert "Nothing was imported" in str(error.value)
    assert Comment.objects.count() == 0
