"""Fixtures for the moderation tests beyond tests/conftest.py's (people, ``other_post``,
``make``, ``submit``): a logged-in reader without staff status, and an anonymous one.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import UserFactory


@pytest.fixture
def reader(db):
    """A logged-in reader: an account, but no staff status and no group."""
    return UserFactory(username="reader", email="reader@example.org")


@pytest.fixture
def anonymous():
    return AnonymousUser()
