"""Issue 13 item 6 in Chromium: a moderator works the queue with the keyboard only, and the
queue (keys dialog open and closed) passes axe on a phone and a desktop."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from comments.reasons import Kind, reason
from moderation.models import ModerationEvent
from tests.factories import CommentMaker, PostFactory, UserFactory

from .test_accessibility import DJANGO_ADMIN_EXCEPTIONS, blocking_violations, report

QUEUE = "/admin/moderation/pendingcomment/"
Status = Comment.Status


@pytest.fixture
def queue(roles):
    moderator = UserFactory(username="maria", is_staff=True)
    moderator.groups.add(roles["Moderators"])
    make = CommentMaker(PostFactory(title="Relapse rates, explained"))
    held = []
    for n, body in enumerate(
        ["A fair question about the cohort.", "Cheap pills at https://pills.example/buy",
         "Off topic rambling.", "Thanks, this helped.", "Another question."]
    ):  # fmt: skip
        comment = make(body, status=Status.PENDING, name=f"Reader {n}", email=f"r{n}@example.org")
        held.append(comment)
    Comment.objects.filter(pk=held[1].pk).update(
        status_reasons=[reason(Kind.SPAM_SCORE, score=0.97, decisions=1204)]
    )
    return moderator, held


def status(comment) -> str:
    return Comment.objects.get(pk=comment.pk).status


def test_moderator_works_the_queue_with_the_keyboard_only(
    desktop_page, browser_login, queue, console_problems
):
    page = desktop_page
    moderator, held = queue
    browser_login(page, moderator)
    page.goto(QUEUE)
    cards = page.locator("article.queue-item")
    expect(cards).to_have_count(5)
    expect(page.locator(f"#queue-{held[1].pk}")).to_contain_text("Spam score 0.97")

    # j moves down, k back up; the focused card is the one acted on.
    page.keyboard.press("j")
    expect(cards.nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(cards.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(cards.nth(0)).to_be_focused()

    # a approves: the card goes, the next one takes its place and the focus.
    with page.expect_navigation():
        page.keyboard.press("a")
    expect(page.locator(f"#queue-{held[0].pk}")).to_have_count(0)
    assert status(held[0]) == Status.APPROVED
    expect(page.locator(f"#queue-{held[1].pk}")).to_be_focused()

    # s marks spam.
    with page.expect_navigation():
        page.keyboard.press("s")
    assert status(held[1]) == Status.SPAM
    expect(page.locator(f"#queue-{held[2].pk}")).to_be_focused()

    # r asks for a reason in the card's own labelled field; Enter rejects with it.
    page.keyboard.press("r")
    reason = page.locator(f"#reason-{held[2].pk}")
    expect(reason).to_be_focused()
    page.keyboard.type("as a test: off topic")  # "a" and "s" typed here are letters, not keys
    assert status(held[2]) == Status.PENDING
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert status(held[2]) == Status.REJECTED
    event = ModerationEvent.objects.get(
        comment_ref=held[2].pk, action=ModerationEvent.Action.REJECTED
    )
    assert event.reason == "as a test: off topic"
    assert status(held[3]) == Status.PENDING  # nothing else was touched

    # ? lists the keys in a dialog; Escape closes it.
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keys in the queue")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Reject")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # e opens the focused comment's page.
    page.locator(f"#queue-{held[3].pk}").focus()
    with page.expect_navigation():
        page.keyboard.press("e")
    assert page.url.endswith(f"/admin/comments/comment/{held[3].pk}/change/")
    assert not console_problems


@pytest.mark.parametrize("viewport", ["desktop_page", "phone_page"])
def test_queue_passes_axe_with_and_without_the_keys_dialog(
    request, viewport, browser_login, queue, tmp_path
):
    page = request.getfixturevalue(viewport)
    moderator, _held = queue
    browser_login(page, moderator)
    page.goto(QUEUE)
    page.keyboard.press("j")
    problems = {}
    if found := blocking_violations(page, exceptions=DJANGO_ADMIN_EXCEPTIONS):
        problems["queue"] = found
    page.screenshot(path=tmp_path / "queue.png", full_page=True)
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keys in the queue")).to_be_visible()
    if found := blocking_violations(page, exceptions=DJANGO_ADMIN_EXCEPTIONS):
        problems["queue, keys dialog open"] = found
    page.screenshot(path=tmp_path / "queue-keys.png")
    assert not problems, report(problems)
    # Nothing wider than the screen (a phone must not scroll sideways).
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
