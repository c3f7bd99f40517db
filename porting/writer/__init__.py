"""The writer: records from any reader become users, series, posts and comments.

``run`` drives one import; ``people``, ``posts``, ``threads`` and ``comments`` apply each
kind of record; ``ledger`` remembers where each came from. Existing comments change only
through ``moderation.services``; new ones come in through ``comments.services``.
"""

from .base import ImportFailed
from .run import ImportRun, run_import

__all__ = ["ImportFailed", "ImportRun", "run_import"]
