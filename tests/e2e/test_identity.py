"""Issue 11 in Chromium: who said what, and when."""

import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
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
