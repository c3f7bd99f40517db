"""Nothing a reader types is lost, in Chromium: a comment sent after the CSRF cookie went
posts at once (same origin), or, from a browser that does not say where it comes from, is
offered back and posts once; a paste over the limit is kept whole and said to be too long
before posting."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.e2e.conftest import approved_comment
from tests.e2e.test_accessibility import blocking_violations

EXPIRED = "Your session expired before your comment was sent. It is below: press Post again."
PERMALINK = re.compile(r"#comment-(\d+)$")


def script_problems(problems) -> list[str]:
    # The refused posts' 403 and 400 are logged as failed loads: those are the point.
    return [problem for problem in problems if "Failed to load resource" not in problem]


@pytest.fixture
def marek(post):
    return approved_comment(post, "Averages are tricky. Most of us had none at all.")


def as_an_old_browser(page) -> None:
    """Send the comment form without Fetch Metadata or Origin, as browsers from before
    them do: then only the CSRF token says the post is ours (config/csrf.py)."""

    def strip(route) -> None:
        # Sent by Playwright (the context's cookies, our headers), answered to the page as
        # the server answered: Chromium itself would add Fetch Metadata back.
        headers = {
            name: value
            for name, value in route.request.headers.items()
            if not name.lower().startswith("sec-fetch-") and name.lower() != "origin"
        }
        route.fulfill(response=route.fetch(headers=headers, max_redirects=0))

    page.route(re.compile(r"/comments/post/\d+/$"), strip)


def test_a_same_origin_comment_sent_after_the_cookie_went_posts_at_once(
    desktop_page, post, marek, console_problems
):
    """A current browser says the post comes from this site: no token is needed."""
    page = desktop_page
    page.goto(f"/comments/{marek.pk}/reply/")
    form = page.locator("#comment-form")
    form.get_by_label("Comment", exact=True).fill("Posted although the cookie went.")
    page.context.clear_cookies(name="csrftoken")
    form.get_by_role("button", name="Post comment").click()
    expect(page).to_have_url(PERMALINK)
    assert Comment.objects.get(body="Posted although the cookie went.").parent_id == marek.pk


def test_a_comment_sent_after_the_cookie_went_is_offered_back_and_posts_once(
    desktop_page, post, marek, console_problems
):
    page = desktop_page
    as_an_old_browser(page)
    text = "Mine was the same.\n\nTwo relapses in the first year, none since."
    page.goto(f"/comments/{marek.pk}/reply/?quote=Most of us had none at all.")
    form = page.locator("#comment-form")
    form.get_by_label("Name").fill("Ruth")
    form.get_by_label("Email", exact=True).fill("ruth@example.org")
    form.get_by_label("Comment", exact=True).fill(text)
    form.get_by_label("Email me when someone replies").check()
    page.context.clear_cookies(name="csrftoken")  # expired, cleared, or blocked meanwhile

    form.get_by_role("button", name="Post comment").click()

    expect(page.locator("#error-summary")).to_contain_text(EXPIRED)
    expect(page.locator("#error-summary")).to_be_focused()
    expect(form.get_by_label("Name")).to_have_value("Ruth")
    expect(form.get_by_label("Email", exact=True)).to_have_value("ruth@example.org")
    expect(form.get_by_label("Comment", exact=True)).to_have_value(text)
    expect(form.get_by_label("Quoting")).to_have_value("Most of us had none at all.")
    expect(form.get_by_label("Email me when someone replies")).to_be_checked()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reply to Marek")
    assert not Comment.objects.filter(author_name="Ruth").exists()
    assert blocking_violations(page) == []

    form.get_by_role("button", name="Post comment").click()

    expect(page).to_have_url(PERMALINK)
    stored = Comment.objects.get(author_name="Ruth")
    assert (stored.body, stored.quote, stored.parent_id) == (
        text,
        "Most of us had none at all.",
        marek.pk,
    )
    assert stored.author_email == "ruth@example.org" and stored.notify_replies
    assert Comment.objects.filter(author_name="Ruth").count() == 1
    assert script_problems(console_problems) == []


def test_a_paste_over_the_limit_is_kept_whole_and_said_to_be_too_long(
    phone_page, post, console_problems
):
    page = phone_page
    page.goto(post.get_absolute_url())
    form = page.locator("#comment-form")
    body = form.get_by_label("Comment", exact=True)
    counter = page.locator("#id_body_count")
    expect(counter).to_be_hidden()  # far from the limit, no counter

    pasted = ("Twenty thousand characters of careful notes. " * 500)[:20_000]
    body.focus()
    page.keyboard.insert_text(pasted)  # as a paste arrives: one insertText input

    expect(body).to_have_value(pasted)  # not cut to 10,000
    expect(counter).to_have_text(
        "20,000 / 10,000 · 10,000 characters too long: shorten it before posting."
    )
    expect(counter).to_have_class(re.compile(r"\bis-over\b"))
    assert "id_body_count" in body.get_attribute("aria-describedby")
    live = page.locator("#id_body_count + [aria-live=polite]")
    expect(live).to_have_text(re.compile(r"^20,000 / 10,000 · 10,000 characters too long"))

    name = form.get_by_label("Name")
    name.focus()
    page.keyboard.insert_text("N" * 500)
    expect(name).to_have_value("N" * 500)
    expect(page.locator("#id_author_name_count")).to_contain_text("500 / 80 · 420 characters")

    body.press("Control+End")
    page.keyboard.press("Backspace")  # the counter follows every edit
    expect(counter).to_contain_text("19,999 / 10,000 · 9,999 characters too long")
    assert blocking_violations(page) == []

    form.get_by_role("button", name="Post comment").click()  # the server refuses it too

    expect(page.locator("#error-summary")).to_contain_text(
        "The comment is 19999 characters long; the limit is 10000."
    )
    expect(form.get_by_label("Comment", exact=True)).to_have_value(pasted[:-1])
    expect(form.get_by_label("Name")).to_have_value("N" * 500)
    assert Comment.objects.count() == 0
    assert script_problems(console_problems) == []
