"""export_wxr and export_json; the round trip export → import into an empty database →
export gives the same file."""

import datetime
import json
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.utils import timezone

from blog.models import AuthorProfile, Post, Series
from comments.models import Comment
from comments.services import Submission, comment_create_as_is, comment_submit
from moderation import services
from moderation.models import ModerationEvent
from porting.models import ImportedItem
from tests.factories import AuthorFactory, PostFactory, SeriesFactory, SuperuserFactory, UserFactory

from .conftest import run

WP = "{http://wordpress.org/export/1.2/}"

pytestmark = pytest.mark.usefixtures("trees_intact")


@pytest.fixture
def blog(db):
    """A blog written here: every kind of post and comment an export has to carry."""
    amara = AuthorFactory(username="amara", email="amara@colloquy.example", first_name="Amara")
    AuthorProfile.objects.create(user=amara, display_name="Prof. Amara", slug="amara")
    moderator = UserFactory(username="mod", is_staff=True, email="mod@colloquy.example")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    speak = SeriesFactory(name="ResearchSpeak", slug="speak", description="For everyone")
    now = timezone.now()
    post = PostFactory(
        title="Relapse <rates> & “quotes”",
        slug="relapse-rates",
        author=amara,
        body="Some *Markdown* with ]]> and <b>tags</b>.\n\n- a list",
        summary="Summary with <b> & ]]>",
        competing_interests="CoI: multiple",
        postscript="PS: *thanks*",
        comments_close_at=now + datetime.timedelta(days=30),
        published_at=now - datetime.timedelta(days=3, microseconds=123456),
        tags=[speak],
    )
    PostFactory(title="A draft", slug="a-draft", author=amara, draft=True)
    PostFactory(title="Scheduled", slug="scheduled", author=amara, scheduled=True)
    PostFactory(title="Closed", slug="closed", author=amara, comments_open=False,
                published_at=now - datetime.timedelta(days=9))  # fmt: skip

    def as_is(body, *, parent=None, minutes, status="approved", **fields):
        at = now - datetime.timedelta(days=2) + datetime.timedelta(minutes=minutes, microseconds=7)
        return comment_create_as_is(
            post=post, parent=parent, body=body, status=status, submitted_at=at,
            source="test", **fields,
        )  # fmt: skip

    top = as_is("So, I'm scheduled for an infusion next year.\n\n\nAnd  spaces  \nhere.",
                minutes=1, author_name="Anon", author_email="anon@example.net",
                author_url="https://anon.example.net/", ip="203.0.113.5")  # fmt: skip
    # Created out of date order: the export must not depend on insertion order.
    later = as_is("Later sibling <script>alert(1)</script> &amp;", parent=top, minutes=30)
    earlier = as_is("Earlier sibling ]]> x", parent=top, minutes=20, quote="infusion next year")
    as_is("Rejected one", minutes=40, status="pending", author_name="R")
    services.comment_reject(comment=Comment.objects.get(body="Rejected one"), actor=moderator)
    as_is("Spam", minutes=41, status="spam")
    removed = as_is("Removed one", minutes=42)
    services.comment_remove(comment=removed, actor=moderator, reason="off topic")
    edited = as_is("Original text with a slur", minutes=43, author_name="Edited")
    services.comment_edit(comment=edited, actor=moderator, reason="slur", body="Edited text",
                          public_note="we had to edit your comment")  # fmt: skip
    # Authors and moderators reply through the reader path; deep replies are flattened.
    reply = comment_submit(post=post, submission=Submission(body="Author here."), parent=earlier,
                           user=amara, ip="198.51.100.3")  # fmt: skip
    deeper = comment_submit(post=post, submission=Submission(body="Moderator here."),
                            parent=reply, user=moderator)  # fmt: skip
    deepest = comment_submit(post=post, submission=Submission(body="Too deep."), parent=deeper,
                             user=moderator)  # fmt: skip
    comment_submit(post=post, submission=Submission(body="Deeper still.", quote="Too deep."),
                   parent=deepest, user=amara)  # fmt: skip
    as_is("Pending", minutes=44, status="pending", parent=later)
    return post


def wipe():
    """An empty database, as on a new server (the roles' groups come from migrations)."""
    Post.objects.all().delete()
    Series.objects.all().delete()
    ImportedItem.objects.all().delete()
    ModerationEvent.objects.all().delete()
    get_user_model().objects.all().delete()


def snapshot_comments():
    rows = []
    for c in Comment.objects.all():
        rows.append((
            c.submitted_at.replace(microsecond=0), c.post.slug, c.parent.body if c.parent else None,
            c.reply_to.body if c.reply_to else None, c.body, c.quote, c.status, c.author_name,
            c.author_email, c.author_url, c.role, c.user.username if c.user else None,
            c.edit_note, c.ip_hash,
        ))  # fmt: skip
    return sorted(rows)


