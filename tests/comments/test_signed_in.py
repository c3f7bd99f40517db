"""Issue 11, signed-in voices: staff comment as themselves, name and badge from the account."""

from django.test import Client

from blog.models import AuthorProfile
from comments.models import Comment
from tests.factories import UserFactory

UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}


def post_url(post):
    return f"/comments/post/{post.pk}/"


def test_signed_in_author_sees_who_she_comments_as_and_no_name_field(client, post, author):
    AuthorProfile.objects.create(user=author, display_name="Dr Amara Osei", slug="amara")
    client.force_login(author)
    html = client.get(post.get_absolute_url(), **UA).text
    assert "Commenting as <strong><bdi>Dr Amara Osei</bdi></strong>" in html
    assert '<span class="badge badge-author">Author</span>' in html
    assert 'name="author_name"' not in html
    assert 'name="author_email"' not in html
    assert 'form="logout-form"' in html
    # The header says who is signed in.
    assert "Signed in as <strong><bdi>Dr Amara Osei</bdi></strong>" in html


def test_a_typed_name_is_ignored_name_and_badge_come_from_the_account(client, post, author):
    AuthorProfile.objects.create(user=author, display_name="Dr Amara Osei", slug="amara")
    client.force_login(author)
    response = client.post(post_url(post), {"author_name": "Clinic team", "body": "Hello."})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.author_name, comment.role) == ("Dr Amara Osei", "author")


def test_staff_without_profile_use_their_full_name(client, post, moderator):
    client.force_login(moderator)
    client.post(post_url(post), {"body": "Noted."})
    comment = Comment.objects.get()
    assert (comment.author_name, comment.role) == ("Mod Example", "moderator")


def test_staff_without_a_name_are_asked_to_set_one_and_keep_their_text(client, post):
    nameless = UserFactory(username="helper", first_name="", last_name="", is_staff=True)
    client.force_login(nameless)
    page = client.get(post.get_absolute_url(), **UA).text
    assert "Your account has no name to show" in page
    response = client.post(post_url(post), {"body": "My words stay here."})
    assert response.status_code == 400
    assert "Your account has no name to show with your comment" in response.text
    assert "My words stay here." in response.text
    assert not Comment.objects.exists()


def test_anonymous_page_has_the_same_sign_in_link_for_everyone(post):
    first = Client().get(post.get_absolute_url(), **UA).text
    second = Client().get(post.get_absolute_url(), **UA).text
    link = f'<a href="/accounts/login/?next={post.get_absolute_url()}" rel="nofollow">Sign in</a>'
    assert link in first and link in second
    assert "Signed in as" not in first
    assert 'name="author_name"' in first


def test_sign_in_returns_to_the_page(post, author):
    client = Client()
    page = client.get(f"/accounts/login/?next={post.get_absolute_url()}")
    assert page.status_code == 200
    assert "<h1>Sign in</h1>" in page.text
    response = client.post(
        "/accounts/login/",
        {"username": author.username, "password": "pw", "next": post.get_absolute_url()},
        REMOTE_ADDR="198.51.100.9",
    )
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    signed_out = client.post("/accounts/logout/", {"next": post.get_absolute_url()})
    assert signed_out["Location"] == post.get_absolute_url()


def test_sign_in_refuses_a_foreign_next(post, author):
    response = Client().post(
        "/accounts/login/",
        {"username": author.username, "password": "pw", "next": "https://evil.example/"},
        REMOTE_ADDR="198.51.100.10",
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_demo_moderator_has_a_proper_name(db):
    from blog.demo import seed_posts
    from comments.identity import account_name

    site = seed_posts()
    assert account_name(site["moderator"]) == "Nia Kowalski"
