"""Migration comments 0008 gives the comments already stored the kinds of their reasons."""

import pytest

from comments.models import Comment
from tests.factories import PostFactory
from tests.migrations import latest, migrate

BEFORE = [("comments", "0007_comment_ip_hash_index")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_in_the_kinds_of_stored_reasons():
    leaves = latest()
    post = PostFactory()
    OldComment = migrate(BEFORE).get_model("comments", "Comment")
    stored = {
        "held": (["first comment from this email", "3 links"], ["first", "links"]),
        "spam": (["honeypot field filled in"], ["honeypot"]),
        "approved": ([], []),
    }
    ids = {}
    for tree_id, (status, (reasons, _kinds)) in enumerate(stored.items(), start=1):
        comment = OldComment.objects.create(
            post_id=post.pk, body="Stored before.", status=status, status_reasons=reasons,
            lft=1, rght=2, tree_id=tree_id, level=0,
        )  # fmt: skip
        ids[status] = comment.pk

    migrate(leaves)

    for status, (_reasons, kinds) in stored.items():
        assert Comment.objects.get(pk=ids[status]).status_reason_kinds == kinds
