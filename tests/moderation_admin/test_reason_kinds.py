"""The comment list's reason filter reads the kinds PostgreSQL keeps from each comment's
reasons (issue 15): the comments it lists are those whose reasons match the kind, whoever
wrote the reasons; the held comments' index answers it; a filtered page costs the same
queries however many comments match; and the list's pages keep the tree order."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.reasons import Kind, reason
from moderation.admin.comments import CommentAdmin
from tests.plans import plan

from .conftest import CHANGELIST_URL, text

Status = Comment.Status
# Reasons as the policy, the learned filter and the imports write them, each with its kind.
REASONS = [
    (reason(Kind.FIRST), ["first"]),
    (reason(Kind.NO_EMAIL), ["noemail"]),
    (reason(Kind.UNCONFIRMED), ["unconfirmed"]),
    (reason(Kind.SPAM_SCORE, score=0.97, decisions=1204), ["spamscore"]),
    (reason(Kind.LINKS, count=1), ["links"]),
    (reason(Kind.LINKS, count=12), ["links"]),
    (reason(Kind.BLOCKED, what="term", value="casino"), ["blocked"]),
    (reason(Kind.BLOCKED, what="domain", value="pills.example"), ["blocked"]),
    (reason(Kind.HONEYPOT), ["honeypot"]),
    (reason(Kind.IMPORTED, parent="p-1"), ["imported"]),
    ("3 links", []),  # a sentence: kinds are read from data, never from words
    ({"detail": {"count": 3}}, []),  # no kind
]
FIRST, LINKS = reason(Kind.FIRST), reason(Kind.LINKS, count=3)


def _listed(response) -> list[int]:
    """The ids of the comments a changelist page lists, in its order."""
    return [int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', text(response))]


def _held(make, reasons: list, body="Held.") -> Comment:
    comment = make(body, status=Status.PENDING)
    Comment.objects.filter(pk=comment.pk).update(status_reasons=reasons)  # a raw write
    return comment


def test_every_reason_gets_its_kind_whoever_writes_it(make):
    for written, kinds in REASONS:
        comment = _held(make, [written])
        assert Comment.objects.get(pk=comment.pk).status_reason_kinds == kinds, written
    both = _held(make, [reason(Kind.LINKS, count=4), FIRST, LINKS])
    assert Comment.objects.get(pk=both.pk).status_reason_kinds == ["first", "links"]
    for odd in ([], {}, "3 links"):
        comment = _held(make, odd)
        assert Comment.objects.get(pk=comment.pk).status_reason_kinds == []


@pytest.mark.parametrize("kind", sorted(CommentAdmin.list_filter[1].KINDS))
def test_the_filter_lists_the_held_comments_with_a_reason_of_that_kind(
    as_user, moderator, make, kind
):
    comments = [(_held(make, [written]), kinds) for written, kinds in REASONS]
    two = _held(make, [FIRST, reason(Kind.LINKS, count=2)])
    _held(make, [])
    approved = make("Approved after a hold.")
    Comment.objects.filter(pk=approved.pk).update(status_reasons=[FIRST])
    expected = {c.pk for c, kinds in comments if kind in kinds}
    if kind in ("first", "links"):
        expected.add(two.pk)

    response = as_user(moderator).get(CHANGELIST_URL, {"status__exact": "pending", "reason": kind})

    assert set(_listed(response)) == expected
    assert f"{len(expected)} result" in text(response)


def _queries(client, params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(CHANGELIST_URL, params).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_a_filtered_page_costs_the_same_queries_for_few_and_many_and_uses_the_index(
    as_user, moderator, make, monkeypatch
):
    monkeypatch.setattr(CommentAdmin, "list_per_page", 5)  # more than one page: ids first
    client = as_user(moderator)
    params = {"status__exact": "pending", "reason": "links"}
    for _ in range(6):
        _held(make, [LINKS])
    few = _queries(client, params)
    for _ in range(10):
        _held(make, [LINKS])
    for _ in range(200):
        _held(make, [FIRST])
    many = _queries(client, params)

    assert len(many) == len(few) <= 9
    count = next(sql for sql in many if "COUNT(" in sql)
    ids = next(sql for sql in many if "LIMIT" in sql and "status_reason_kinds" in sql)
    with connection.cursor() as cursor:
        # A test's table is never vacuumed, so its heap looks unvisited and a bitmap scan
        # cheaper: without that choice, the plan shows whether the index alone can answer.
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    for sql in (count, ids):
        explained = plan(
            sql,
            table="comments_comment",
            keep="comment_pending_tree_kinds",
            drop_on=("status", "tree_id"),
        )
        # From the index alone: no heap block read per match, no reason's JSON read.
        assert "Index Only Scan using comment_pending_tree_kinds" in explained, explained
        assert "jsonb" not in explained


def test_the_pages_of_the_list_keep_the_tree_order(as_user, moderator, make, monkeypatch):
    monkeypatch.setattr(CommentAdmin, "list_per_page", 2)
    roots = [_held(make, [LINKS], body=f"Root {n}.") for n in range(3)]
    for root in roots[:2]:
        reply = make("A reply.", parent=root, status=Status.PENDING)
        Comment.objects.filter(pk=reply.pk).update(status_reasons=[reason(Kind.LINKS, count=1)])
    client = as_user(moderator)
    params = {"status__exact": "pending", "reason": "links"}

    shown = [
        pk
        for page in (1, 2, 3)
        for pk in _listed(client.get(CHANGELIST_URL, {**params, "p": page}))
    ]

    in_tree_order = Comment.objects.pending().order_by("tree_id", "lft")
    assert shown == list(in_tree_order.values_list("pk", flat=True))
    assert len(shown) == 5
