"""Issue 21, items 6 and 11: what the shared page cache may answer.

Item 6: ``Cookie: django_language=fr`` twice on a post page; the second answer (a cache
hit) was French with ``Cache-Control: public`` and ``Vary: Accept-Language`` only; the
feeds too. A public answer's bytes may depend only on its URL and what ``Vary`` names.

Item 11: a cached post page was served for any ``Host`` (``Host: evil.example`` got 200
from the page cache) while other pages answered 400.
"""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import PostFactory

UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}
ACCEPT = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
TWO_LANGUAGES = [("en-gb", "English"), ("fr", "French")]


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.POST_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post(db):
    return PostFactory(title="Cached post", slug="cached-post")


def is_public(response) -> bool:
    return "public" in response.headers.get("Cache-Control", "")


def reference(url: str) -> bytes:
    """What the cache key names: the URL and Accept-Language, with no cookie at all."""
    return Client().get(url, **UA, **ACCEPT).content


@pytest.mark.parametrize("languages", ["default", "two"])
@pytest.mark.parametrize("path", ["post", "comments feed", "/feed/", "/", "/series/"])
def test_the_language_cookie_never_shapes_a_public_answer(settings, post, languages, path):
    if languages == "two":
        settings.LANGUAGES = TWO_LANGUAGES
    url = {"post": post.get_absolute_url(), "comments feed": f"/comments/feed/{post.slug}/"}
    url = url.get(path, path)
    french = Client()
    french.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    answers = [french.get(url, **UA, **ACCEPT) for _ in range(2)]  # miss, then a hit
    expected = reference(url)
    for answer in answers:
        assert answer.status_code == 200
        # A public answer may go to any reader of this URL with this Accept-Language.
        assert not is_public(answer) or answer.content == expected
    # And the reader without the cookie, after the French reader, gets the shared page.
    again = Client().get(url, **UA, **ACCEPT)
    assert again.content == expected
    assert is_public(again)


def test_a_french_reader_still_reads_french_privately(settings, post):
    settings.LANGUAGES = TWO_LANGUAGES
    french = Client()
    french.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    for _ in range(2):
        answer = french.get(post.get_absolute_url(), **UA, **ACCEPT)
        assert '<html lang="fr">' in answer.content.decode()
        assert "private" in answer.headers["Cache-Control"]
    assert '<html lang="en-gb">' in reference(post.get_absolute_url()).decode()


@pytest.mark.parametrize("conditional", [False, True])
def test_a_cached_post_page_is_not_served_for_a_foreign_host(post, conditional):
    first = Client().get(post.get_absolute_url(), **UA)  # now in the cache
    assert first.status_code == 200
    assert Client().get(post.get_absolute_url(), **UA).status_code == 200  # a hit
    headers = {"HTTP_IF_NONE_MATCH": first.headers["ETag"]} if conditional else {}
    forged = Client().get(post.get_absolute_url(), HTTP_HOST="evil.example", **UA, **headers)
    assert forged.status_code == 400
    assert b"Cached post" not in forged.content
    other_page = Client().get("/", HTTP_HOST="evil.example", **UA)
    assert other_page.status_code == 400
