"""comments.permissions, the one place that says who may do what with comments."""

from django.contrib.auth.models import AnonymousUser

from comments import permissions
from comments.models import Comment
from tests.factories import UserFactory


def test_the_rules_for_each_kind_of_person(author, post, other_author, moderator, superuser, make):
    comment = make("On amara's post.", status=Comment.Status.PENDING)
    retired = UserFactory(username="retired", is_staff=True, is_active=False)
    retired.groups.add(*moderator.groups.all())
    clerk = UserFactory(username="clerk", is_staff=True)
    people = {
        "anonymous": AnonymousUser(),
        "clerk": clerk,
        "author": author,
        "other author": other_author,
        "moderator": moderator,
        "inactive moderator": retired,
        "superuser": superuser,
    }
    found = {
        name: (
            permissions.role_on_post(user, post),
            permissions.can_moderate(user, comment),
            permissions.can_edit(user, comment),
            permissions.can_erase(user),
            comment in permissions.moderated_comments(user),
        )
        for name, user in people.items()
    }
    assert found == {
        # name:               role,        moderate, edit,  erase, in their list
        "anonymous":          ("",          False,   False, False, False),
        "clerk":              ("",          False,   False, False, False),
        "author":             ("author",    True,    False, False, True),
        "other author":       ("",          False,   False, False, False),
        "moderator":          ("moderator", True,    True,  False, True),
        "inactive moderator": ("",          False,   False, False, False),
        "superuser":          ("moderator", True,    True,  True,  True),
    }  # fmt: skip


def test_a_post_author_who_is_no_longer_staff_moderates_nothing(author, post, make):
    comment = make("On amara's post.")
    author.is_staff = False
    author.save()
    # Their comments still carry the author badge: it says who wrote the post.
    assert permissions.role_on_post(author, post) == "author"
    assert not permissions.can_moderate(author, comment)
    assert not permissions.moderates_anything(author)
