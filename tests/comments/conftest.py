import datetime

import pytest
from django.utils import timezone

from comments.models import Comment
from comments.services import Submission, comment_create_as_is, comment_submit
from tests.factories import PostFactory, UserFactory


@pytest.fixture
def post(db):
    return PostFactory(title="Relapse rates, explained", slug="relapse-rates")


@pytest.fixture
def author(post):
    return post.author


@pytest.fixture
def moderator(db):
    from django.contrib.auth.models import Group

    user = UserFactory(username="mod", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


class CommentMaker:
    """Approved comments in a few keystrokes: make("text", parent=c, status=...)."""

    def __init__(self, post):
        self.post = post
        self.clock = timezone.now() - datetime.timedelta(days=30)

    def __call__(self, body="A comment.", *, parent=None, status=Comment.Status.APPROVED,
                 name="", post=None, quote="", email=""):  # fmt: skip
        self.clock += datetime.timedelta(minutes=1)
        return comment_create_as_is(
            post=post or self.post,
            parent=parent,
            body=body,
            status=status,
            submitted_at=self.clock,
            source="test",
            author_name=name,
            author_email=email,
            quote=quote,
        )


@pytest.fixture
def make(post):
    return CommentMaker(post)


@pytest.fixture
def submit(post):
    def _submit(body="Hello there.", *, parent=None, user=None, target=None, **fields):
        return comment_submit(
            post=target or post,
            submission=Submission(body=body, **fields),
            parent=parent,
            user=user,
            ip="203.0.113.7",
        )

    return _submit
