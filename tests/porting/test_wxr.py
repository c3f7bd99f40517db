"""import_wxr: WordPress exports, from the public samples and our own edge-case fixtures."""

import datetime

import pytest
from django.core.management.base import CommandError

from blog.models import AuthorProfile, Post, Series
from comments.models import Comment, CommentRevision
from comments.reasons import describe_all
from comments.services import hash_ip
from moderation.models import ModerationEvent
from porting.models import ImportedItem

from .conftest import FIXTURES, TESTDATA, run

UTC = datetime.UTC
ISSO = TESTDATA / "wxr" / "isso-tests-wordpress.xml"
WORDPRESS_COM = TESTDATA / "wxr" / "google-blog-converters-wordpress-sample2.wxr"
OURS = FIXTURES / "wxr-1.2-https.xml"

pytestmark = pytest.mark.usefixtures("trees_intact")


def by_author(name: str) -> Comment:
    return Comment.objects.get(author_name=name)


def test_isso_sample_keeps_threads_duplicate_ids_and_items_without_post_type(db):
    output = run("import_wxr", ISSO)

    hello = Post.objects.get(slug="test")
    assert hello.title == "Hello, World…"
    assert hello.published_at == datetime.datetime(2014, 1, 14, 17, 31, 3, tzinfo=UTC)
    assert hello.author.username == "Tester"
    assert hasattr(hello.author, "author_profile")
    # Replies 7 → 6, 8 → 7 and 9 → 7, siblings in date order.
    second = Comment.objects.get(body="Zweiter.")
    assert [(c.level, c.body) for c in second.get_descendants(include_self=True)] == [
        (0, "Zweiter."), (1, "Drölfter!"), (2, "Yet another reply."), (2, "..."),
    ]  # fmt: skip
    assert by_author("Multiline Author").body == (
        "When you have a comment with multiple lines:\nWordPress exports it like this."
    )
    # Its local date is 10 hours ahead: the GMT date wins.
    assert by_author("Multiline Author").submitted_at == datetime.datetime(
        2022, 6, 6, 2, 13, 14, tzinfo=UTC
    )
    # Comment 11 is on two items: both kept, the second under another key, and reported.
    assert (
        Comment.objects.filter(body="...", author_name__in=["Letzter :/", "Anonymous"]).count() == 2
    )
    assert "comment id 11 is used by two different comments" in output
    keys = ImportedItem.objects.filter(kind="comment").values_list("source_id", flat=True)
    assert {"11", "11#2"} <= set(keys)
    # The two items without wp:post_type (and without an id) are posts all the same.
    assert Post.objects.count() == 3
    assert Post.objects.filter(title="No comments", status=Post.Status.PUBLISHED).exists()
    assert Comment.objects.count() == 8


def test_wordpress_com_sample_with_undeclared_prefix_is_read(db):
    output = run("import_wxr", WORDPRESS_COM)

    assert set(Post.objects.values_list("slug", flat=True)) == {
        "about-me", "a-somewhat-brief-history", "rolling-in-hawaii", "this-about-sums-up-my-life",
    }  # fmt: skip
    assert "1 attachments (media files are not imported)" in output
    assert "6 items of type “draft”" in output
    # Tags and categories become series; WordPress's default category does not.
    assert set(Series.objects.values_list("name", flat=True)) == {
        "Already Published", "Everything", "individual", "Previously Unpublished",
    }  # fmt: skip
    history = Post.objects.get(slug="a-somewhat-brief-history")
    assert "[MIT](http://www.mit.edu/)" in history.body
    assert '<a href="http://www.mit.edu/"' in history.body_html
    assert "<li>Left AOL for a job in Google Chicago.</li>" in history.body_html
    assert Comment.objects.count() == 3
    nice = Comment.objects.get(post=history)
    assert nice.body == "Nice picture!!!\n\nI mean NICE picture."
    # Blogger's placeholder address is no address.
    assert nice.author_email == ""
    assert (
        nice.author_url == "http://neatpoop.chi.corp.google.com:8080/profile/14651649569077291860"
    )


