"""Readers' journeys through a discussion in Chromium: posting, replying inline, quoting a
selection, replying with JavaScript off, and doing it all from the keyboard."""

import re

import pytest
from playwright.sync_api import expect

from comments.addresses import address_confirm
from comments.models import Comment
from tests.e2e.conftest import approved_comment

PERMALINK = re.compile(r"#comment-(\d+)$")


@pytest.fixture
def marek(post):
    """An approved comment of two paragraphs by a returning reader (who confirmed their
    address, so their next comments go through)."""
    address_confirm(address="marek@example.org")
    return approved_comment(
        post,
        "Averages are tricky. My trial group had two people with lots of relapses.\n\n"
        "Most of us had none at all.",
        author_email="marek@example.org",
    )


def posted_comment(page) -> Comment:
    """The comment the page landed on after posting (the URL ends in #comment-<id>)."""
    expect(page).to_have_url(PERMALINK)
    return Comment.objects.get(pk=PERMALINK.search(page.url).group(1))


def page_problems(problems) -> list[str]:
    return list(problems)


def comment_form(page):
    return page.locator("#comment-form")


def test_reader_posts_a_comment_only_they_see_until_it_is_approved(
    desktop_page, chromium_browser, live_server, browser_login, post, console_problems
):
    page = desktop_page
    page.goto(post.get_absolute_url())
    form = comment_form(page)
    form.get_by_label("Name").fill("Ruth")
    form.get_by_label("Email", exact=True).fill("ruth@example.org")
    form.get_by_label("Comment", exact=True).fill("Does the rate include relapses on placebo?")
    form.get_by_role("button", name="Post comment").click()

    comment = posted_comment(page)
    assert page.url.startswith(live_server.url + post.get_absolute_url())
    assert comment.status == Comment.Status.PENDING  # a first comment from this email
    assert (comment.author_name, comment.author_email, comment.parent) == (
        "Ruth",
        "ruth@example.org",
        None,
    )
    mine = page.locator(f"#comment-{comment.pk}")
    expect(mine).to_be_in_viewport()
    expect(mine.locator(".comment-author")).to_have_text("Ruth")
    expect(mine.locator(".badge-pending")).to_have_text("Awaiting moderation")
    expect(mine.locator(".comment-body")).to_have_text("Does the rate include relapses on placebo?")
    expect(page.get_by_role("status")).to_contain_text("awaiting moderation")
    # Held comments are not counted, and the writer cannot reply to their own held one.
    expect(page.locator("#comments-heading")).to_have_text(f"0 comments on “{post.title}”")
    expect(mine.get_by_role("link", name="Reply")).to_have_count(0)

    other_context = chromium_browser.new_context(base_url=live_server.url)
    try:
        other = other_context.new_page()
        other.goto(post.get_absolute_url())
        expect(other.locator("#comments-heading")).to_be_visible()
        expect(other.locator(f"#comment-{comment.pk}")).to_have_count(0)
        expect(other.get_by_text("Does the rate include relapses")).to_have_count(0)

        # The post's author is trusted: their comment is approved at once, with a badge.
        browser_login(other, post.author)
        other.goto(post.get_absolute_url())
        form = comment_form(other)
        form.get_by_label("Comment", exact=True).fill("Yes: both arms are counted the same way.")
        form.get_by_role("button", name="Post comment").click()
        answer = posted_comment(other)
        assert answer.status == Comment.Status.APPROVED
        assert answer.role == "author"
        shown = other.locator(f"#comment-{answer.pk}")
        expect(shown.locator(".badge-author")).to_have_text("Author")
        expect(shown.locator(".badge-pending")).to_have_count(0)
        expect(other.locator("#comments-heading")).to_have_text(f"1 comment on “{post.title}”")
    finally:
        other_context.close()

    # The reader sees the author's comment and still their own held one.
    page.reload()
    expect(page.locator(f"#comment-{answer.pk} .badge-author")).to_be_visible()
    expect(page.locator(f"#comment-{comment.pk} .badge-pending")).to_be_visible()
    assert page_problems(console_problems) == []


