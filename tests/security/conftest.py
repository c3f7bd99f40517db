"""Fixtures for the security tests: the people of DESIGN.md section 5, and what is stored.

People: ``reader`` (a registered, non-staff account), ``author`` (staff, Authors, wrote
``post``), ``other_author`` (staff, Authors, wrote ``other_post``), ``moderator`` (staff,
Moderators) and ``superuser``. ``stored_state()`` is what a refused request must leave
unchanged: row counts of comments, revisions and audit events, and the tree check.
"""

import pytest

from comments.models import Comment, CommentRevision
from comments.tree import check_trees
from moderation.models import ModerationEvent
from tests.factories import PostFactory, UserFactory


def stored_state() -> dict:
    return {
        "comments": Comment.objects.count(),
        "revisions": CommentRevision.objects.count(),
        "events": ModerationEvent.objects.count(),
        "tree problems": [str(problem) for problem in check_trees()],
    }


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", email="reader@colloquy.example")


@pytest.fixture
def other_post(other_author):
    return PostFactory(title="Sample sizes, revisited", slug="sample-sizes", author=other_author)
