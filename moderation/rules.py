"""The policy's settings row and blocked terms, kept in the shared cache.

Read on every submission and changed rarely (in the admin): one cache read instead of
two queries per comment. Saving or deleting either drops the cached copy (signals, after
the commit, and at once so this transaction sees its own change), so every web process
reads the new rules on its next submission. A per-process cache (locmem) could not tell
the other processes, so production refuses one under more than one worker
(config/checks.py, colloquy.E003); there the copy is kept at most KEPT_SECONDS anyway.
Within one request the rules are read once.
"""

import datetime
import threading

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import BlockedTerm, PolicySettings

CACHE_KEY = "colloquy:moderation:rules:v1"
KEPT_SECONDS = 60


# A request's copy: posting a comment asks for the rules three times (the rate limit, the
# policy, the words for the writer), and each read from the shared cache unpickled them.
_request = threading.local()


def current() -> tuple[PolicySettings, list[BlockedTerm]]:
    """(the settings row, every blocked term)."""
    found = getattr(_request, "rules", None)
    if found is not None:
        return found
    found = cache.get(CACHE_KEY)
    if found is None:
        found = (PolicySettings.current(), list(BlockedTerm.objects.all()))
        cache.set(CACHE_KEY, found, KEPT_SECONDS)
    if getattr(_request, "open", False):
        _request.rules = found
    return found


def own_edit_window() -> datetime.timedelta:
    """How long after posting a writer may correct or withdraw their comment."""
    return datetime.timedelta(minutes=current()[0].own_edit_minutes)


def forget() -> None:
    _request.rules = None
    cache.delete(CACHE_KEY)


@receiver(request_started, dispatch_uid="moderation-rules-request-started")
def _request_started(**kwargs) -> None:
    _request.open, _request.rules = True, None


@receiver(request_finished, dispatch_uid="moderation-rules-request-finished")
def _request_finished(**kwargs) -> None:
    _request.open, _request.rules = False, None


@receiver(post_save, sender=PolicySettings)
@receiver(post_delete, sender=PolicySettings)
@receiver(post_save, sender=BlockedTerm)
@receiver(post_delete, sender=BlockedTerm)
def _rules_changed(**kwargs) -> None:
    forget()
    transaction.on_commit(forget)  # a submission racing the save may have cached the old
