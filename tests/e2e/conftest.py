"""Browser tests: Debian's Chromium driven by Playwright's sync API against `live_server`.

Every test in this folder is marked `browser` (deselect with `-m "not browser"`). One
Chromium runs for all of them; each test gets a fresh context (cookies, storage) and page.
They are skipped only when no `chromium` is on PATH; CI (.ci/run) installs it.

The fixture names (`chromium_browser`, `desktop_page`, `phone_page`, `browser_login`,
`console_problems`, `roles`, `select_text`, `post`) deliberately avoid pytest-playwright's
(`browser`, `context`, `page`…), so installing that plugin later cannot silently swap them.
"""

import datetime
import os
import shutil
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from comments.services import comment_create_as_is
from tests.factories import PostFactory

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# A fast local server answers in milliseconds; fail quickly rather than after 30 s.
TIMEOUT_MS = 5_000

HERE = Path(__file__).resolve().parent
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

# Chromium reports a CSP violation as a console error; this also catches the ones it only
# dispatches as an event (e.g. report-only), with the directive and the blocked URL.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: the marker must be on the items before `-m` deselects by marker.
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                if os.environ.get("CI"):
                    # .ci/run installs Chromium: in CI its absence is a failure, never a skip.
                    raise pytest.UsageError("CI=true but no chromium on PATH: .ci/run installs it")
                item.add_marker(skip)


@pytest.fixture(scope="package")
def chromium_browser() -> Iterator:
    """One headless Chromium for every test in this folder.

    Package scope, not session: while Playwright's sync API runs, it keeps an asyncio loop
    marked as running in this thread, which would break later tests in other folders that
    call `asyncio.run()` or `async_to_sync`. (pytest-django runs all live-server tests
    together, so the folder still starts one browser.)
    """
    from playwright.sync_api import sync_playwright

    # That same running loop makes Django refuse ORM calls from the test body (factories,
    # assertions) with SynchronousOnlyOperation. Our ORM use is plain synchronous code, one
    # call at a time, so the check is a false alarm here; lift it while the browser runs.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


class ConsoleProblems(list):
    """Console errors, uncaught exceptions and CSP violations seen by the pages of a test."""

    def watch(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.append(f"uncaught exception: {error}"))

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.append(f"console error: {message.text} at {message.location.get('url')}")


@pytest.fixture
def console_problems() -> ConsoleProblems:
    """Problems collected from every page of this test; assert it is empty where it matters."""
    return ConsoleProblems()


def _new_page(browser, base_url: str, viewport, problems: ConsoleProblems):
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    problems.watch(page)
    return context, page


@pytest.fixture
def desktop_page(chromium_browser, live_server, console_problems) -> Iterator:
    """A page in a fresh browser context, 1280×800, on the live server: `page.goto("/")`."""
    context, page = _new_page(chromium_browser, live_server.url, DESKTOP, console_problems)
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium_browser, live_server, console_problems) -> Iterator:
    """A page in a fresh browser context, 390×844 (a current phone in portrait)."""
    context, page = _new_page(chromium_browser, live_server.url, PHONE, console_problems)
    yield page
    context.close()


@pytest.fixture
def browser_login(live_server) -> Callable:
    """`browser_login(page, user)`: the page's context is now logged in as `user`.

    The session comes from the test client's `force_login` (no password, no login form),
    and its cookie is handed to the browser for the live server's origin.
    """

    def log_in(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    return log_in


@pytest.fixture
def roles(transactional_db) -> dict[str, Group]:
    """The "Authors" and "Moderators" groups, with the permissions the migrations give them.

    Live-server tests are transactional, and the flush after each one deletes the groups the
    migrations created (post_migrate brings back the permissions, not the groups or grants).
    """
    blog_roles = import_module("blog.migrations.0002_roles")
    grants = {
        "Authors": [("blog", code) for code in blog_roles.AUTHOR_PERMISSIONS],
        "Moderators": [("blog", code) for code in blog_roles.MODERATOR_PERMISSIONS]
        + [("comments", "can_moderate")],
    }
    for name, codes in import_module("moderation.migrations.0002_role_permissions").GRANTS.items():
        grants[name] += codes
    groups = {}
    for name, codes in grants.items():
        groups[name], _ = Group.objects.get_or_create(name=name)
        groups[name].permissions.add(
            *[
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in codes
            ]
        )
    return groups


SELECT_TEXT = """([selector, start, end]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let started = false;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const from = started ? -1 : node.data.indexOf(start);
    if (from >= 0) { range.setStart(node, from); started = true; }
    const to = started ? node.data.indexOf(end, from >= 0 ? from : 0) : -1;
    if (to >= 0) { range.setEnd(node, to + end.length); break; }
  }
  if (!started) { throw new Error(`"${start}" is not in ${selector}`); }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  root.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
}"""


@pytest.fixture
def select_text() -> Callable:
    """`select_text(page, selector, start, end)`: select, as a mouse drag would, from the first
    text `start` to the text `end` inside the element `selector` (they may be in different
    paragraphs), then release the button (a `mouseup`)."""

    def select(page, selector: str, start: str, end: str) -> None:
        page.evaluate(SELECT_TEXT, [selector, start, end])

    return select


@pytest.fixture
def post(transactional_db):
    """The post most browser tests read and comment on (a module may bring its own)."""
    return PostFactory(title="What a relapse rate really tells you", slug="relapse-rates")


def approved_comment(post, body: str, *, name: str = "Marek", **fields) -> Comment:
    """A published comment on ``post`` by ``name``, written two hours ago."""
    return comment_create_as_is(
        post=post,
        parent=None,
        body=body,
        status=Comment.Status.APPROVED,
        submitted_at=timezone.now() - datetime.timedelta(hours=2),
        source="test",
        author_name=name,
        **fields,
    )
