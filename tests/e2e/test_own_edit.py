"""Issue 23 in Chromium: a writer corrects their comment from the page ("Edit or
withdraw"), with JavaScript on and off; a citation of another comment shows it on hover
and on keyboard focus."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.addresses import address_confirm
from comments.models import Comment
from comments.services import comment_create_as_is

from .test_accessibility import blocking_violations, report
from .test_comments import comment_form, posted_comment

CORRECTED = "The dose in my arm was 50 mg, not 5 mg. Sorry!"


@pytest.fixture
def regular(post):
    """Marek has an approved comment and a confirmed address: his next ones go through."""
    address_confirm(address="marek@example.org")
    comment_create_as_is(
        post=post, parent=None, body="Averages are tricky.", status="approved",
        submitted_at=timezone.now() - datetime.timedelta(hours=2), source="test",
        author_name="Marek", author_email="marek@example.org",
    )  # fmt: skip


@pytest.mark.parametrize("javascript", [True, False])
def test_a_writer_corrects_their_comment_from_the_page(
    chromium_browser,
    live_server,
    post,
    regular,
    console_problems,
    javascript,
):
    context = chromium_browser.new_context(
        base_url=live_server.url, java_script_enabled=javascript, locale="en-GB",
        viewport={"width": 390, "height": 844},
    )  # fmt: skip
    try:
        page = context.new_page()
        console_problems.watch(page)
        page.goto(post.get_absolute_url())
        form = comment_form(page)
        form.get_by_label("Name").fill("Marek")
        form.get_by_label("Email", exact=True).fill("marek@example.org")
        form.get_by_label("Comment", exact=True).fill("The dose in my arm was 5 mg.")
        # Without JavaScript the shared page holds no CSRF token: the browser's word that
        # the post is same-origin (Fetch Metadata) is enough.
        form.get_by_role("button", name="Post comment").click()
        comment = posted_comment(page)
        assert comment.status == Comment.Status.APPROVED  # a confirmed returning reader

        mine = page.locator(f"#comment-{comment.pk}")
        expect(mine.locator(".edit-until")).to_contain_text("you can until")
        mine.get_by_role("link", name="Edit or withdraw").click()
        if javascript:
            # The form opens inside the comment, with the exact text, the cursor in it.
            field = mine.get_by_label("Your comment")
            expect(field).to_be_focused()
            expect(field).to_have_value("The dose in my arm was 5 mg.")
            expect(mine.locator(".comment-body")).to_be_hidden()
            found = blocking_violations(page)
            assert not found, report({"inline edit": found})
            # Cancel puts the comment back; the link opens the form again.
            mine.get_by_role("button", name="Cancel").click()
            expect(mine.locator(".comment-body")).to_be_visible()
            expect(mine.get_by_role("link", name="Edit or withdraw")).to_be_focused()
            mine.get_by_role("link", name="Edit or withdraw").click()
            where = mine
        else:
            expect(page.get_by_role("heading", name="Correct your comment")).to_be_visible()
            where = page
        where.get_by_label("Your comment").fill(CORRECTED)
        where.get_by_role("button", name="Save correction").click()

        posted_comment(page)
        mine = page.locator(f"#comment-{comment.pk}")
        expect(mine.locator(".comment-body")).to_have_text(CORRECTED)
        expect(mine.locator(".comment-edited-by-writer")).to_contain_text("Edited by its writer")
        comment.refresh_from_db()
        assert comment.body == CORRECTED
        if javascript:  # without it, the first post's 403 is logged as a console error
            assert list(console_problems) == []
    finally:
        context.close()


def test_a_citation_shows_the_cited_comment_on_hover_and_focus(desktop_page, post):
    made_at = timezone.now().replace(second=5) - datetime.timedelta(hours=3)
    cited = comment_create_as_is(
        post=post, parent=None, body="Placebo arms relapse too.", status="approved",
        submitted_at=made_at, source="test",
    )  # fmt: skip
    label = timezone.localtime(made_at).strftime("%H:%M")
    comment_create_as_is(
        post=post, parent=None, body=f"Anon {label}, that is my experience as well.",
        status="approved", submitted_at=made_at + datetime.timedelta(minutes=5), source="test",
    )  # fmt: skip
    page = desktop_page
    page.goto(post.get_absolute_url())
    link = page.locator("a.citation")
    expect(link).to_have_attribute("href", f"#comment-{cited.pk}")
    link.hover()
    popover = page.locator(".citation-popover")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text("Placebo arms relapse too.")
    expect(popover).to_contain_text(f"Anonymous {label}")
    assert not (found := blocking_violations(page)), report({"citation on hover": found})
    page.mouse.move(0, 0)
    expect(popover).to_have_count(0)
    # From the keyboard: focus shows it, Escape hides it; the link still leads there.
    link.focus()
    expect(popover).to_be_visible()
    assert link.get_attribute("aria-describedby") == "citation-popover"
    page.keyboard.press("Escape")
    expect(popover).to_have_count(0)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('#')[0]}#comment-{cited.pk}")
