"""`manage.py seed_demo`: demo accounts and posts, safe to run again."""

from io import StringIO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from blog.models import Post, Series
from tests.factories import PostFactory

DEMO_USERNAMES = ["admin", "moderator", "amara", "lin", "tomas"]


def _seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    """Rows in every table: the demo's users, posts and series, and whatever else it seeds."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_seed_demo_creates_accounts_series_posts_and_lists_the_accounts(db):
    output = _seed()

    assert "Demo content loaded." in output
    users = get_user_model().objects
    assert set(users.values_list("username", flat=True)) == set(DEMO_USERNAMES)
    assert users.get(username="admin").is_superuser
    assert users.get(username="amara").groups.filter(name="Authors").exists()
    assert users.get(username="moderator").groups.filter(name="Moderators").exists()
    assert Post.objects.published().count() >= 5
    assert Post.objects.filter(status=Post.Status.DRAFT).count() == 1
    assert Series.objects.exclude(description="").count() == Series.objects.count() >= 3
    assert "Demo accounts (password for each: colloquy-demo):" in output
    listed = [line.split()[0] for line in output.splitlines() if line.startswith("  ")]
    assert listed == DEMO_USERNAMES


def test_seed_demo_twice_changes_nothing(db):
    _seed()
    before = _counts()
    titles = sorted(Post.objects.values_list("title", flat=True))

    output = _seed()

    assert _counts() == before
    assert before["blog.Post"] > 0 and before["blog.AuthorProfile"] == 3
    assert sorted(Post.objects.values_list("title", flat=True)) == titles
    assert "Demo accounts" in output


def test_if_empty_seeds_an_empty_database(db):
    output = _seed("--if-empty")
    assert "Demo content loaded." in output
    assert Post.objects.exists()


def test_if_empty_leaves_a_database_with_posts_alone(db):
    PostFactory(title="A real post")

    output = _seed("--if-empty")

    assert "not seeding" in output
    assert list(Post.objects.values_list("title", flat=True)) == ["A real post"]
    assert not get_user_model().objects.filter(username="moderator").exists()
    assert "Demo accounts" in output


def test_demo_site_serves_its_pages_and_accounts_sign_in(client, db):
    _seed()
    post = Post.objects.published().first()
    series = Series.objects.first()

    for url in [
        reverse("blog:post_list"),
        post.get_absolute_url(),
        series.get_absolute_url(),
        reverse("blog:author", kwargs={"slug": "amara"}),
        reverse("blog:feed"),
        "/sitemap.xml",
    ]:
        assert client.get(url).status_code == 200, url

    def sign_in(username):
        # Through the admin's login form, as a person would (and past login throttling).
        response = client.post(
            reverse("admin:login"),
            {"username": username, "password": "colloquy-demo", "next": "/admin/"},
        )
        assert response.status_code == 302 and response["Location"] == "/admin/", username

    for username in ["amara", "moderator", "admin"]:
        sign_in(username)
        assert client.get(reverse("admin:index")).status_code == 200
        client.logout()
    # The demo author edits her own posts only.
    sign_in("amara")
    changelist = client.get(reverse("admin:blog_post_changelist"))
    assert list(changelist.context["cl"].result_list) == list(
        Post.objects.filter(author__username="amara")
    )