def test_own_fixture_authors_series_posts(db):
    output = run("import_wxr", OURS)

    amara = AuthorProfile.objects.get(user__username="amara")
    assert amara.display_name == "Prof. Amara Okafor"
    assert amara.user.email == "amara@blog.example.org"
    assert (amara.user.first_name, amara.user.last_name) == ("Amara", "Okafor")
    assert not amara.user.has_usable_password()
    assert AuthorProfile.objects.filter(user__username="lin").exists()

    post = Post.objects.get(slug="relapse-rates")
    assert post.author == amara.user
    assert post.summary == "What the new numbers mean."
    assert sorted(post.tags.names()) == ["Research", "ResearchSpeak"]
    assert Series.objects.get(name="ResearchSpeak").description == "Research explained for everyone"
    assert Series.objects.get(name="Research").description == "Posts about our studies"
    assert not Series.objects.filter(name="Uncategorized").exists()
    # HTML became Markdown: structure kept, the script gone, the renderer sanitises.
    assert "**trial**" in post.body and "[paper](https://example.org/paper.pdf)" in post.body
    assert "<script" not in post.body_html and "alert" not in post.body_html
    assert "<li>first point</li>" in post.body_html
    assert "with a line break." in post.body_html

    # Pages only with --pages; attachments never; a draft stays a draft with no date;
    # a password-protected post becomes a draft; an item without wp:post_type is a post.
    assert not Post.objects.filter(slug="about").exists()
    assert "1 pages (import them with --pages)" in output
    draft = Post.objects.get(title="Unfinished thoughts")
    assert (draft.status, draft.published_at) == (Post.Status.DRAFT, None)
    assert draft.slug == "unfinished-thoughts"
    assert Post.objects.get(slug="members-only").status == Post.Status.DRAFT
    assert "password-protected" in output
    assert Post.objects.get(slug="tom-and-jerry").title == "Tom & Jerry <3 research"


def test_own_fixture_comments(db):
    output = run("import_wxr", OURS, "--timezone", "America/New_York")
    post = Post.objects.get(slug="relapse-rates")

    one = by_author("Reader One")
    assert one.status == Comment.Status.APPROVED
    assert one.author_email == "one@example.net"
    assert one.author_url == "https://one.example.net/"
    assert one.ip_hash == hash_ip("203.0.113.9")
    assert one.submitted_at == datetime.datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    # HTML made plain text: links keep their URL, the script and attributes are gone.
    assert one.body == (
        "So, I'm scheduled for an infusion next year.\n"
        "See my insurer's policy (https://insurer.example/policy) and "
        "https://www.regulator.example/a.pdf.\n\nBold move."
    )
    assert '<a href="https://insurer.example/policy" rel="nofollow ugc noopener">' in one.body_html
    assert "script" not in one.body_html and "onmouseover" not in one.body_html

    # Statuses: 0 → pending, spam → spam, trash → removed.
    assert by_author("Level Two").status == Comment.Status.PENDING
    assert by_author("Level Two").author_url == ""  # javascript: is no address
    assert by_author("Cheap Pills").status == Comment.Status.SPAM
    assert by_author("Level Three").status == Comment.Status.REMOVED

    # A six-level thread, listed out of order, is stored parents first.
    assert [c.author_name for c in one.get_descendants()] == [
        "Prof. Amara Okafor", "Level Two", "Level Three", "Level Four", "Level Five", "Level Six",
    ]  # fmt: skip
    assert by_author("Level Six").level == 5
    assert by_author("Level Six").parent == by_author("Level Five")

    # The post's author, replying: linked to the user, with the author badge.
    amara = by_author("Prof. Amara Okafor")
    assert amara.user.username == "amara" and amara.role == "author"

    # A date given only in local time is read in --timezone.
    assert by_author("Local Time Only").submitted_at == datetime.datetime(
        2024, 1, 15, 23, 45, tzinfo=UTC
    )
    # CDATA holding "]]>" and escaped HTML.
    assert by_author("CDATA Fan").body == "Arrays end with ]]> in XML & x < y"
    # The pingback is left out.
    assert not Comment.objects.filter(author_name="Another Blog").exists()
    assert "1 pingbacks and trackbacks" in output
    # Top-level threads in date order.
    roots = Comment.objects.filter(post=post, parent=None).order_by("tree_id")
    assert [c.author_name for c in roots] == [
        "Local Time Only", "Reader One", "Cheap Pills", "Orphan", "CDATA Fan",
    ]  # fmt: skip


