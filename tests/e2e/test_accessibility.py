"""axe-core in Chromium: no serious or critical violations on the pages readers and
moderators use, with the demo site's content (deep threads, quotes, pending comments).

Pages are checked in groups, one demo site each, to keep the run short; a failure lists
every page and element at fault.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from blog.demo import seed_posts
from comments.demo import seed_comments
from comments.models import Comment

BLOCKING = {"serious", "critical"}
DEEP_THREAD = "what-a-relapse-rate-really-tells-you"  # replies three levels deep, with quotes

axe = Axe()


@pytest.fixture
def demo(roles):
    site = seed_posts()
    seed_comments(site["posts"])
    return site


# Django's own admin, not our templates: (rule, CSS selector of the elements) -> why.
DJANGO_ADMIN_EXCEPTIONS = {
    # Django 5.2's admin/css/base.css draws breadcrumb links white (--breadcrumbs-link-fg)
    # beside #c4dce8 text (--breadcrumbs-fg) with no underline: 1.42:1 between link and
    # text. Every admin page has them, ours included (queue.html copies Django's markup).
    ("link-in-text-block", "div.breadcrumbs a"): "Django admin breadcrumb styling",
}


def blocking_violations(page, *, exceptions: dict | None = None) -> list[str]:
    """axe's serious and critical findings on the page as it is now, one line per element.

    `exceptions` maps (rule id, CSS selector) to the reason those elements may fail that
    rule; other elements are still checked against it.
    """
    results = axe.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        excused = [selector for rule, selector in exceptions or {} if rule == violation["id"]]
        for node in violation["nodes"]:
            if any(matches(page, node["target"], selector) for selector in excused):
                continue
            why = "; ".join(check["message"] for check in node["any"] + node["all"])
            found.append(f"{violation['id']}: {node['target']} {node['html'][:120]} ({why})")
    return found


def matches(page, target: list[str], selector: str) -> bool:
    """Whether the element axe names by `target` matches the CSS `selector`."""
    return page.evaluate(
        "([target, selector]) => Boolean(document.querySelector(target)?.matches(selector))",
        [target[0], selector],
    )


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}:\n  " + "\n  ".join(lines) for page, lines in problems.items())


def a_reply_target(site) -> Comment:
    post = site["posts"][DEEP_THREAD]
    return Comment.objects.filter(post=post, status=Comment.Status.APPROVED, level=2).first()


def test_reader_pages_in_light_and_dark(desktop_page, demo):
    paths = {
        "home": "/",
        "post with a deep thread": demo["posts"][DEEP_THREAD].get_absolute_url(),
        "series": demo["series"]["ResearchSpeak"].get_absolute_url(),
        "author": "/authors/amara/",
        "search results": "/search/?q=relapse",
        "reply page": f"/comments/{a_reply_target(demo).pk}/reply/",
        "sign in": "/accounts/login/?next=/",
        "feeds page": "/subscribe/",
    }
    page = desktop_page
    problems = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for name, path in paths.items():
            assert page.goto(path).status == 200, path
            if found := blocking_violations(page):
                problems[f"{name} ({scheme}) {path}"] = found
    assert not problems, report(problems)


def test_comment_forms_in_use(desktop_page, demo, select_text):
    """The form as readers meet it: sent back with errors, and opened under a comment."""
    page = desktop_page
    problems = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(f"/comments/{a_reply_target(demo).pk}/reply/")
        page.get_by_role("button", name="Post comment").click()  # nothing written
        expect(page.get_by_role("alert")).to_contain_text("Please write a comment.")
        if found := blocking_violations(page):
            problems[f"form with errors ({scheme})"] = found

    target = a_reply_target(demo)
    page.goto(target.post.get_absolute_url())
    words = target.body.split()
    select_text(page, f"#comment-{target.pk} .comment-body", words[0], words[2])
    quote_button = page.get_by_role("button", name="Quote and reply")
    expect(quote_button).to_be_visible()
    if found := blocking_violations(page):
        problems["'Quote and reply' offered"] = found
    quote_button.click()
    expect(page.locator(f"#comment-{target.pk} > #comment-form")).to_be_visible()
    expect(page.get_by_label("Quoting")).to_be_visible()
    if found := blocking_violations(page):
        problems["reply form opened inline, with a quote"] = found
    assert not problems, report(problems)


def test_signed_in_author_on_a_post_page(desktop_page, demo, browser_login):
    """Issue 11: the header says who is signed in, the form says whom it comments as."""
    page = desktop_page
    post = demo["posts"][DEEP_THREAD]
    browser_login(page, post.author)
    problems = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(post.get_absolute_url())
        expect(page.locator(".commenting-as")).to_be_visible()
        if found := blocking_violations(page):
            problems[f"signed-in post page ({scheme})"] = found
    assert not problems, report(problems)


def test_moderator_admin_pages(desktop_page, demo, browser_login):
    page = desktop_page
    browser_login(page, demo["moderator"])
    comment = a_reply_target(demo)  # its change form shows a parent link, quote and history
    held = Comment.objects.filter(status=Comment.Status.PENDING).first()  # "Save and approve"
    paths = {
        "moderation queue": "/admin/moderation/pendingcomment/",
        "comment change form": f"/admin/comments/comment/{comment.pk}/change/",
        "pending comment change form": f"/admin/comments/comment/{held.pk}/change/",
        "reserved names": "/admin/comments/reservedname/",
    }
    problems = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for name, path in paths.items():
            assert page.goto(path).status == 200, path
            expect(page.locator("#content-main")).to_be_visible()
            if found := blocking_violations(page, exceptions=DJANGO_ADMIN_EXCEPTIONS):
                problems[f"{name} ({scheme})"] = found
    # The queue was not empty: its items were checked too.
    page.goto(paths["moderation queue"])
    expect(page.locator(".queue-item").first).to_be_visible()
    assert not problems, report(problems)
