"""The import writer: every field of a comment kept, whichever path stores it; existing
comments changed only through the services; new posts' cached pages retired."""

import ast
import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone

from blog.models import Post
from comments.models import Comment
from comments.reasons import Kind as ReasonKind
from comments.reasons import reason
from comments.services import comment_create_as_is, comment_link_imported_reply, hash_ip
from moderation.models import ModerationEvent
from porting.progress import Progress
from porting.readers.base import Options
from porting.readers.wxr import WXR
from porting.records import CommentRecord
from porting.writer import ImportFailed, ImportRun, batch, posts
from porting.writer.comments import comment_from_record
from porting.writer.ledger import Ledger
from tests.factories import PostFactory

from .conftest import FIXTURES, run
from .test_export import blog, wipe  # noqa: F401 - ``blog`` is a fixture

pytestmark = pytest.mark.usefixtures("trees_intact")

WRITER = Path(__file__).resolve().parents[2] / "porting" / "writer"


def every_field() -> list[tuple]:
    """Each comment with what an import must carry over, as a moderator would check it."""
    rows = []
    for c in Comment.objects.select_related("parent", "reply_to", "user"):
        rows.append((
            c.post.slug, c.body, c.quote, c.status, c.status_reasons,
            c.parent.body if c.parent else None, c.reply_to.body if c.reply_to else None,
            c.submitted_at.replace(microsecond=0), c.author_name, c.author_email,
            c.author_url, c.role,
            c.user.username if c.user else None, c.ip_hash, c.edit_note,
            c.edited_at.replace(microsecond=0) if c.edited_at else None,
        ))  # fmt: skip
    return sorted(rows, key=repr)


@pytest.mark.usefixtures("blog")
def test_both_paths_keep_every_field_of_an_export(tmp_path, monkeypatch):
    path = tmp_path / "export.xml"
    run("export_wxr", "--output", path)
    here = every_field()
    assert any(row[14] for row in here), "an edit note to carry over"
    assert any(row[6] and row[6] != row[5] for row in here), "a flattened deep reply"

    wipe()
    run("import_wxr", path)  # new threads: in batches
    batched = every_field()
    assert batched == here

    wipe()
    monkeypatch.setattr(batch.Batches, "_build_thread", lambda *args: False)
    run("import_wxr", path)  # every comment on its own
    assert every_field() == batched


def test_a_record_becomes_a_comment_with_every_field(db):
    post = PostFactory()
    author = post.author
    edited_at = timezone.now() - datetime.timedelta(days=1)
    record = CommentRecord(
        source_id="7", post_id="1", parent_id="3", body="A  reply.", status="approved",
        submitted_at=timezone.now() - datetime.timedelta(days=2), author_name=" Ruth\n",
        author_email="ruth@example.org", author_url="https://ruth.example.org/",
        user_agent="Mozilla/5.0", ip_hash="f" * 64, quote="a quote", role="team",
        edit_note="we had\nto edit " + "x" * 400, edited_at=edited_at,
    )  # fmt: skip
    note = reason(ReasonKind.IMPORTED, parent="3")

    comment = comment_from_record(record, post=post, parent=None, user=author, note=note)

    assert comment.pk is None  # built, not stored
    assert (comment.post, comment.parent, comment.body) == (post, None, "A  reply.")
    assert (comment.author_name, comment.author_email) == ("Ruth", "ruth@example.org")
    assert comment.author_url == "https://ruth.example.org/"
    assert (comment.user, comment.role, comment.user_agent) == (author, "team", "Mozilla/5.0")
    assert comment.ip_hash == "f" * 64  # our own exports carry the hash, not the address
    assert comment.status_reasons == [note]
    assert comment.quote == ""  # at the top level: nothing to quote from
    assert comment.edit_note.startswith("we had to edit x") and len(comment.edit_note) == 300
    assert comment.edited_at == edited_at

    record.ip, record.role, record.edit_note, record.edited_at = "203.0.113.9", "", "", None
    comment = comment_from_record(record, post=post, parent=None, user=author)
    assert comment.ip_hash == hash_ip("203.0.113.9")  # an address known: its hash, as always
    assert comment.role == "author"  # the post's author, badged as on the site
    assert (comment.status_reasons, comment.edit_note, comment.edited_at) == ([], "", None)


def test_a_flattened_reply_is_linked_to_what_it_answers_on_its_post_only(db):
    post, other = PostFactory(), PostFactory()
    at = timezone.now()
    fields = {"parent": None, "status": "approved", "submitted_at": at, "source": "an export"}
    first = comment_create_as_is(post=post, body="Answered.", **fields)
    second = comment_create_as_is(post=post, body="Answering.", **fields)
    away = comment_create_as_is(post=other, body="Elsewhere.", **fields)
    events = ModerationEvent.objects.count()

    assert comment_link_imported_reply(comment=second, answered=first)
    assert not comment_link_imported_reply(comment=second, answered=away)

    second.refresh_from_db()
    assert second.reply_to == first
    assert ModerationEvent.objects.count() == events  # the import's own event says it


def test_new_posts_have_their_cached_pages_retired_once_committed(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    bumped = []
    monkeypatch.setattr(posts.pagecache, "bump", lambda pk, **kw: bumped.append((pk, kw)))
    with django_capture_on_commit_callbacks() as callbacks:
        run("import_wxr", FIXTURES / "wxr-1.2-https.xml")
    assert bumped == []  # not before the import is committed
    for callback in callbacks:
        callback()
    new = set(Post.objects.values_list("pk", flat=True))
    assert {pk for pk, kw in bumped if kw == {"withdraw": True}} == new


def test_the_writer_changes_comments_only_through_the_services():
    """No queryset ``update`` and no signal receiver called by hand in the writer."""
    for module in sorted(WRITER.glob("*.py")):
        tree = ast.parse(module.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "blog.signals", module.name
            call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if call and node.func.attr == "update":
                called_on = ast.unparse(node.func.value)
                assert "objects" not in called_on, (module.name, ast.unparse(node))


def test_each_writer_holds_its_own_state(db):
    """The run composes its writers, which share the ledger and the report."""
    run_ = ImportRun(WXR(), FIXTURES / "wxr-minimal.xml", Options(),
                     Progress(io.StringIO(), enabled=False))  # fmt: skip
    assert type(run_).__mro__ == (ImportRun, object)
    assert run_.comments.ledger is run_.posts.ledger is run_.people.ledger is run_.ledger
    assert run_.comments.report is run_.posts.report is run_.threads.report is run_.report


def test_the_ledger_writes_nothing_before_the_export_names_its_site(db):
    ledger = Ledger(source="wxr")
    with pytest.raises(ImportFailed, match="does not say which site"):
        ledger.item("comment", "1")
    ledger.open("blog.example.org")
    assert ledger.item("comment", "1") is None
