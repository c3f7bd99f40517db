"""The database connection dies in the middle of a comment insert."""

import pytest
from django.db import connection, connections

from comments import tree
from comments.models import Comment, CommentRevision
from moderation.models import ModerationEvent
from tests.factories import PostFactory


def counts():
    return (
        Comment.objects.count(),
        CommentRevision.objects.count(),
        ModerationEvent.objects.count(),
    )


@pytest.mark.django_db(transaction=True)
def test_a_dropped_connection_mid_insert_loses_nothing_and_the_site_recovers(client, monkeypatch):
    post = PostFactory()
    before = counts()
    original = tree.lock_new_thread

    def lock_then_lose_the_database(**kwargs):
        original(**kwargs)  # the space-making and inserting statements come next
        other = connections.create_connection("default")
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid]
            )
        other.close()

    monkeypatch.setattr(tree, "lock_new_thread", lock_then_lose_the_database)
    response = client.post(f"/comments/post/{post.pk}/", {"body": "Words worth keeping."})
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "our database did not answer" in response.text
    assert "Words worth keeping.</textarea>" in response.text  # the reader's text is kept
    connection.close()  # this test's own handle died with the backend it shared
    assert counts() == before
    assert tree.check_trees() == []

    monkeypatch.setattr(tree, "lock_new_thread", original)
    again = client.post(f"/comments/post/{post.pk}/", {"body": "Words worth keeping."})
    assert again.status_code == 302  # the next request reconnects by itself
    assert Comment.objects.filter(body="Words worth keeping.").count() == 1