def test_reply_opens_under_the_comment_and_cancel_puts_the_form_back(
    desktop_page, post, marek, console_problems
):
    page = desktop_page
    page.goto(post.get_absolute_url())
    thread = page.locator(f"#comment-{marek.pk}")
    form = comment_form(page)
    heading = form.get_by_role("heading")
    expect(heading).to_have_text("Leave a comment")
    cancel = form.get_by_role("button", name="Cancel reply")
    expect(cancel).to_be_hidden()

    reply_link = thread.get_by_role("link", name="Reply")
    reply_link.click()
    expect(thread.locator("> #comment-form")).to_be_visible()  # under the comment
    expect(heading).to_have_text("Reply to Marek")
    expect(form.get_by_label("Comment", exact=True)).to_be_focused()
    expect(form.get_by_label("Quoting")).to_be_hidden()  # no selection, no quote
    assert "/reply/" not in page.url  # opened in place, not by following the link

    cancel.click()
    expect(page.locator("#comments > #comment-form")).to_be_visible()
    expect(heading).to_have_text("Leave a comment")
    expect(cancel).to_be_hidden()
    expect(form.locator("input[name=parent]")).to_have_value("")
    expect(reply_link).to_be_focused()  # back where the reader was
    reply_link.click()
    page.keyboard.press("Escape")  # cancels too
    expect(page.locator("#comments > #comment-form")).to_be_visible()
    expect(reply_link).to_be_focused()

    reply_link.click()
    form.get_by_label("Name").fill("Joanna")
    form.get_by_label("Comment", exact=True).fill("Same in mine: two people had most of them.")
    form.get_by_role("button", name="Post comment").click()

    reply = posted_comment(page)
    assert reply.parent_id == marek.pk
    assert reply.reply_to_id == marek.pk
    assert reply.quote == ""
    shown = page.locator(f"#comment-{reply.pk}")
    expect(shown).to_have_class(re.compile(r"\bindent-1\b"))
    expect(shown.locator(".badge-pending")).to_be_visible()
    # Right after its parent, and indented from it.
    expect(page.locator(f"#comment-{marek.pk} + li")).to_have_id(f"comment-{reply.pk}")
    assert shown.bounding_box()["x"] > thread.bounding_box()["x"]
    assert page_problems(console_problems) == []


def test_quote_and_reply_takes_the_selected_text(
    desktop_page, post, marek, select_text, console_problems
):
    page = desktop_page
    page.goto(post.get_absolute_url())
    thread = page.locator(f"#comment-{marek.pk}")
    quote_button = page.get_by_role("button", name="Quote and reply")
    expect(quote_button).to_have_count(0)

    # Across the paragraph break: the browser's "\n\n" becomes one space.
    select_text(page, f"#comment-{marek.pk} .comment-body", "lots of relapses.", "Most of us")
    expect(thread.get_by_role("button", name="Quote and reply")).to_be_visible()
    quote_button.click()

    form = comment_form(page)
    expect(thread.locator("> #comment-form")).to_be_visible()
    expect(form.get_by_role("heading")).to_have_text("Reply to Marek")
    quote = form.get_by_label("Quoting")
    expect(quote).to_be_visible()
    expect(quote).to_have_value("lots of relapses. Most of us")
    expect(form.get_by_label("Comment", exact=True)).to_be_focused()
    expect(quote_button).to_be_hidden()

    page.keyboard.type("And the rest of us were counted as zero.")
    form.get_by_label("Email", exact=True).fill("marek@example.org")  # approved before
    form.get_by_role("button", name="Post comment").click()

    reply = posted_comment(page)
    assert reply.parent_id == marek.pk
    assert reply.quote == "lots of relapses. Most of us"
    assert reply.status == Comment.Status.APPROVED
    blockquote = page.locator(f"#comment-{reply.pk} blockquote.comment-quote")
    expect(blockquote.locator("p")).to_have_text("lots of relapses. Most of us")
    expect(blockquote.get_by_role("link", name="quoting Marek")).to_have_attribute(
        "href", f"#comment-{marek.pk}"
    )
    assert page_problems(console_problems) == []


