"""The writer: records from any reader become users, series, posts and comments.

``run.ImportRun`` drives one import and composes the writers, each holding only its own
state and sharing one ``ledger.Ledger`` (where each item came from) and the ``Report``:
``people.People`` (authors and series), ``posts.PostWriter`` (posts, and which post each
comment goes on), ``threads.Threads`` (Disqus threads matched to posts),
``holding.HoldingPosts`` (drafts for comments whose post is not here),
``comments.CommentWriter`` (one comment at a time) and ``batch.Batches`` (new threads
together). Both comment paths build a comment with ``comments.comment_from_record``. New
comments come in through ``comments.services``; existing ones change only through
``moderation.services``.
"""

from .base import ImportFailed
from .run import ImportRun, run_import

__all__ = ["ImportFailed", "ImportRun", "run_import"]
