"""The benchmark's data: migrated schema, posts of each size, a moderation queue.

Import after ``django.setup()``.
"""

from django.core.management import call_command
from django.db import connection

from comments.models import Comment
from moderation.models import PolicySettings

from .seed import seed_post


def prepare(sizes: list[int], pending: int, log=print) -> tuple[dict, object, list[str]]:
    """Migrate, seed, and turn the rate limit off (every client comes from 127.0.0.1).

    Returns the posts by size, the post whose comments wait in the queue, and emails of
    writers with an approved comment (the policy approves their next one at once).
    """
    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    policy = PolicySettings.current()
    policy.comments_per_minute = 0
    policy.save()
    posts = {}
    for size in sizes:
        log(f"seeding a post with {size:,} approved comments")
        posts[size] = seed_post(f"bench-{size}", size, seed=size + 1)
    log(f"seeding a post with {pending} pending comments")
    queue_post = seed_post("bench-queue", pending, seed=2, status=Comment.Status.PENDING)
    with connection.cursor() as cursor:
        # Statistics for the planner, as autovacuum would gather them on a live site; just
        # after a bulk load it still thinks the tables are empty.
        cursor.execute("ANALYZE")
    approved = Comment.objects.filter(status=Comment.Status.APPROVED)
    emails = sorted(set(approved.values_list("author_email", flat=True)))[:20]
    return posts, queue_post, emails or ["reader1@example.org"]
