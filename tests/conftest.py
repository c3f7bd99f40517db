"""The people most tests need, defined once: an author with a post, another author, a
moderator, a superuser, and ``make`` for comments stored as they are.

A test package may define its own fixture of the same name (tests/blog and
tests/comments do); pytest uses the nearest one.
"""

import pytest
from django.contrib.auth.models import Group

from moderation import rules
from tests.factories import AuthorFactory, CommentMaker, PostFactory, SuperuserFactory, UserFactory


@pytest.fixture(autouse=True)
def fresh_moderation_rules():
    """The policy's rules are cached across requests; a rolled-back test leaves no trace."""
    rules.forget()
    yield
    rules.forget()


@pytest.fixture
def author(db):
    """Staff in the Authors group; writes ``post``."""
    return AuthorFactory(username="amara", email="amara@colloquy.example")


@pytest.fixture
def post(author):
    return PostFactory(title="Relapse rates, explained", slug="relapse-rates", author=author)


@pytest.fixture
def other_author(db):
    return AuthorFactory(username="lin", email="lin@colloquy.example")


@pytest.fixture
def moderator(db):
    """Staff in the Moderators group."""
    user = UserFactory(username="mod", is_staff=True, email="mod@colloquy.example")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def superuser(db):
    return SuperuserFactory(username="root", email="root@colloquy.example")


@pytest.fixture
def make(post):
    """Comments stored as they are, a minute apart: make("text", parent=c, status=...)."""
    return CommentMaker(post)
