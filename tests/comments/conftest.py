import pytest

from comments.services import Submission, comment_submit
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
