"""Issue 21, item 1: another site may not post as a signed-in author, not even with the
reader's own click on a form our CSRF-failure page filled in; a same-origin post needs no
token, so the shared, token-less post page posts at the first try.

The probe: author ``lin`` is signed in and opens a page that auto-submits a form to
``/comments/post/<id>/``; the site answered 403 "Your session expired… press Post again"
with the attacker's text, a fresh token and a new ``csrftoken`` cookie. ``curl`` with
``Origin: https://evil.example`` likewise got the text back with a valid token.
"""

import pytest
from django.test import Client

from comments.models import Comment
from tests.security.conftest import stored_state

ADVICE = "I (the author) now recommend stopping treatment… https://evil.example/advice"
EXPIRED = "Your session expired before your comment was sent"


def url(post) -> str:
    return f"/comments/post/{post.pk}/"


def assert_refused_outright(response, before: dict) -> None:
    assert response.status_code == 403
    page = response.content.decode()
    assert "stopping treatment" not in page and "evil.example" not in page
    assert "csrfmiddlewaretoken" not in page
    assert "Sent from another site" in page
    assert "csrftoken" not in response.cookies
    assert stored_state() == before


CROSS_SITE = [
    pytest.param({"HTTP_SEC_FETCH_SITE": "cross-site"}, id="fetch-metadata cross-site"),
    pytest.param({"HTTP_SEC_FETCH_SITE": "same-site"}, id="fetch-metadata sibling host"),
    pytest.param(
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        id="both headers",
    ),
    pytest.param({"HTTP_ORIGIN": "https://evil.example"}, id="origin only (curl)"),
    pytest.param({"HTTP_ORIGIN": "null"}, id="origin null (sandboxed frame)"),
    pytest.param({"HTTP_ORIGIN": "http://testserver.evil.example"}, id="origin look-alike"),
]


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_a_signed_in_author_auto_posted_from_another_site_is_refused_outright(
    other_author, post, headers
):
    lin = Client(enforce_csrf_checks=True)
    lin.force_login(other_author)
    lin.get(post.get_absolute_url())  # lin has read the site: a csrftoken cookie is set
    before = stored_state()
    response = lin.post(url(post), {"body": ADVICE}, **headers)
    assert_refused_outright(response, before)


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_a_cross_site_post_with_a_valid_token_is_refused_too(other_author, post, headers):
    """A token does not make another site's request ours (Fetch Metadata decides first)."""
    lin = Client(enforce_csrf_checks=True)
    lin.force_login(other_author)
    lin.get("/comments/token/")
    token = lin.cookies["csrftoken"].value
    before = stored_state()
    response = lin.post(url(post), {"body": ADVICE, "csrfmiddlewaretoken": token}, **headers)
    assert_refused_outright(response, before)


def test_a_foreign_referer_over_https_gets_no_text_back(other_author, post):
    """Without Origin or Fetch Metadata, Django's own check refuses a foreign Referer on
    HTTPS; our failure page must not turn that refusal into a filled-in form."""
    lin = Client(enforce_csrf_checks=True)
    lin.force_login(other_author)
    before = stored_state()
    response = lin.post(
        url(post),
        {"body": ADVICE},
        secure=True,
        HTTP_REFERER="https://evil.example/page",
    )
    assert_refused_outright(response, before)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_SEC_FETCH_SITE": "same-origin"}, id="fetch-metadata"),
        pytest.param({"HTTP_ORIGIN": "http://testserver"}, id="origin (older browsers)"),
        pytest.param(
            {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
            id="both",
        ),
    ],
)
def test_a_first_post_from_the_cached_page_without_javascript_succeeds(db, post, headers):
    """The shared page's form has an empty token and the reader has no cookie yet."""
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(post.get_absolute_url()).content.decode()
    assert 'name="csrfmiddlewaretoken" value=""' in page
    assert "csrftoken" not in reader.cookies
    response = reader.post(
        url(post),
        {"body": "First try, no script.", "csrfmiddlewaretoken": ""},
        **headers,
    )
    assert response.status_code == 302
    assert Comment.objects.get().body == "First try, no script."


def test_the_shared_page_is_the_same_bytes_for_every_anonymous_reader(db, post, settings):
    settings.POST_PAGE_CACHE_SECONDS = 300
    first = Client().get(post.get_absolute_url())
    second = Client().get(post.get_absolute_url(), HTTP_SEC_FETCH_SITE="none")
    assert first.content == second.content
    assert "csrftoken" not in first.cookies and "csrftoken" not in second.cookies


def test_without_either_header_the_token_still_decides_and_the_text_comes_back(db, post):
    """An old browser or a script: the expired-session page, with the text, as before."""
    reader = Client(enforce_csrf_checks=True)
    before = stored_state()
    response = reader.post(url(post), {"body": "Kept for you."})
    assert response.status_code == 403
    assert EXPIRED in response.content.decode()
    assert "Kept for you." in response.content.decode()
    assert stored_state() == before


def test_a_trusted_origin_passes_whatever_fetch_metadata_says(db, post, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.testserver"]
    reader = Client(enforce_csrf_checks=True)
    response = reader.post(
        url(post),
        {"body": "From our other host."},
        HTTP_SEC_FETCH_SITE="same-site",
        HTTP_ORIGIN="https://www.testserver",
    )
    assert response.status_code == 302
    assert Comment.objects.get().body == "From our other host."