def test_a_selection_outside_a_comment_offers_no_quote(desktop_page, post, marek, select_text):
    page = desktop_page
    page.goto(post.get_absolute_url())
    select_text(page, f"#comment-{marek.pk} .comment-body", "Averages", "tricky")
    quote_button = page.get_by_role("button", name="Quote and reply")
    expect(quote_button).to_be_visible()
    # Selecting the post's title instead hides the offer again.
    page.locator("h1").dblclick()
    expect(quote_button).to_be_hidden()


def test_reply_works_with_javascript_off(chromium_browser, live_server, post, marek):
    context = chromium_browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(post.get_absolute_url())
        page.locator(f"#comment-{marek.pk}").get_by_role("link", name="Reply").click()

        expect(page).to_have_url(f"{live_server.url}/comments/{marek.pk}/reply/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Reply to Marek")
        answered = page.locator(f"article#comment-{marek.pk}")
        expect(answered).to_contain_text("Averages are tricky.")
        expect(answered.locator(".comment-author")).to_have_text("Marek")

        form = comment_form(page)
        form.get_by_label("Comment", exact=True).fill("No script needed to answer you.")
        form.get_by_role("button", name="Post comment").click()

        reply = posted_comment(page)
        assert page.url.startswith(live_server.url + post.get_absolute_url())
        assert reply.parent_id == marek.pk
        expect(page.locator(f"#comment-{reply.pk} .badge-pending")).to_be_visible()
    finally:
        context.close()


def tab_until(page, predicate: str, *, limit: int = 80) -> None:
    """Press Tab until `predicate` (a JS expression about `el`, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => Boolean({predicate}))(document.activeElement)"):
            return
    raise AssertionError(f"{limit} presses of Tab never reached an element where {predicate}")


def test_keyboard_only_reply(desktop_page, post, marek, console_problems):
    page = desktop_page
    page.goto(post.get_absolute_url())

    tab_until(page, f"el.matches('#comment-{marek.pk} .reply-link')")
    page.keyboard.press("Enter")
    form = comment_form(page)
    body = form.get_by_label("Comment", exact=True)
    expect(body).to_be_focused()
    expect(form.get_by_role("heading")).to_have_text("Reply to Marek")
    page.keyboard.type("Typed without a mouse.")

    tab_until(page, "el.type === 'submit'", limit=5)
    expect(form.get_by_role("button", name="Post comment")).to_be_focused()
    page.keyboard.press("Enter")

    reply = posted_comment(page)
    assert (reply.parent_id, reply.body) == (marek.pk, "Typed without a mouse.")
    expect(page.locator(f"#comment-{reply.pk}")).to_be_in_viewport()
    assert page_problems(console_problems) == []


def test_errors_are_announced_focused_and_linked_to_the_field(desktop_page, post, marek):
    page = desktop_page
    page.goto(post.get_absolute_url())
    form = comment_form(page)
    form.get_by_label("Name").fill("Ruth")
    form.get_by_role("button", name="Post comment").click()  # no comment written

    expect(page).to_have_url(re.compile(rf"/comments/post/{post.pk}/$"))
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Your comment was not posted")
    link = summary.get_by_role("link", name="Comment: Please write a comment.")
    expect(link).to_have_attribute("href", "#id_body")
    body = page.get_by_label("Comment", exact=True)
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(body).to_have_accessible_description(re.compile("Please write a comment."))
    expect(page.get_by_label("Name")).to_have_value("Ruth")  # what was typed is kept

    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(body).to_be_focused()
    page.keyboard.type("Now with words.")
    form.get_by_role("button", name="Post comment").click()
    comment = posted_comment(page)
    assert (comment.author_name, comment.body) == ("Ruth", "Now with words.")
