"""Issue 23, the blog's team: staff who write for the blog are never held as first
comments anywhere on it, and on a post they did not write they carry a "Team" badge,
distinct from the post's own "Author"."""

import feedparser
from django.test import Client

from blog.models import AuthorProfile
from comments import permissions
from comments.models import Comment
from tests.factories import UserFactory

UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}


def post_url(post):
    return f"/comments/post/{post.pk}/"


def test_a_co_author_on_a_colleagues_post_is_published_with_the_team_badge(
    client, post, other_author
):
    # Prof Lin, an author of the blog, replies on amara's post: no first-comment hold.
    AuthorProfile.objects.create(user=other_author, display_name="Prof Lin", slug="lin")
    client.force_login(other_author)
    response = client.post(post_url(post), {"body": "Our trial saw the same."})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.status, comment.status_reasons, comment.role) == ("approved", [], "team")
    html = Client().get(post.get_absolute_url(), **UA).text
    assert '<span class="badge badge-team">Team</span>' in html
    assert "badge-author" not in html


def test_the_posts_own_author_keeps_the_author_badge(client, post, author, other_author):
    client.force_login(author)
    client.post(post_url(post), {"body": "Thank you."})
    Client().force_login(other_author)
    other = Client()
    other.force_login(other_author)
    other.post(post_url(post), {"body": "Seconded."})
    roles = dict(Comment.objects.values_list("body", "role"))
    assert roles == {"Thank you.": "author", "Seconded.": "team"}
    html = Client().get(post.get_absolute_url(), **UA).text
    assert html.count("badge-author") == 1 and html.count("badge-team") == 1


def test_other_staff_are_team_too_and_never_held_as_first_comments(submit, post):
    clerk = UserFactory(username="clerk", first_name="Kim", last_name="Lee", is_staff=True)
    comment = submit("A first comment, with no email.", user=clerk)
    assert (comment.status, comment.role) == ("approved", "team")


def test_the_team_badge_grants_no_power(post, other_author, make):
    comment = make("On amara's post.", status=Comment.Status.PENDING)
    assert permissions.badge_on_post(other_author, post) == "team"
    assert permissions.role_on_post(other_author, post) == ""
    assert not permissions.can_moderate(other_author, comment)


def test_readers_and_former_staff_are_not_team(submit, post):
    reader = UserFactory(username="reader", first_name="Rea", last_name="Der")
    former = UserFactory(username="former", first_name="For", last_name="Mer", is_staff=True)
    former.is_active = False
    assert permissions.badge_on_post(reader, post) == ""
    assert permissions.badge_on_post(former, post) == ""
    comment = submit("A reader with an account.", user=reader)
    assert (comment.status, comment.role) == ("pending", "")


def test_the_signed_in_form_and_the_feed_say_team(client, post, other_author):
    AuthorProfile.objects.create(user=other_author, display_name="Prof Lin", slug="lin")
    client.force_login(other_author)
    html = client.get(post.get_absolute_url(), **UA).text
    assert '<span class="badge badge-team">Team</span>' in html  # "Commenting as … · Team"
    client.post(post_url(post), {"body": "Our trial saw the same."})
    feed = feedparser.parse(Client().get(f"/comments/feed/{post.slug}/").content)
    assert feed.entries[0].author == "Prof Lin · Team"
