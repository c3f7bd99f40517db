"""Running an import again changes nothing; a newer export updates and adds; --dry-run
writes nothing; progress shows on a terminal only."""

import pytest
from django.core.management.base import CommandError

from blog.models import AuthorProfile, Post, Series
from comments.models import Comment, CommentRevision
from moderation.models import ModerationEvent
from porting.models import ImportedItem

from .conftest import FIXTURES, TESTDATA, TTY, run

OURS = FIXTURES / "wxr-1.2-https.xml"
MODELS = (Post, Comment, CommentRevision, ModerationEvent, Series, AuthorProfile, ImportedItem)

pytestmark = pytest.mark.usefixtures("trees_intact")


def snapshot() -> dict:
    """Every row the imports touch, as it is."""
    return {
        model.__name__: sorted(model.objects.values_list(flat=False).order_by("pk"))
        for model in MODELS
    }


@pytest.mark.parametrize(
    ("command", "path"),
    [
        ("import_wxr", OURS),
        ("import_wxr", TESTDATA / "wxr" / "isso-tests-wordpress.xml"),
        ("import_blogger", TESTDATA / "blogger" / "google-blog-converters-blogger-sample2.xml"),
        ("import_blogger", FIXTURES / "blogger-classic-threaded.xml"),
        ("import_disqus", TESTDATA / "disqus" / "isso-tests-disqus.xml"),
    ],
    ids=["wxr", "wxr-duplicate-ids", "blogger", "blogger-threaded", "disqus"],
)
def test_second_run_changes_nothing(db, command, path):
    run(command, path)
    before = snapshot()
    output = run(command, path)
    assert snapshot() == before
    assert "created" not in output and "updated" not in output


def newer_export(tmp_path):
    """The same site a month later: one comment edited, one approved, one new comment,
    one new post, one post retitled."""
    text = OURS.read_text()
    changes = [
        (
            "So, I'm scheduled for an infusion next year.",
            "So, I'm scheduled for an infusion in May.",
        ),
        (
            "<![CDATA[Held for moderation.]]></wp:comment_content>\n"
            "\t\t\t<wp:comment_approved><![CDATA[0]]>",
            "<![CDATA[Held for moderation.]]></wp:comment_content>\n"
            "\t\t\t<wp:comment_approved><![CDATA[1]]>",
        ),
        ("<title>Tom &amp; Jerry &lt;3 research</title>", "<title>Tom and Jerry</title>"),
        (
            "\t</item>\n\n\t<item>\n\t\t<title><![CDATA[About this blog]]>",
            "\t\t<wp:comment>\n\t\t\t<wp:comment_id>130</wp:comment_id>\n"
            "\t\t\t<wp:comment_author>Newcomer</wp:comment_author>\n"
            "\t\t\t<wp:comment_content>Late to this, but thanks.</wp:comment_content>\n"
            "\t\t\t<wp:comment_date_gmt>2024-06-01 09:00:00</wp:comment_date_gmt>\n"
            "\t\t\t<wp:comment_approved>1</wp:comment_approved>\n"
            "\t\t\t<wp:comment_parent>110</wp:comment_parent>\n\t\t</wp:comment>\n"
            "\t</item>\n\n\t<item>\n\t\t<title><![CDATA[About this blog]]>",
        ),
        (
            "</channel>",
            "\t<item><title>New post</title><dc:creator>lin</dc:creator><wp:post_id>40</wp:post_id>"
            "<wp:post_date_gmt>2024-06-02 09:00:00</wp:post_date_gmt><wp:status>publish</wp:status>"
            "<wp:post_type>post</wp:post_type></item>\n</channel>",
        ),
    ]
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "wxr-1.2-https-newer.xml"
    path.write_text(text)
    return path


def test_newer_export_updates_what_changed_and_adds_what_is_new(db, tmp_path):
    run("import_wxr", OURS)
    one = Comment.objects.get(author_name="Reader One")
    untouched = Comment.objects.get(author_name="Level Six")
    untouched_events = ModerationEvent.objects.filter(comment=untouched).count()

    output = run("import_wxr", newer_export(tmp_path))

    assert "comments: 1 created, 2 updated, 9 unchanged" in output
    assert "posts: 1 created, 1 updated, 3 unchanged" in output
    one.refresh_from_db()
    assert one.body.startswith("So, I'm scheduled for an infusion in May.")
    # The earlier text stays as a revision; an audit event says what changed.
    assert [r.body.split("\n")[0] for r in one.revisions.order_by("created_at", "id")] == [
        "So, I'm scheduled for an infusion next year.",
        "So, I'm scheduled for an infusion in May.",
    ]
    event = ModerationEvent.objects.filter(comment=one).last()
    assert event.action == "imported" and "updated from" in event.reason and "text" in event.reason
    approved = Comment.objects.get(author_name="Level Two")
    assert approved.status == Comment.Status.APPROVED
    event = ModerationEvent.objects.filter(comment=approved).last()
    assert (event.from_status, event.to_status) == ("pending", "approved")
    newcomer = Comment.objects.get(author_name="Newcomer")
    assert newcomer.parent == Comment.objects.get(author_name="Prof. Amara Okafor")
    assert Post.objects.get(slug="tom-and-jerry").title == "Tom and Jerry"
    assert Post.objects.filter(title="New post").exists()
    assert ModerationEvent.objects.filter(comment=untouched).count() == untouched_events


