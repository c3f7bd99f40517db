"""Reasons are data: the policy stores kinds and details, words are made when shown, and
the sentences stored before are converted by migration comments 0012."""

import re
from pathlib import Path

import pytest

from comments.models import Comment
from comments.reasons import Kind, describe, describe_all, reason, spam_score
from moderation.models import BlockedTerm
from tests.factories import PostFactory
from tests.migrations import latest, migrate

ROOT = Path(__file__).resolve().parents[2]


def test_the_policy_stores_kinds_and_details_not_sentences(submit):
    BlockedTerm.objects.create(value="ivermectin", outcome=BlockedTerm.Outcome.HOLD)
    links = " ".join(f"https://site{n}.example/" for n in range(4))
    comment = submit(f"Ivermectin, see {links}", author_email="new@example.org")

    assert comment.status == Comment.Status.PENDING
    assert sorted(comment.status_reasons, key=lambda r: r["kind"]) == [
        {"kind": "blocked", "detail": {"what": "term", "value": "ivermectin"}},
        {"kind": "first", "detail": {}},
        {"kind": "links", "detail": {"count": 4}},
    ]
    comment.refresh_from_db()
    assert comment.status_reason_kinds == ["blocked", "first", "links"]


def test_words_are_made_when_shown():
    assert describe(reason(Kind.LINKS, count=1)) == "1 link"
    assert describe(reason(Kind.LINKS, count=3)) == "3 links"
    assert describe(reason(Kind.BLOCKED, what="domain", value="pills.example")) == (
        "blocked link domain: pills.example"
    )
    shown = describe(reason(Kind.SPAM_SCORE, score=0.9731, decisions=1204))
    assert shown == "spam score 0.97 (learned from 1,204 decisions)"
    assert spam_score([reason(Kind.FIRST), reason(Kind.SPAM_SCORE, score=0.9731)]) == 0.9731
    assert spam_score([reason(Kind.FIRST)]) is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_stored_sentences_into_data():
    leaves = latest()
    post = PostFactory()
    OldComment = migrate([("comments", "0010_comment_pending_tree_kinds")]).get_model(
        "comments", "Comment"
    )
    sentences = [
        "first comment from this email",
        "no email given",
        "email not confirmed yet",
        "spam score 0.97 (learned from 1,204 decisions)",
        "3 links",
        "blocked term: casino",
        "blocked link domain: pills.example",
        "honeypot field filled in",
        "imported reply to comment p-9, which is not in the export: placed at the top level",
        "erster Kommentar",  # no pattern knows it: kept as text
    ]
    old = OldComment.objects.create(
        post_id=post.pk, body="Stored before.", status="pending", status_reasons=sentences,
        lft=1, rght=2, tree_id=1, level=0,
    )  # fmt: skip

    migrate(leaves)

    comment = Comment.objects.get(pk=old.pk)
    assert [r["kind"] for r in comment.status_reasons] == [
        "first", "noemail", "unconfirmed", "spamscore", "links", "blocked", "blocked",
        "honeypot", "imported", "other",
    ]  # fmt: skip
    assert comment.status_reasons[3]["detail"] == {"score": 0.97, "decisions": 1204}
    assert comment.status_reasons[4]["detail"] == {"count": 3}
    assert describe_all(comment.status_reasons) == sentences
    assert comment.status_reason_kinds == sorted(
        {"first", "noemail", "unconfirmed", "spamscore", "links", "blocked", "honeypot",
         "imported", "other"}
    )  # fmt: skip


# Reading a reason's words back (a regex, a prefix, the first word) is how code broke when
# a reason was written in another language: only display code makes words, nothing parses
# them.
PARSING = re.compile(r"startswith\(|endswith\(|re\.(compile|match|search)|\.split\(|isdigit")


def test_no_code_parses_reason_sentences():
    found = []
    for app in ("core", "blog", "comments", "moderation", "porting"):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # 0012 converts the sentences stored before, once
            for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
                if "reason" in line.lower() and PARSING.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
