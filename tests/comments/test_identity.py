"""Issue 11, reserved names: nobody comments under the name of the blog's people, or a role.

Through the form, as a reader would try it; the refusal keeps every word typed.
"""

import html

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from blog.models import AuthorProfile
from comments.identity import close_reserved_name, name_key, name_refused, reserved_names
from comments.models import Comment, ReservedName
from tests.factories import PostFactory, UserFactory

REFUSAL = "This name belongs to one of the blog&#x27;s authors. Choose another name, or sign in."
BODY = "I run the relapse clinic: stop your treatment now."


@pytest.fixture
def people(db):
    """The model blog's cast: an author with a profile, a moderator, a staff user."""
    amara = UserFactory(username="amara", first_name="Amara", last_name="Osei", is_staff=True)
    amara.groups.add(Group.objects.get(name="Authors"))
    AuthorProfile.objects.create(user=amara, display_name="Dr Amara Osei", slug="amara")
    moderator = UserFactory(username="nkowalski", first_name="Nia", last_name="Kowalski")
    moderator.is_staff = True
    moderator.save()
    moderator.groups.add(Group.objects.get(name="Moderators"))
    post = PostFactory(author=amara, title="Relapse rates", slug="relapse-rates-2")
    return {"amara": amara, "moderator": moderator, "post": post}


def send(client, post, name, body=BODY):
    return client.post(
        f"/comments/post/{post.pk}/",
        {"author_name": name, "body": body, "author_email": "x@example.org"},
        HTTP_USER_AGENT="Mozilla/5.0",
    )


IMPERSONATIONS = {
    "exact display name": "Dr Amara Osei",
    "case": "DR AMARA OSEI",
    "accents": "Dr Ámara Ösei",
    "Cyrillic homoglyph": "Dr \u0410m\u0430ra Osei",  # Cyrillic А and а
    "zero-width characters": "Dr Am\u200bara\u200d Osei\ufeff",
    "extra spaces": "  Dr   Amara    Osei ",
    "without the title": "Amara Osei",
    "full name": "Amara Osei",
    "punctuation": "Dr. Amara Osei",
    "(Author) suffix": "Dr Amara Osei (Author)",
    "another name with (Author)": "Clinic team (Author)",
    "username": "amara",
    "a moderator's username": "nkowalski",
    "a moderator's full name": "Nia Kowalski",
    "a digit for a letter": "Nia K0walski",
    "Moderator": "Moderator",
    "Admin": "Admin",
    "Site admin": "site  ADMIN",
    "fullwidth letters": "\uff21\uff44\uff4d\uff49\uff4e",  # Ａｄｍｉｎ
}


@pytest.mark.parametrize("name", IMPERSONATIONS.values(), ids=IMPERSONATIONS.keys())
def test_impersonation_is_refused_and_keeps_the_text(client, people, name):
    response = send(client, people["post"], name)
    assert response.status_code == 400
    assert Comment.objects.count() == 0
    page = response.content.decode()
    assert REFUSAL in page
    # The reader's words are all still in the form, name included.
    assert html.escape(BODY, quote=True) in page
    assert f'value="{html.escape(name.strip(), quote=True)}"' in page or (
        html.escape(name, quote=True) in page
    )


@pytest.mark.parametrize(
    "name", ["Amaranth", "Osei fan", "Ruth", "Anonymous reader", "Authored by me?", "Dr Lin"]
)
def test_ordinary_names_pass(client, people, name):
    response = send(client, people["post"], name)
    assert response.status_code == 302, name
    assert Comment.objects.get().author_name == name


def test_the_real_author_signed_in_comments_under_her_name(client, people):
    client.force_login(people["amara"])
    response = send(client, people["post"], "Dr Amara Osei")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.author_name, comment.role, comment.status) == (
        "Dr Amara Osei",
        "author",
        "approved",
    )


def test_service_lets_a_user_use_their_own_name_only(people):
    assert name_refused("Dr Amara Osei")
    assert not name_refused("Dr Amara Osei", people["amara"])
    assert name_refused("Dr Amara Osei", people["moderator"])
    # A role comes with the account, never with a name, even one's own.
    assert name_refused("Amara (Author)", people["amara"])


def test_keys_fold_what_the_eye_cannot_tell_apart():
    assert name_key("Dr \u0410m\u0430ra\u200b  Ösei") == name_key("amara osei") == "amara osei"
    assert name_key("Prof. Lin") == name_key("lin")


def test_reserved_names_are_cached_and_forgotten_on_change(people, django_assert_num_queries):
    reserved_names()
    with django_assert_num_queries(0):
        assert not name_refused("Ruth Baker")
    UserFactory(username="rbaker", first_name="Ruth", last_name="Baker", is_staff=True)
    assert name_refused("Ruth Baker")
    profile = people["amara"].author_profile
    profile.display_name = "Prof Amara Osei-Mensah"
    profile.save()
    assert name_refused("Amara Osei-Mensah")


def test_submitting_costs_no_query_for_the_names_once_cached(
    client, people, django_assert_num_queries
):
    send(client, people["post"], "Ruth")  # warms the cache (and the session)
    client2 = Client()
    with django_assert_num_queries(0):
        name_refused("Someone else")
    # The name check adds nothing to the insert's queries once the set is cached.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        send(client2, people["post"], "Joanna")
    # (The held comment's notice to the staff selects them inside its outbox INSERT.)
    names = [q["sql"] for q in queries.captured_queries if "core_outboxmail" not in q["sql"]]
    assert not any("auth_user" in sql for sql in names)


def test_reserved_list_in_the_admin(client, people):
    """A moderator adds a name to the reserved list, readers can no longer use it, and the
    moderator removes it again."""
    client.force_login(people["moderator"])
    listing = client.get("/admin/comments/reservedname/")
    assert listing.status_code == 200
    response = client.post(
        "/admin/comments/reservedname/add/",
        {"name": "MS Research Group", "note": "the group's own name"},
    )
    assert response.status_code == 302
    reserved = ReservedName.objects.get()
    assert send(Client(), people["post"], "ms research  group").status_code == 400
    response = client.post(f"/admin/comments/reservedname/{reserved.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ReservedName.objects.exists()
    assert send(Client(), people["post"], "ms research  group").status_code == 302


def test_readers_never_reach_the_reserved_list(client, people):
    reader = UserFactory(username="reader")
    client.force_login(reader)
    assert client.get("/admin/comments/reservedname/").status_code == 302  # to the login


def test_queue_helper_flags_names_close_to_a_reserved_one(people):
    assert close_reserved_name("Dr Amara Osei") == "Dr Amara Osei"
    assert close_reserved_name("Amara Osei MD") == "Dr Amara Osei"
    assert close_reserved_name("Amara Oseii") == "Dr Amara Osei"
    assert close_reserved_name("Ruth") is None


def test_queue_snippet_flags_a_pending_impersonation(people, make):
    from django.template import Context, Template

    template = Template("{% load comment_identity %}{% reserved_name_flag comment %}")
    fake = make("Stop your treatment.", name="Amara Osei MD", status=Comment.Status.PENDING)
    ruth = make("Thanks.", name="Ruth", status=Comment.Status.PENDING)
    flagged = template.render(Context({"comment": fake}))
    assert "is close to “<bdi>Dr Amara Osei</bdi>”" in flagged
    assert template.render(Context({"comment": ruth})) == ""
