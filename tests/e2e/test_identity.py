"""Issue 11 in Chromium: who said what, and when."""

import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from comments.services import comment_create_as_is
from moderation.services import comment_approve
from tests.factories import AuthorProfileFactory, PostFactory, UserFactory

from .conftest import PHONE


@pytest.fixture
def post(roles):
    amara = UserFactory(username="amara", first_name="Amara", last_name="Osei", is_staff=True)
    amara.groups.add(roles["Authors"])
    AuthorProfileFactory(user=amara, display_name="Dr Amara Osei", slug="amara")
    return PostFactory(title="Relapse rates, explained", slug="relapse-rates", author=amara)


def label_of(page, comment: Comment):
    return page.locator(f"#comment-{comment.pk} > article .comment-author")


def test_three_anonymous_readers_in_one_minute_are_told_apart_on_a_phone(
    chromium_browser, live_server, post, roles
):
    moderator = UserFactory(username="nia", first_name="Nia", last_name="Kowalski", is_staff=True)
    moderator.groups.add(roles["Moderators"])
    # Start early in a minute, so the three land in the same one.
    while timezone.localtime().second > 40:
        time.sleep(1)
    posted = []
    for number in range(3):
        context = chromium_browser.new_context(base_url=live_server.url, viewport=PHONE)
        page = context.new_page()
        page.goto(post.get_absolute_url())
        page.locator("#comment-form").get_by_label("Comment").fill(f"Question {number + 1}?")
        page.get_by_role("button", name="Post comment").click()
        expect(page).to_have_url(re.compile(r"#comment-\d+$"))
        posted.append(Comment.objects.get(pk=page.url.rsplit("-", 1)[1]))
        context.close()
    for comment in posted:
        comment_approve(comment=comment, actor=moderator)
    minute = timezone.localtime(posted[0].submitted_at).strftime("%H:%M")
    assert {timezone.localtime(c.submitted_at).strftime("%H:%M") for c in posted} == {minute}

    # A fourth reader, on a phone, no hover: three different labels, in the page.
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.goto(post.get_absolute_url())
    expected = [f"Anonymous {minute}", f"Anonymous {minute} (2)", f"Anonymous {minute} (3)"]
    for comment, label in zip(posted, expected, strict=True):
        shown = label_of(page, comment)
        expect(shown).to_have_text(label)
        expect(shown).to_be_visible()
        box = shown.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        time_shown = page.locator(f"#comment-{comment.pk} > article .comment-permalink time")
        expect(time_shown).to_be_visible()
        expect(time_shown).to_contain_text(f", {minute}")
    context.close()


def test_signed_in_author_replies_under_her_name_with_the_badge(
    desktop_page, browser_login, post, console_problems
):
    question = comment_create_as_is(
        post=post, parent=None, body="Is the infusion safe in pregnancy?", author_name="Ruth",
        status=Comment.Status.APPROVED, submitted_at=timezone.now(), source="test",
    )  # fmt: skip
    page = desktop_page
    browser_login(page, post.author)
    page.goto(post.get_absolute_url())
    expect(page.locator(".site-header")).to_contain_text("Signed in as Dr Amara Osei")
    form = page.locator("#comment-form")
    expect(form.locator(".commenting-as")).to_have_text(
        re.compile(r"Commenting as\s+Dr Amara Osei\s+·\s+Author\s+·\s+Sign out")
    )
    expect(form.get_by_label("Name")).to_have_count(0)
    expect(form.get_by_label("Email", exact=True)).to_have_count(0)

    page.locator(f"#comment-{question.pk} .reply-link").click()
    expect(form.get_by_label("Name")).to_have_count(0)
    form.get_by_label("Comment").fill("Ask your neurologist; we have a leaflet.")
    form.get_by_role("button", name="Post comment").click()
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    reply = Comment.objects.get(pk=page.url.rsplit("-", 1)[1])
    header = page.locator(f"#comment-{reply.pk} > article .comment-header")
    expect(header.locator(".comment-author")).to_have_text("Dr Amara Osei")
    expect(header.locator(".badge-author")).to_have_text("Author")
    assert list(console_problems) == []

    # Sign out from the form's line: back on the same page, with the reader's form.
    page.locator(".commenting-as").get_by_role("button", name="Sign out").click()
    expect(page.locator(".site-header").get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.locator("#comment-form").get_by_label("Name")).to_be_visible()


def test_a_rejected_writer_sees_not_published_with_the_reason(
    chromium_browser, live_server, post, roles
):
    moderator = UserFactory(username="nia", first_name="Nia", last_name="Kowalski", is_staff=True)
    moderator.groups.add(roles["Moderators"])
    context = chromium_browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.goto(post.get_absolute_url())
    form = page.locator("#comment-form")
    expect(form.locator(".moderation-note")).to_contain_text("Comments are moderated.")
    form.get_by_label("Name").fill("Ruth")
    form.get_by_label("Comment").fill("Stop your treatment, it is all a plot.")
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator(".messages")).to_contain_text("Comments without an email address wait")
    comment = Comment.objects.get()
    from moderation.services import comment_reject

    reason = "Medical advice we cannot check; please ask your neurologist."
    comment_reject(comment=comment, actor=moderator, reason=reason)
    page.reload()
    item = page.locator(f"#comment-{comment.pk}")
    expect(item.locator(".badge-refused")).to_have_text("Not published")
    expect(item.locator(".refusal-reason")).to_contain_text(reason)
    expect(item.locator(".reply-link")).to_have_count(0)
    context.close()

    other = chromium_browser.new_context(base_url=live_server.url, viewport=PHONE)
    stranger = other.new_page()
    stranger.goto(post.get_absolute_url())
    expect(stranger.locator(f"#comment-{comment.pk}")).to_have_count(0)
    expect(stranger.get_by_text(reason)).to_have_count(0)
    other.close()
