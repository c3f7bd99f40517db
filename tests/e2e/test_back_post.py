"""Issue 23, exactly once, in Chromium with the browser's own Back: Post, Back, Post again
stores one comment and takes the writer to it, with JavaScript and without; with it, the
reply form is still under the comment it answers after Back."""

import contextlib
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from comments.models import Comment
from tests.e2e.conftest import DESKTOP, TIMEOUT_MS, approved_comment

PERMALINK = re.compile(r"#comment-(\d+)$")
ALREADY = "You already posted this comment: here it is."


@pytest.fixture
def marek(post):
    return approved_comment(post, "Averages are tricky. Most of us had no relapses at all.")


@pytest.fixture
def no_js_page(chromium_browser, live_server, console_problems):
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="en-GB", java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def landed_on(page) -> Comment:
    expect(page).to_have_url(PERMALINK)
    return Comment.objects.get(pk=PERMALINK.search(page.url).group(1))


def post_again(page, form_selector: str = "#comment-form") -> None:
    """Back to the form as the browser kept it, and Post again without touching it."""
    page.go_back()
    form = page.locator(form_selector)
    expect(form.locator("textarea[name=body]")).not_to_have_value("")
    form.get_by_role("button", name="Post comment").click()


def back_twice_past_a_post_result(page) -> None:
    """Back over a page that answered a POST (Chrome shows ERR_CACHE_MISS for it), and
    Back again, once Chrome has put its error page in place of the page that was."""
    with contextlib.suppress(PlaywrightError):
        page.go_back()
    for _attempt in range(50):
        try:
            page.go_back(wait_until="commit")
            break
        except PlaywrightError as error:  # "Not attached to an active page": still swapping
            if "Not attached" not in str(error):
                raise
            page.wait_for_timeout(100)
    page.wait_for_load_state()


def test_with_javascript_back_keeps_the_reply_under_its_comment_and_posts_once(
    desktop_page, post, marek, console_problems
):
    page = desktop_page
    page.goto(post.get_absolute_url())
    page.locator(f"#comment-{marek.pk} .reply-link").click()
    form = page.locator("#comment-form")
    expect(page.locator(f"#comment-{marek.pk} #comment-form")).to_be_visible()
    form.get_by_label("Name").fill("Ruth")
    form.get_by_label("Comment", exact=True).fill("Mine were the same: none in two years.")
    form.get_by_role("button", name="Post comment").click()
    reply = landed_on(page)
    assert reply.parent_id == marek.pk

    page.go_back()
    # The browser kept the text; the form is back under Marek's comment, a reply to it.
    attached = page.locator(f"#comment-{marek.pk} #comment-form")
    expect(attached).to_be_visible()
    expect(attached.locator("input[name=parent]")).to_have_value(str(marek.pk))
    expect(attached.locator("textarea[name=body]")).to_have_value(
        "Mine were the same: none in two years."
    )
    expect(page.locator("#comment-form-heading")).to_have_text("Reply to Marek")
    attached.get_by_role("button", name="Post comment").click()

    assert landed_on(page) == reply
    expect(page.get_by_role("status")).to_contain_text(ALREADY)
    assert Comment.objects.filter(body__startswith="Mine were the same").count() == 1
    assert console_problems == []


def test_with_javascript_a_top_level_comment_posted_again_is_stored_once(desktop_page, post):
    page = desktop_page
    page.goto(post.get_absolute_url())
    form = page.locator("#comment-form")
    form.get_by_label("Comment", exact=True).fill("Does the rate include relapses on placebo?")
    form.get_by_role("button", name="Post comment").click()
    first = landed_on(page)
    post_again(page)
    assert landed_on(page) == first
    expect(page.get_by_role("status")).to_contain_text(ALREADY)
    assert Comment.objects.count() == 1


def test_without_javascript_the_reply_page_posted_again_is_stored_once(no_js_page, post, marek):
    page = no_js_page
    page.goto(f"/comments/{marek.pk}/reply/")
    page.get_by_label("Comment", exact=True).fill("Mine were the same: none in two years.")
    page.get_by_role("button", name="Post comment").click()
    reply = landed_on(page)
    assert reply.parent_id == marek.pk
    post_again(page)
    assert landed_on(page) == reply
    expect(page.get_by_role("status")).to_contain_text(ALREADY)
    assert Comment.objects.filter(parent=marek).count() == 1


def test_without_javascript_the_cached_form_posted_again_is_stored_once(no_js_page, post):
    page = no_js_page
    page.goto(post.get_absolute_url())
    page.get_by_label("Name").fill("Ruth")
    page.get_by_label("Comment", exact=True).fill("Does the rate include relapses on placebo?")
    page.get_by_role("button", name="Post comment").click()
    # The shared page has no CSRF token and no script: the browser says the post is
    # same-origin (Fetch Metadata), so it is stored at once (SECURITY.md).
    first = landed_on(page)
    # Back: the post page as the reader left it, the text still in the form, and Post.
    post_again(page)
    assert landed_on(page) == first
    expect(page.get_by_role("status")).to_contain_text(ALREADY)
    assert Comment.objects.count() == 1


def test_with_javascript_a_quote_reply_comes_back_with_its_quote(
    desktop_page, post, marek, select_text, console_problems
):
    page = desktop_page
    page.goto(post.get_absolute_url())
    select_text(page, f"#comment-{marek.pk} .comment-body", "Most of us", "relapses at all")
    page.get_by_role("button", name="Quote and reply").click()
    form = page.locator(f"#comment-{marek.pk} #comment-form")
    page.keyboard.type("Not in my group.")
    form.get_by_role("button", name="Post comment").click()
    reply = landed_on(page)
    assert (reply.parent_id, reply.quote) == (marek.pk, "Most of us had no relapses at all")

    page.go_back()
    expect(form).to_be_visible()
    expect(form.get_by_label("Quoting")).to_have_value("Most of us had no relapses at all")
    form.get_by_role("button", name="Post comment").click()
    assert landed_on(page) == reply
    expect(page.get_by_role("status")).to_contain_text(ALREADY)
    assert Comment.objects.filter(parent=marek).count() == 1
    assert console_problems == []
