"""Derived data only: a change to a comment retires the cached pages of its post."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from blog import pagecache

from .models import Comment


@receiver([post_save, post_delete], sender=Comment, dispatch_uid="comments-bump-page-cache")
def retire_cached_pages(sender, instance: Comment, **kwargs) -> None:
    post_id = instance.post_id
    transaction.on_commit(lambda: pagecache.bump(post_id))
