"""The comment form of a page every anonymous reader shares: comments.js fetches the
reader's own CSRF token when they start writing, and the comment passes CSRF."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from comments.models import Comment
from tests.e2e.test_comments import comment_form, posted_comment
from tests.factories import PostFactory


@pytest.fixture
def post(transactional_db, settings):
    settings.POST_PAGE_CACHE_SECONDS = 300  # the second reader gets the cached copy
    cache.clear()
    yield PostFactory(title="A page for everyone", slug="a-page-for-everyone")
    cache.clear()


def test_comment_posted_with_javascript_fetches_its_token_and_passes_csrf(
    desktop_page, chromium_browser, live_server, post, console_problems
):
    other = chromium_browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        shared_html = other.new_page().goto(post.get_absolute_url()).body()
    finally:
        other.close()

    page = desktop_page
    assert page.goto(post.get_absolute_url()).body() == shared_html  # the cached copy
    token = comment_form(page).locator("input[name=csrfmiddlewaretoken]")
    expect(token).to_have_value("")
    assert not [c for c in page.context.cookies() if c["name"] == "csrftoken"]

    body = comment_form(page).get_by_label("Comment", exact=True)
    body.click()
    expect(token).not_to_have_value("")  # fetched when the reader started writing
    body.fill("Posted from the page everyone shares.")
    comment_form(page).get_by_role("button", name="Post comment").click()

    comment = posted_comment(page)
    assert comment.body == "Posted from the page everyone shares."
    assert comment.status == Comment.Status.PENDING
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("Posted from the page")
    assert not list(console_problems)


def test_a_quick_submit_waits_for_the_token(desktop_page, post):
    """Sent before any focus or input event could fetch the token (filled by script)."""
    page = desktop_page
    page.goto(post.get_absolute_url())
    page.evaluate(
        """() => {
          const form = document.getElementById("comment-form");
          form.querySelector("textarea[name=body]").value = "Sent at once.";
          form.requestSubmit();
        }"""
    )
    comment = posted_comment(page)
    assert comment.body == "Sent at once."