def test_round_trip_gives_identical_files(blog, tmp_path):
    first = tmp_path / "first.xml"
    run("export_wxr", "--output", first)
    comments_before = snapshot_comments()
    posts_before = sorted(Post.objects.values_list("slug", "title", "body", "status", "summary"))

    wipe()
    output = run("import_wxr", first)
    second = tmp_path / "second.xml"
    run("export_wxr", "--output", second)

    assert "posts: 4 created" in output
    assert second.read_text() == first.read_text()
    assert sorted(Post.objects.values_list("slug", "title", "body", "status", "summary")) == (
        posts_before
    )
    assert snapshot_comments() == comments_before
    post = Post.objects.get(slug="relapse-rates")
    assert (post.competing_interests, post.postscript) == ("CoI: multiple", "PS: *thanks*")
    assert list(post.tags.names()) == ["ResearchSpeak"]
    assert Series.objects.get().description == "For everyone"
    assert Series.objects.get().slug == "speak"
    assert AuthorProfile.objects.get(user__username="amara").display_name == "Prof. Amara"


def test_importing_a_sites_own_export_duplicates_nothing(blog, tmp_path):
    path = tmp_path / "export.xml"
    run("export_wxr", "--output", path)
    posts, comments = Post.objects.count(), Comment.objects.count()

    output = run("import_wxr", path)

    assert (Post.objects.count(), Comment.objects.count()) == (posts, comments)
    assert "posts: 4 linked" in output and f"comments: {comments} linked" in output


def test_export_is_wxr_1_2_that_wordpress_reads(blog, tmp_path):
    path = tmp_path / "export.xml"
    run("export_wxr", "--output", path)
    channel = ET.parse(path).getroot().find("channel")  # noqa: S314 - our own file

    assert channel.find(f"{WP}wxr_version").text == "1.2"
    items = channel.findall("item")
    assert [item.find(f"{WP}post_name").text for item in items] == [
        "closed", "relapse-rates", "scheduled", "a-draft",
    ]  # fmt: skip
    assert [item.find(f"{WP}status").text for item in items] == [
        "publish", "publish", "future", "draft",
    ]  # fmt: skip
    post = items[1]
    assert post.find(f"{WP}comment_status").text == "open"
    assert items[0].find(f"{WP}comment_status").text == "closed"
    statuses = [c.find(f"{WP}comment_approved").text for c in post.findall(f"{WP}comment")]
    assert sorted(statuses) == sorted(["1"] * 8 + ["0", "trash", "spam", "trash"])
    # Replies point at comments earlier in the file.
    seen = set()
    for comment in post.findall(f"{WP}comment"):
        parent = comment.find(f"{WP}comment_parent").text
        assert parent == "0" or parent in seen
        seen.add(comment.find(f"{WP}comment_id").text)
    content = post.find("{http://purl.org/rss/1.0/modules/content/}encoded").text
    assert "<em>Markdown</em>" in content


def test_export_one_post(blog, tmp_path):
    path = tmp_path / "one.xml"
    run("export_wxr", "--post", "closed", "--output", path)
    text = path.read_text()
    assert text.count("<item>") == 1 and "Relapse" not in text
    with pytest.raises(CommandError, match="No post with the slug"):
        run("export_wxr", "--post", "nope")


def test_export_json_holds_threads_revisions_and_events(blog, tmp_path):
    erased = Comment.objects.get(body="Spam")
    services.comment_erase(comment=erased, actor=SuperuserFactory(), reason="GDPR request 7")
    path = tmp_path / "export.json"
    run("export_json", "--output", path)
    data = json.loads(path.read_text())

    assert data["format"] == "colloquy-export"
    assert [series["name"] for series in data["series"]] == ["ResearchSpeak"]
    post = next(p for p in data["posts"] if p["slug"] == "relapse-rates")
    assert post["body"] == blog.body and post["series"] == ["ResearchSpeak"]
    top = post["comments"][0]
    assert top["body"].startswith("So, I'm scheduled")
    assert [reply["body"] for reply in top["replies"]][:1] == ["Earlier sibling ]]> x"]
    edited = next(c for c in post["comments"] if c["body"] == "Edited text")
    assert [r["body"] for r in edited["revisions"]] == ["Original text with a slur", "Edited text"]
    assert [e["action"] for e in edited["events"]] == ["imported", "edited"]
    assert edited["edit_note"] == "we had to edit your comment"
    # The erased comment is gone; its audit events are kept.
    orphans = data["events_without_comment"]
    assert [(e["action"], e["reason"]) for e in orphans][-1] == ("erased", "GDPR request 7")
    assert "ip_hash" not in json.dumps(data)
    again = tmp_path / "again.json"
    run("export_json", "--output", again)
    assert again.read_text() == path.read_text()


def test_export_to_standard_output(blog):
    assert run("export_wxr", "--post", "closed").startswith(
        '<?xml version="1.0" encoding="UTF-8" ?>'
    )
    assert json.loads(run("export_json", "--post", "closed"))["posts"][0]["slug"] == "closed"
