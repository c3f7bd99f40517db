"""Derived data only: saving or deleting a post retires its cached pages (and withdraws
them as last good copies: the post may have been corrected, unpublished or deleted)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import pagecache

from .models import Post


@receiver([post_save, post_delete], sender=Post, dispatch_uid="blog-bump-page-cache")
def retire_cached_pages(sender, instance: Post, **kwargs) -> None:
    post_id = instance.pk
    transaction.on_commit(lambda: pagecache.bump(post_id, withdraw=True))
