"""Derived data only: saving or deleting a post retires its cached pages (and withdraws
them as last good copies: the post may have been corrected, unpublished or deleted), and so
does changing a series (a rename, a merge, a new description): its posts' pages show it."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import pagecache

from .models import Post, Series


@receiver([post_save, post_delete], sender=Post, dispatch_uid="blog-bump-page-cache")
def retire_cached_pages(sender, instance: Post, **kwargs) -> None:
    post_id = instance.pk
    transaction.on_commit(lambda: pagecache.bump(post_id, withdraw=True))


@receiver(post_save, sender=Series, dispatch_uid="blog-bump-series-posts")
def retire_series_pages(sender, instance: Series, **kwargs) -> None:
    # After a merge the survivor is saved last, with every moved post: all are retired.
    post_ids = list(Post.objects.filter(tags=instance).values_list("pk", flat=True))

    def retire() -> None:
        for post_id in post_ids:
            pagecache.bump(post_id)

    transaction.on_commit(retire)
