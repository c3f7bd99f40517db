"""Counting post views without a database write on every page view.

Each web process adds views up in memory and writes them as one atomic upsert per post
and day (``count = count + n``) once VIEW_COUNT_FLUSH_EVERY views have gathered or
VIEW_COUNT_FLUSH_SECONDS have passed, and when the process exits. A process killed hard
loses at most that many views. With VIEW_COUNT_FLUSH_EVERY = 1 every view is written at once.
"""

import atexit
import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.utils import timezone

_lock = threading.Lock()
_pending: Counter = Counter()
_last_flush = time.monotonic()
# After a failed write (the database is down) only the clock triggers the next try, so a
# page served from the cache meanwhile does not wait for a connection attempt each time.
_failing = False
logger = logging.getLogger(__name__)


def count(post_id: int) -> None:
    """Count one view. Never raises: views that cannot be written now are kept for later."""
    global _last_flush
    with _lock:
        _pending[(post_id, timezone.localdate())] += 1
        due = (not _failing and sum(_pending.values()) >= settings.VIEW_COUNT_FLUSH_EVERY) or (
            time.monotonic() - _last_flush >= settings.VIEW_COUNT_FLUSH_SECONDS
        )
    if due:
        try:
            flush()
        except Exception as error:  # the page is served whatever happens to its view count
            logger.warning("post views not written (%s); %d kept", error, sum(_pending.values()))


def flush() -> None:
    """Write the gathered views: one upsert per post and day."""
    global _last_flush, _failing
    with _lock:
        batch = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    if not batch:
        return
    from .models import PostDailyViews

    try:
        PostDailyViews.add(batch)
    except Exception:
        with _lock:  # keep them for the next try rather than lose them
            _pending.update(batch)
            _failing = True
        raise
    _failing = False


def _flush_at_exit() -> None:
    if not _pending:
        return
    try:
        flush()
    except Exception:  # the database may be gone at exit; say so, don't crash the exit
        logger.exception("could not write %d views", sum(_pending.values()))


atexit.register(_flush_at_exit)
