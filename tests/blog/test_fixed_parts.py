"""The header and footer are the same on every page: rendered once per process and
language ({% fixed %}), never with the wrong site name or language."""

from unittest import mock

from django import urls
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from blog.templatetags import fixed
from tests.factories import PostFactory

UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}


def reversed_names(client, url) -> list[str]:
    # The {% url %} tag imports reverse from django.urls when it renders.
    with mock.patch.object(urls, "reverse", wraps=urls.reverse) as reverse:
        assert client.get(url, **UA).status_code == 200
    return [call.args[0] for call in reverse.call_args_list]


def test_the_header_and_footer_are_rendered_once(db, settings):
    fixed._kept.clear()
    first, second = PostFactory(), PostFactory()
    assert "blog:series_list" in reversed_names(Client(), first.get_absolute_url())
    names = reversed_names(Client(), second.get_absolute_url())
    assert "blog:series_list" not in names and "sitemap" not in names
    page = Client().get(second.get_absolute_url(), **UA).text
    assert f'<a class="site-name" href="/">{settings.SITE_NAME}</a>' in page
    assert 'href="/sitemap.xml"' in page


def test_a_settings_change_shows_at_once(db, settings):
    post = PostFactory()
    Client().get(post.get_absolute_url(), **UA)
    settings.SITE_NAME = "Another Name"
    assert '<a class="site-name" href="/">Another Name</a>' in Client().get("/", **UA).text


def test_a_page_rendered_without_a_request_is_not_kept(db, settings):
    fixed._kept.clear()
    with translation.override("en-gb"):
        bare = render_to_string("404.html")  # no request: no context processors ran
    assert '<a class="site-name" href="/"></a>' in bare
    assert f'<a class="site-name" href="/">{settings.SITE_NAME}</a>' in Client().get("/", **UA).text


def test_the_search_box_keeps_the_readers_words(db):
    Client().get("/", **UA)  # the empty search box is kept
    page = Client().get("/search/?q=relapse", **UA).text
    assert 'name="q" value="relapse"' in page
    assert 'name="q" value=""' in Client().get("/", **UA).text
