"""Derived data only: a change to a comment retires the cached pages of its post; a change
to who the site's people are (or to the reserved list) drops the cached reserved names."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from blog.models import AuthorProfile
from core import pagecache

from . import identity
from .models import Comment, ReservedName


# No ``sender``: a save through a proxy model (the moderation queue's PendingComment) is
# sent as the proxy, and must retire the page as well.
@receiver([post_save, post_delete], dispatch_uid="comments-bump-page-cache")
def retire_cached_pages(sender, instance, **kwargs) -> None:
    if not isinstance(instance, Comment):
        return
    post_id = instance.post_id
    # A new comment only adds words; any other change (approved, edited, removed, deleted)
    # may take some away, and an outage must not bring them back (pagecache.last_good).
    withdraw = not kwargs.get("created", False)
    transaction.on_commit(lambda: pagecache.bump(post_id, withdraw=withdraw))


def _forget_reserved_names(**kwargs) -> None:
    # Now, and again after the commit: a rebuild between the two would see old rows.
    identity.forget_reserved_names()
    transaction.on_commit(identity.forget_reserved_names)


for _model in (get_user_model(), AuthorProfile, ReservedName):
    for _signal in (post_save, post_delete):
        _signal.connect(
            _forget_reserved_names, sender=_model, dispatch_uid=f"reserved-{_model.__name__}"
        )
for _through in (
    get_user_model().groups.through,
    get_user_model().user_permissions.through,
    Group.permissions.through,
):
    m2m_changed.connect(
        _forget_reserved_names, sender=_through, dispatch_uid=f"reserved-{_through.__name__}"
    )
