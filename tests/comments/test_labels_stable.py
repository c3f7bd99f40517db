"""Issue 23, item 1: a comment's label is fixed when it is stored. Approving, rejecting or
removing other comments of its minute never renumbers it, in any order; two writers in
two threads of one post at once never get the same number; imports and the migration
number the same way."""

import datetime
import importlib
import itertools
import threading

import pytest
from django.db import connection
from django.utils import timezone

from comments.labels import label_of
from comments.models import Comment
from comments.services import Submission, comment_as_is, comment_submit, comments_create_as_is
from comments.thread import discussion_for
from moderation.services import comment_approve, comment_reject, comment_remove
from tests.comments.test_labels import UA, names
from tests.factories import CommentMaker, PostFactory


def at(hour: int, minute: int, second: int) -> datetime.datetime:
    zone = timezone.get_default_timezone()
    return datetime.datetime(2026, 12, 3, hour, minute, second, tzinfo=zone)


EXPECTED = ["Anonymous 23:42", "Anonymous 23:42 (2)", "Anonymous 23:42 (3)"]


def three_in_a_minute(post) -> list[Comment]:
    make = CommentMaker(post)
    return [
        make(f"Comment {n}.", status=Comment.Status.PENDING, submitted_at=at(23, 42, 10 * n))
        for n in range(1, 4)
    ]


ACTIONS = {
    "approve": lambda comment, actor: comment_approve(comment=comment, actor=actor),
    "reject": lambda comment, actor: comment_reject(comment=comment, actor=actor, reason="no"),
    "remove": lambda comment, actor: comment_remove(comment=comment, actor=actor, reason="no"),
}


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_labels_never_change_under_any_order_of_approvals_and_removals(client, moderator, order):
    post = PostFactory()
    comments = three_in_a_minute(post)
    assert [label_of(comment) for comment in comments] == EXPECTED
    # Approve all three in this order, checking the page after each; then remove them in
    # the same order (and bring one back), checking again.
    steps = [("approve", index) for index in order] + [("remove", index) for index in order]
    for action, index in steps:
        ACTIONS[action](comments[index], moderator)
        shown = names(client.get(post.get_absolute_url(), **UA).text)
        for number, comment in enumerate(comments):
            if comment.pk in shown:
                assert shown[comment.pk] == EXPECTED[number], (action, index, shown)
        approved = Comment.objects.filter(post=post, status=Comment.Status.APPROVED)
        assert set(shown) == set(approved.values_list("pk", flat=True))


def interleavings() -> list[tuple[tuple[str, int], ...]]:
    """Every interleaving of approving, then removing, each of three comments (a removed
    comment cannot be approved): 6! / 2^3 = 90 orders."""
    events = [(action, index) for action in ("approve", "remove") for index in range(3)]
    return [
        order
        for order in itertools.permutations(events)
        if all(
            ("remove", index) not in order[: order.index(("approve", index))] for index in range(3)
        )
    ]


def test_labels_hold_under_every_interleaving_of_approvals_and_removals(moderator):
    """The page's labels (thread.discussion_for, what the post page renders) after every
    step of every order: a shown comment always carries the label it was given."""
    orders = interleavings()
    assert len(orders) == 90
    for order in orders:
        post = PostFactory()
        comments = three_in_a_minute(post)
        for action, index in order:
            ACTIONS[action](comments[index], moderator)
            shown = {entry.id: entry.label for entry in discussion_for(post).entries}
            for number, made in enumerate(comments):
                if made.pk in shown:
                    assert shown[made.pk] == EXPECTED[number], (order, shown)


@pytest.mark.parametrize("fates", list(itertools.product(["approve", "reject"], repeat=3)))
def test_any_mix_of_approved_and_rejected_keeps_the_labels(client, moderator, fates):
    post = PostFactory()
    comments = three_in_a_minute(post)
    for comment, fate in zip(comments, fates, strict=True):
        ACTIONS[fate](comment, moderator)
    shown = names(client.get(post.get_absolute_url(), **UA).text)
    expected = {
        comment.pk: EXPECTED[number]
        for number, (comment, fate) in enumerate(zip(comments, fates, strict=True))
        if fate == "approve"
    }
    assert shown == expected


