"""The people most tests need, defined once: an author with a post, another author with
``other_post``, a moderator, a superuser, ``make`` for comments stored as they are, and
``submit`` for comments sent as a reader sends them, and ``mail_on_commit`` for mail as
the site sends it (queued in the outbox, then delivered by the worker).

A test package may define its own fixture of the same name (tests/blog and
tests/comments do); pytest uses the nearest one.
"""

import itertools
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group

from comments.services import Submission, comment_submit
from core import outbox
from moderation import rules
from tests.factories import AuthorFactory, CommentMaker, PostFactory, SuperuserFactory, UserFactory
from tests.services import _nginx, _redis  # noqa: F401 - the fixtures behind needs_*


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


@pytest.fixture
def other_post(other_author):
    """Another author's post: ``post``'s author may not moderate its comments."""
    return PostFactory(title="Sample sizes, revisited", slug="sample-sizes", author=other_author)


_addresses = itertools.count(1)


def fresh_ip() -> str:
    number = next(_addresses)
    return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"


@pytest.fixture
def submit(post):
    """Submit as a reader would, through ``comment_submit`` and the policy, from a new IP
    address each time unless one is given (so the throttle bites only where a test wants):
    submit("text", author_email=..., parent=..., honeypot=..., user=..., target=post)."""

    def _submit(body="Hello there.", *, parent=None, user=None, target=None, ip=None, **fields):
        return comment_submit(
            post=target or post,
            submission=Submission(body=body, **fields),
            parent=parent,
            user=user,
            ip=fresh_ip() if ip is None else ip,
        )

    return _submit


@pytest.fixture
def mail_on_commit(django_capture_on_commit_callbacks):
    """``with mail_on_commit(): ...`` runs what waits for the commit, then one round of the
    worker's mail job, so ``mailoutbox`` holds what the site sent, as in production."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        outbox.deliver_due()

    return run


@pytest.fixture
def readers_mail_only(monkeypatch):
    """For tests of the mail readers get: staff are not told of held comments (their mail is
    tested in tests/moderation/test_outbox_held.py and test_digest.py), so ``mailoutbox``
    holds the readers' mail alone."""
    from moderation import staff_mail

    monkeypatch.setattr(staff_mail, "comment_held", lambda comment: None)