def test_reply_whose_parent_is_missing_is_kept_at_top_level_marked_and_reported(db):
    output = run("import_wxr", OURS)

    orphan = by_author("Orphan")
    assert orphan.parent is None
    assert orphan.status == Comment.Status.APPROVED
    [reason] = describe_all(orphan.status_reasons)
    assert "reply to comment 999, which is not in the export" in reason
    [event] = ModerationEvent.objects.filter(comment=orphan)
    assert "comment 999" in event.reason
    assert "Replies placed at the top level" in output
    assert "comment 109 on “Relapse rates, explained” (reply to 999)" in output


def test_every_imported_comment_has_one_event_and_its_first_revision(db):
    run("import_wxr", OURS)

    comments = Comment.objects.all()
    assert comments.count() == 11
    for comment in comments:
        [event] = ModerationEvent.objects.filter(comment_ref=comment.pk)
        assert event.action == ModerationEvent.Action.IMPORTED
        assert event.actor is None
        assert event.to_status == comment.status
        assert event.reason.startswith("imported from WordPress export wxr-1.2-https.xml")
        [revision] = CommentRevision.objects.filter(comment=comment)
        assert revision.body == comment.body
        assert revision.created_at == comment.submitted_at


def test_pages_come_in_with_the_pages_option(db):
    run("import_wxr", OURS, "--pages")

    about = Post.objects.get(slug="about")
    assert about.comments_open is False
    assert Comment.objects.get(post=about).body == "Nice page."


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_every_wxr_version_and_namespace_scheme(db, tmp_path, version, scheme):
    text = (FIXTURES / "wxr-minimal.xml").read_text()
    text = text.replace(
        "https://wordpress.org/export/1.2/", f"{scheme}://wordpress.org/export/{version}/"
    )
    path = tmp_path / f"wxr-{version}-{scheme}.xml"
    path.write_text(text)

    run("import_wxr", path)

    post = Post.objects.get(slug="minimal")
    assert post.summary == "Summary"
    top, reply = Comment.objects.filter(post=post).order_by("lft")
    assert reply.parent == top


@pytest.mark.parametrize(
    "name", ["wxr-windows-1252.xml", "wxr-utf-16.xml"], ids=["windows-1252", "utf-16"]
)
def test_declared_encodings_are_honoured(db, name):
    run("import_wxr", FIXTURES / name)

    post = Post.objects.get()
    assert post.title == "Café “science”"
    assert post.author.username == "rémi"
    comment = Comment.objects.get()
    assert comment.author_name == "Renée"
    assert comment.body.startswith("“Très bien” –")


def test_a_file_of_another_format_is_refused(db):
    with pytest.raises(CommandError, match="not a WordPress export"):
        run("import_wxr", TESTDATA / "disqus" / "isso-tests-disqus.xml")
    assert Post.objects.count() == 0


def test_posts_without_author_belong_to_the_author_option(db):
    from tests.factories import UserFactory

    editor = UserFactory(username="editor")
    run("import_wxr", FIXTURES / "wxr-minimal.xml", "--author", "editor")
    assert Post.objects.get().author.username == "someone"  # named in the file
    run("import_wxr", ISSO, "--author", "editor")
    assert Post.objects.get(title="No comments").author == editor


def test_check_comment_trees_passes_after_importing_every_format(db):
    from tests.factories import PostFactory

    PostFactory(slug="redacted")
    run("import_wxr", OURS)
    run("import_wxr", ISSO)
    run("import_blogger", TESTDATA / "blogger" / "google-blog-converters-blogger-sample2.xml")
    run("import_blogger", FIXTURES / "blogger-classic-threaded.xml")
    run("import_disqus", TESTDATA / "disqus" / "isso-tests-disqus.xml")
    run("import_disqus", FIXTURES / "disqus-matching.xml")

    assert "All comment threads are intact." in run("check_comment_trees")