def test_named_comments_take_no_number(make, post):
    first = make("Anonymous one.", submitted_at=at(9, 5, 1))
    make("Ruth's.", name="Ruth", submitted_at=at(9, 5, 2))
    second = make("Anonymous two.", submitted_at=at(9, 5, 3))
    assert (label_of(first), label_of(second)) == ("Anonymous 09:05", "Anonymous 09:05 (2)")


def test_labels_count_across_days_so_no_two_share_one(make, post):
    """The label shows the time of day only: a comment at 09:05 the next day is "(2)"."""
    first = make("Today.", submitted_at=at(9, 5, 1))
    tomorrow = make("Tomorrow.", submitted_at=at(9, 5, 1) + datetime.timedelta(days=1))
    assert (label_of(first), label_of(tomorrow)) == ("Anonymous 09:05", "Anonymous 09:05 (2)")


def test_an_import_numbers_after_the_comments_already_there(make, post):
    here = make("Already here.", submitted_at=at(7, 30, 0))
    imported = [
        comment_as_is(post=post, parent=None, body=f"Imported {n}.", status="approved",
                      submitted_at=at(7, 30, n))
        for n in (5, 6)
    ]  # fmt: skip
    imported.append(
        comment_as_is(post=post, parent=imported[0], body="Named.", status="approved",
                      submitted_at=at(7, 30, 7), author_name="Marek")
    )  # fmt: skip
    comments_create_as_is(comments=imported, sources=["test"] * 3)
    stored = {c.pk: c for c in Comment.objects.filter(post=post)}
    assert [label_of(stored[c.pk]) for c in (here, *imported)] == [
        "Anonymous 07:30", "Anonymous 07:30 (2)", "Anonymous 07:30 (3)", "Marek",
    ]  # fmt: skip


def test_the_migration_numbers_existing_comments_in_submission_order(make, post):
    first = make("First.", submitted_at=at(12, 0, 1), status=Comment.Status.SPAM)
    named = make("Named.", name="Ruth", submitted_at=at(12, 0, 2))
    second = make("Second.", submitted_at=at(12, 0, 3))
    later = make("Later.", submitted_at=at(12, 1, 0))
    Comment.objects.filter(post=post).update(label_minute=None, label_number=None)
    migration = importlib.import_module("comments.migrations.0014_comment_label")
    with connection.schema_editor() as editor:
        migration.fill_labels(None, editor)
    stored = {c.pk: c for c in Comment.objects.filter(post=post)}
    labels = [(stored[c.pk].label_minute, stored[c.pk].label_number) for c in
              (first, named, second, later)]  # fmt: skip
    assert labels == [(720, 1), (720, None), (720, 2), (721, 1)]


@pytest.mark.django_db(transaction=True)
def test_writers_in_different_threads_of_one_post_get_distinct_numbers():
    post = PostFactory()
    make = CommentMaker(post)
    roots = [make(f"Thread {n}.") for n in range(4)]
    writers, per_writer = 8, 4
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            barrier.wait()
            for index in range(per_writer):
                comment_submit(
                    post=post,
                    submission=Submission(body=f"Writer {number}, reply {index}."),
                    parent=roots[(number + index) % len(roots)] if index % 3 else None,
                    ip=f"198.51.100.{number * per_writer + index + 1}",
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    rows = Comment.objects.filter(post=post).exclude(pk__in=[r.pk for r in roots])
    by_minute: dict[int, list[int]] = {}
    for minute, number in rows.values_list("label_minute", "label_number"):
        by_minute.setdefault(minute, []).append(number)
    assert sum(len(numbers) for numbers in by_minute.values()) == writers * per_writer
    for numbers in by_minute.values():
        assert len(numbers) == len(set(numbers)), by_minute
