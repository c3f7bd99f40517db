"""Derived data only: a change to a comment retires the cached pages of its post."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from blog import pagecache

from .models import Comment


# No ``sender``: a save through a proxy model (the moderation queue's PendingComment) is
# sent as the proxy, and must retire the page as well.
@receiver([post_save, post_delete], dispatch_uid="comments-bump-page-cache")
def retire_cached_pages(sender, instance, **kwargs) -> None:
    if not isinstance(instance, Comment):
        return
    post_id = instance.post_id
    transaction.on_commit(lambda: pagecache.bump(post_id))
