"""Many writers in one discussion at once must never corrupt a thread."""

import random
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from comments.models import Comment
from comments.services import Submission, comment_submit
from tests.factories import PostFactory

WRITERS = 16
PER_WRITER = 13  # 208 comments


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_keep_every_tree_intact():
    post = PostFactory()
    staff = post.author  # approved at once, so others can reply to it
    seed = comment_submit(post=post, submission=Submission(body="Seed thread"), user=staff)
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []
    made: list[int] = []
    lock = threading.Lock()

    def writer(number: int) -> None:
        rng = random.Random(number)
        try:
            barrier.wait()
            for index in range(PER_WRITER):
                choice = rng.random()
                if choice < 0.3:
                    parent = None  # a new thread: needs the next tree_id
                else:
                    # Deep replies into the same hot thread, or into a recent comment.
                    candidates = list(
                        Comment.objects.filter(tree_id=seed.tree_id).values_list("pk", flat=True)
                    )
                    parent = Comment.objects.get(pk=rng.choice(candidates))
                comment = comment_submit(
                    post=post,
                    submission=Submission(body=f"writer {number} comment {index}"),
                    parent=parent,
                    user=staff,
                )
                with lock:
                    made.append(comment.pk)
        except BaseException as error:  # reported below, with the thread's context
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(made) == WRITERS * PER_WRITER
    assert Comment.objects.count() == WRITERS * PER_WRITER + 1
    roots = Comment.objects.filter(parent=None)
    assert roots.values("tree_id").distinct().count() == roots.count()
    call_command("check_comment_trees")  # raises CommandError on any broken invariant
