"""Fixtures for the moderation tests: a post by an author, the people who act on comments.

The post's author is a member of the Authors group (staff); ``other_post`` belongs to
another author. ``make`` stores comments as they are (no policy, an "imported" event);
``submit`` goes through the reader path (``comment_submit``) with the policy, from a new
IP address each time unless one is given, so the throttle only bites where a test wants it.
"""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from comments.services import Submission, comment_submit
from tests.factories import PostFactory, UserFactory

_addresses = itertools.count(1)


@pytest.fixture
def other_post(other_author):
    return PostFactory(title="Another author's post", slug="another-post", author=other_author)


@pytest.fixture
def reader(db):
    """A logged-in reader: an account, but no staff status and no group."""
    return UserFactory(username="reader", email="reader@example.org")


@pytest.fixture
def anonymous():
    return AnonymousUser()


def fresh_ip() -> str:
    number = next(_addresses)
    return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"


@pytest.fixture
def submit(post):
    """Submit as a reader would: submit("text", author_email=..., honeypot=..., user=...)."""

    def _submit(body="Hello there.", *, parent=None, user=None, target=None, ip=None, **fields):
        return comment_submit(
            post=target or post,
            submission=Submission(body=body, **fields),
            parent=parent,
            user=user,
            ip=fresh_ip() if ip is None else ip,
        )

    return _submit