def test_a_comment_a_moderator_removed_here_stays_removed(db, tmp_path, moderator):
    from moderation.services import comment_remove

    run("import_wxr", OURS)
    one = Comment.objects.get(author_name="Reader One")
    comment_remove(comment=one, actor=moderator, reason="Personal details.")

    output = run("import_wxr", newer_export(tmp_path))  # edits this comment's text

    one.refresh_from_db()
    assert one.status == Comment.Status.REMOVED
    assert one.body.startswith("So, I'm scheduled for an infusion next year.")
    assert ModerationEvent.objects.filter(comment=one).last().action == "removed"
    assert "comments: 1 created, 1 updated, 10 unchanged" in output


def test_a_comment_erased_here_is_not_brought_back(db):
    run("import_wxr", OURS)
    Comment.objects.filter(author_name="CDATA Fan").delete()

    output = run("import_wxr", OURS)

    assert not Comment.objects.filter(author_name="CDATA Fan").exists()
    assert "1 deleted here and left out" in output


@pytest.mark.parametrize(
    ("command", "path"),
    [
        ("import_wxr", OURS),
        ("import_blogger", FIXTURES / "blogger-classic-threaded.xml"),
        ("import_disqus", FIXTURES / "disqus-matching.xml"),
    ],
    ids=["wxr", "blogger", "disqus"],
)
def test_dry_run_reports_and_writes_nothing(db, command, path):
    before = snapshot()
    output = run(command, path, "--dry-run")
    assert snapshot() == before
    assert "Dry run: nothing was written." in output
    assert "to create" in output


def test_dry_run_lists_the_posts_it_would_write(db):
    output = run("import_wxr", OURS, "--dry-run")
    assert "comments: 11 to create" in output
    assert "create “Relapse rates, explained” (/relapse-rates/, published)" in output


def test_progress_only_on_a_terminal(db):
    quiet = run("import_wxr", OURS)
    assert "/s" not in quiet and "\r" not in quiet

    terminal = TTY()
    run("import_wxr", TESTDATA / "wxr" / "isso-tests-wordpress.xml", stdout=terminal)
    shown = terminal.getvalue()
    # 3 items and 8 comments in the file: 11 things done of 11, with a rate.
    assert "\r11/11 items (100%) · " in shown and "/s" in shown


def test_the_same_ids_from_another_site_are_kept_apart(db, tmp_path):
    run("import_wxr", FIXTURES / "wxr-minimal.xml")
    other = tmp_path / "other-site.xml"
    other.write_text(
        (FIXTURES / "wxr-minimal.xml")
        .read_text()
        .replace("https://minimal.example.org", "https://other.example.org")
    )
    run("import_wxr", other)
    assert Post.objects.count() == 2
    assert Comment.objects.count() == 4


def test_site_option_keys_a_file_that_names_no_site(db, tmp_path):
    isso = TESTDATA / "wxr" / "isso-tests-wordpress.xml"
    run("import_wxr", isso, "--site", "https://example.tld")
    assert ImportedItem.objects.filter(source_key="https://example.tld").exists()
    renamed = tmp_path / "isso-newer.xml"
    renamed.write_bytes(isso.read_bytes())
    output = run("import_wxr", renamed, "--site", "https://example.tld")
    assert "comments: 8 unchanged" in output


def test_unknown_author_option_is_an_error_and_stores_nothing(db):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run("import_wxr", TESTDATA / "wxr" / "isso-tests-wordpress.xml", "--author", "nobody")
    assert Post.objects.count() == 0


def test_undated_items_are_dated_now_once(db):
    output = run("import_wxr", FIXTURES / "wxr-undated.xml")
    assert "comment 1 has no date: dated now" in output
    assert "has no date: published now" in output
    before = snapshot()
    assert "comments: 1 unchanged" in run("import_wxr", FIXTURES / "wxr-undated.xml")
    assert snapshot() == before
