"""Fixtures for the moderation screens in the admin, driven through Django's test client.

People: ``moderator`` (staff, Moderators), ``author`` (staff, Authors, wrote ``post``),
``other_author`` (wrote ``other_post``), ``superuser`` and ``plain_staff`` (staff, no group).
``as_user(user)`` gives a client logged in as ``user``. ``make`` and ``submit`` (the reader
path with the policy, so held comments carry its real reasons) come from tests/conftest.py.
"""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from moderation.models import ModerationEvent
from tests.factories import UserFactory

QUEUE_URL = "/admin/moderation/pendingcomment/"
CHANGELIST_URL = "/admin/comments/comment/"
THREE_LINKS = "See https://a.example/1 and https://b.example/2 and https://c.example/3"


def change_url(comment) -> str:
    return reverse("admin:comments_comment_change", args=[comment.pk])


def events_of(comment, **filters) -> list[ModerationEvent]:
    return list(ModerationEvent.objects.filter(comment_ref=comment.pk, **filters))


def messages_of(response) -> list[tuple[str, str]]:
    """(level tag, text) of every message the request queued."""
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def queue_ids(response) -> list[int]:
    """The comment ids of the queue's items, in the order the page shows them."""
    return [
        int(pk)
        for pk in re.findall(r'<article class="queue-item" id="queue-(\d+)"', text(response))
    ]


def queue_item(response, comment) -> str:
    """The HTML of one comment's item in the queue."""
    match = re.search(
        rf'<article class="queue-item" id="queue-{comment.pk}".*?</article>', text(response), re.S
    )
    assert match, f"comment {comment.pk} is not in the queue"
    return match.group(0)


def text(response) -> str:
    return response.content.decode()


def status_of(comment) -> str:
    return Comment.objects.get(pk=comment.pk).status


@pytest.fixture
def plain_staff(db):
    return UserFactory(username="clerk", is_staff=True, email="clerk@colloquy.example")


@pytest.fixture
def as_user(db):
    def _as_user(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _as_user
