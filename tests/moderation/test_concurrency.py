"""Two moderators acting on one comment at the same moment: one wins, one is told no."""

import threading

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection

from comments.models import Comment
from comments.services import comment_create_as_is
from moderation import services
from moderation.models import ModerationEvent
from tests.factories import PostFactory, UserFactory


def moderators(count):
    # A transactional test may run after another one has flushed the groups the migrations
    # made, so make sure the group and its power exist.
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="can_moderate")
    )
    users = [UserFactory(username=f"mod{n}", is_staff=True) for n in range(count)]
    for user in users:
        user.groups.add(group)
    return users


@pytest.mark.django_db(transaction=True)
def test_two_moderators_approving_at_once_make_one_approval():
    from django.utils import timezone

    post = PostFactory()
    comment = comment_create_as_is(
        post=post, parent=None, body="Held.", status="pending",
        submitted_at=timezone.now(), source="test",
    )  # fmt: skip
    actors = moderators(2)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(actor):
        try:
            barrier.wait()
            services.comment_approve(comment=Comment.objects.get(pk=comment.pk), actor=actor)
            result = "approved"
        except services.InvalidTransition:
            result = "refused"
        except BaseException as error:  # reported in the assertion below
            result = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["approved", "refused"]
    assert Comment.objects.get(pk=comment.pk).status == "approved"
    assert ModerationEvent.objects.filter(comment_ref=comment.pk, action="approved").count() == 1
