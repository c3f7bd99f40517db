"""Issue 21, item 1 in a real browser: with JavaScript off, a reader's first comment from
the shared (cached, token-less) post page is posted at the first try; a form on another
site that posts to ours while an author is signed in is refused with nothing to re-send."""

import pytest
from django.core.cache import cache

from comments.models import Comment
from tests.e2e.test_comments import comment_form, posted_comment
from tests.factories import AuthorFactory, PostFactory

ADVICE = "I (the author) now recommend stopping treatment… https://evil.example/advice"


@pytest.fixture
def post(transactional_db, settings):
    settings.POST_PAGE_CACHE_SECONDS = 300  # the reader gets the cached copy
    cache.clear()
    yield PostFactory(title="A page for everyone", slug="a-page-for-everyone")
    cache.clear()


def test_without_javascript_the_first_post_from_the_cached_page_succeeds(
    chromium_browser, live_server, post
):
    first = chromium_browser.new_context(base_url=live_server.url, java_script_enabled=False)
    second = chromium_browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        shared = first.new_page().goto(post.get_absolute_url()).body()
        page = second.new_page()
        response = page.goto(post.get_absolute_url())
        assert response.body() == shared  # the same bytes: the cached copy
        assert b'name="csrfmiddlewaretoken" value=""' in shared
        assert not [c for c in second.cookies() if c["name"] == "csrftoken"]

        form = comment_form(page)
        form.get_by_label("Comment", exact=True).fill("My first try, without scripts.")
        form.get_by_role("button", name="Post comment").click()

        comment = posted_comment(page)
        assert comment.body == "My first try, without scripts."
        assert "Your session expired" not in page.content()
    finally:
        first.close()
        second.close()


def test_a_form_on_another_site_cannot_post_as_the_signed_in_author(
    chromium_browser, live_server, browser_login, roles, post
):
    lin = AuthorFactory(username="lin")
    context = chromium_browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        browser_login(page, lin)
        attack = (
            f'<form method="post" action="{live_server.url}/comments/post/{post.pk}/">'
            f'<input name="body" value="{ADVICE}"><button>Win a prize</button></form>'
        )
        page.route(
            "https://evil.example/**",
            lambda route: route.fulfill(status=200, content_type="text/html", body=attack),
        )
        page.goto("https://evil.example/prize")
        with page.expect_navigation():
            page.get_by_role("button", name="Win a prize").click()
        assert "Sent from another site" in page.content()
        assert "stopping treatment" not in page.content()
        assert page.locator("textarea, input[name=csrfmiddlewaretoken]").count() == 0
        assert not Comment.objects.exists()
    finally:
        context.close()
