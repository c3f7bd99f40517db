"""Double opt-in in Chromium: a reader ticks "notify me" on a phone, opens the link mailed
to them and confirms; the confirmation pages fit a phone and pass axe."""

import re

from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from comments.addresses import is_confirmed
from core import outbox
from tests.e2e.test_accessibility import blocking_violations, report

CONFIRM_LINK = re.compile(r"https?://\S+/notifications/confirm/\S+/")


def test_reader_confirms_their_address_from_a_phone(phone_page, post, console_problems):
    mail.outbox = []
    page = phone_page
    page.goto(post.get_absolute_url())
    form = page.locator("#comment-form")
    form.get_by_label("Name").fill("Ruth")
    form.get_by_label("Email", exact=True).fill("ruth@example.org")
    form.get_by_label("Comment", exact=True).fill("Please tell me when someone answers.")
    form.get_by_label("Email me when someone replies").check()
    form.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status").first).to_contain_text("once you confirm your address")

    assert mail.outbox == []  # queued: the worker sends it, not the request
    outbox.deliver_due()
    [message] = [message for message in mail.outbox if message.to == ["ruth@example.org"]]
    [link] = CONFIRM_LINK.findall(message.body)
    page.goto(link.removeprefix(settings.SITE_URL.rstrip("/")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    problems = {}
    if found := blocking_violations(page):
        problems["asking"] = found
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert not is_confirmed("ruth@example.org")  # opening the link is not confirming

    page.get_by_role("button", name="Yes, confirm my address").click()
    expect(page.get_by_role("status")).to_contain_text("ruth@example.org is confirmed")
    if found := blocking_violations(page):
        problems["confirmed"] = found
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert is_confirmed("ruth@example.org")
    assert not problems, report(problems)
    assert list(console_problems) == []


def test_a_bad_link_says_so_in_light_and_dark(desktop_page, transactional_db):
    page = desktop_page
    problems = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        response = page.goto("/notifications/confirm/not-a-real-token/")
        assert response.status == 400
        expect(page.get_by_role("alert")).to_contain_text("This confirmation link is not valid")
        if found := blocking_violations(page):
            problems[scheme] = found
    assert not problems, report(problems)
