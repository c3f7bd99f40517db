"""Issue 16 item 4: an author's queue shows a writer's history only from what the author
may see. A reader's held comment on lin's post listed, in lin's queue, the same reader's
held comment on amara's post, with its text, status and post title."""

from django.test import Client

from comments.models import Comment
from tests.factories import CommentMaker

Status = Comment.Status
QUEUE_URL = "/admin/moderation/pendingcomment/"


def queue_of(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(QUEUE_URL)
    assert response.status_code == 200
    return response.content.decode()


def test_an_authors_queue_hides_other_posts_unpublished_history(
    make, other_author, other_post, moderator
):
    on_lins = CommentMaker(other_post)
    make("Amara's post, held: SECRET-HELD.", email="marek@example.org",
         status=Status.PENDING)  # fmt: skip
    make("Amara's post, spam: SECRET-SPAM.", email="marek@example.org", status=Status.SPAM)
    make("Amara's post, removed: SECRET-GONE.", email="marek@example.org",
         status=Status.REMOVED)  # fmt: skip
    make("Amara's post, published: PUBLIC-TEXT.", email="MAREK@example.org")
    on_lins("Lin's post, rejected: OWN-REJECTED.", email="marek@example.org",
            status=Status.REJECTED)  # fmt: skip
    on_lins("Lin's post, held now.", email="marek@example.org", status=Status.PENDING)

    lins_queue = queue_of(other_author)

    assert "Lin&#x27;s post, held now." in lins_queue
    for secret in ("SECRET-HELD", "SECRET-SPAM", "SECRET-GONE"):
        assert secret not in lins_queue
    # What lin may see still counts as history: her own post's comments, and published
    # comments elsewhere.
    assert "OWN-REJECTED" in lins_queue
    assert "PUBLIC-TEXT" in lins_queue
    # A moderator sees the whole history.
    for text in ("SECRET-HELD", "SECRET-SPAM", "SECRET-GONE", "OWN-REJECTED"):
        assert text in queue_of(moderator)
