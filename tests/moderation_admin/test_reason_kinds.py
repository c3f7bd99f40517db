"""The comment list's reason filter reads the kinds PostgreSQL keeps from each comment's
reasons (issue 15): the comments it lists are those whose reasons match the kind, whoever
wrote the reasons; the held comments' index answers it; a filtered page costs the same
queries however many comments match; and the list's pages keep the tree order."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from moderation.admin.comments import CommentAdmin
from tests.plans import plan

from .conftest import CHANGELIST_URL, text

Status = Comment.Status
# Reasons as the policy, the learned filter and the imports write them, each with its kind.
REASONS = {
    "first comment from this email": ["first"],
    "no email given": ["noemail"],
    "email not confirmed yet": ["unconfirmed"],
    "spam score 0.97 (learned from 1,204 decisions)": ["spamscore"],
    "1 link": ["links"],
    "12 links": ["links"],
    "blocked term: casino": ["blocked"],
    "blocked link domain: pills.example": ["blocked"],
    "honeypot field filled in": ["honeypot"],
    "parent comment not found in the export": [],  # an import's note: no kind
    "links: 3": [],  # not the policy's wording
}


def _listed(response) -> list[int]:
    """The ids of the comments a changelist page lists, in its order."""
    return [int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', text(response))]


def _held(make, reasons: list[str], body="Held.") -> Comment:
    comment = make(body, status=Status.PENDING)
    Comment.objects.filter(pk=comment.pk).update(status_reasons=reasons)  # a raw write
    return comment


def test_every_reason_gets_its_kind_whoever_writes_it(make):
    for reason, kinds in REASONS.items():
        comment = _held(make, [reason])
        assert Comment.objects.get(pk=comment.pk).status_reason_kinds == kinds, reason
    both = _held(make, ["4 links", "first comment from this email", "3 links"])
    assert Comment.objects.get(pk=both.pk).status_reason_kinds == ["first", "links"]
    for odd in ([], {}, "3 links"):
        comment = _held(make, odd)
        assert Comment.objects.get(pk=comment.pk).status_reason_kinds == []


@pytest.mark.parametrize("kind", sorted(CommentAdmin.list_filter[1].KINDS))
def test_the_filter_lists_the_held_comments_with_a_reason_of_that_kind(
    as_user, moderator, make, kind
):
    comments = {reason: _held(make, [reason]) for reason in REASONS}
    two = _held(make, ["first comment from this email", "2 links"])
    _held(make, [])
    approved = make("Approved after a hold.")
    Comment.objects.filter(pk=approved.pk).update(status_reasons=["first comment from this email"])
    expected = {c.pk for reason, c in comments.items() if kind in REASONS[reason]}
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
        _held(make, ["3 links"])
    few = _queries(client, params)
    for _ in range(10):
        _held(make, ["3 links"])
    for _ in range(200):
        _held(make, ["first comment from this email"])
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
    roots = [_held(make, ["3 links"], body=f"Root {n}.") for n in range(3)]
    for root in roots[:2]:
        reply = make("A reply.", parent=root, status=Status.PENDING)
        Comment.objects.filter(pk=reply.pk).update(status_reasons=["1 link"])
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
