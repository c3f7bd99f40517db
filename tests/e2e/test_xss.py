"""The public XSS payloads in a real browser: posts carrying them as commenters' names,
bodies and quotes load in Chromium, and nothing runs.

The sample is every payload that, before sanitising, has an event handler, a
``javascript:``/``data:`` URL, ``<svg>``, ``<math>``, ``<iframe>`` or ``<style>`` (nearly
all of the list), topped up to at least 300. The page loads with its Content-Security-Policy
bypassed, so that the sanitising alone is tested (the CSP would stop an inline handler that
got through, and hide the failure). Detectors: ``alert``/``confirm``/``prompt``/``print``
replaced by functions that set ``window.__xss`` (which nothing else defines); Playwright's
``dialog`` event, for a dialog from a frame the replacement did not reach; console errors
and uncaught exceptions; any request that leaves the test server; any navigation away.
Then every name, quote and body must be on the page as visible text.
"""

from collections.abc import Iterator

import pytest

from tests.factories import PostFactory
from tests.security.xss_corpus import browser_sample, needs_payloads, payloads, store_thread

from .conftest import DESKTOP

PAYLOADS_PER_POST = 1_700
LOAD_TIMEOUT_MS = 60_000  # a page of 1,700 comments on a busy CI machine

# Runs before the page's own scripts, in every frame. It defines nothing a payload could
# find: the canary `window.__xss` exists only once something has called one of these.
CANARY = """
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = function () { window.__xss = name + "(" + [...arguments].join(",") + ")"; };
}
"""

# What each comment shows, as the browser renders it (innerText: visible text only).
SHOWN_TEXT = """
() => [...document.querySelectorAll("#comments li.comment")].map((item) => {
  const part = (selector) => {
    const element = item.querySelector(selector);
    return element ? element.innerText : null;
  };
  return [
    item.id,
    part(":scope > article > header .comment-author"),
    part(":scope > article > blockquote.comment-quote > p"),
    part(":scope > article > .comment-body"),
  ];
})
"""


class Watch:
    """Everything the page did that escaped text never does."""

    def __init__(self, page, origin: str):
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.requests: list[str] = []
        self.navigations: list[str] = []
        self.origin = origin
        page.on("dialog", self._dialog)
        page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.console.append(f"uncaught: {error}"))
        page.on("framenavigated", self._navigated)
        page.context.route("**/*", self._route)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _navigated(self, frame) -> None:
        if frame.url not in ("about:blank", "about:srcdoc") and not frame.url.startswith(
            self.origin
        ):
            self.navigations.append(frame.url)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.origin) or url.startswith("data:"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def problems(self, page) -> dict[str, object]:
        return {
            "canary": page.evaluate("typeof window.__xss === 'undefined' ? null : window.__xss"),
            "dialogs": self.dialogs,
            "console": [line for line in self.console if not line.startswith(("log", "info"))],
            "requests": self.requests,
            "navigations": self.navigations,
        }


@pytest.fixture
def watched_page(chromium_browser, live_server) -> Iterator:
    """A page whose CSP is bypassed, with the canary installed, watched."""
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="en-GB", bypass_csp=True
    )
    context.set_default_timeout(LOAD_TIMEOUT_MS)
    context.add_init_script(CANARY)
    page = context.new_page()
    page.watch = Watch(page, live_server.url)
    yield page
    context.close()


def words(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


@needs_payloads
def test_payloads_in_names_bodies_and_quotes_run_nothing_and_show_as_text(
    transactional_db, watched_page
):
    sample = browser_sample(payloads())
    assert len(sample) >= 300
    clean = {"canary": None, "dialogs": [], "console": [], "requests": [], "navigations": []}
    for start in range(0, len(sample), PAYLOADS_PER_POST):
        post = PostFactory()
        shown = store_thread(post, sample[start : start + PAYLOADS_PER_POST])

        response = watched_page.goto(post.get_absolute_url(), wait_until="load")
        assert response.status == 200

        assert watched_page.watch.problems(watched_page) == clean
        on_page = {row[0]: row[1:] for row in watched_page.evaluate(SHOWN_TEXT)}
        assert len(on_page) == len(shown)
        missing = {}
        for comment, text, quoted in shown:
            want = (
                words(comment.author_name) or "Anonymous",
                None if quoted is None else words(comment.quote),
                words(comment.body),
            )
            seen = tuple(words(part) for part in on_page[f"comment-{comment.pk}"])
            if seen != want:
                missing[text[:100]] = seen
        assert missing == {}


PAYLOADS_THAT_RUN = {
    "onerror": "<img src=x onerror=alert(1)>",
    "svg onload": "<svg onload=confirm(1)></svg>",
    "script": "<script>prompt(1)</script>",
    "javascript: URL clicked": '<a id=go href="javascript:alert(1)">go</a>',
    "iframe srcdoc": '<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>',
}


@pytest.mark.parametrize("markup", PAYLOADS_THAT_RUN.values(), ids=PAYLOADS_THAT_RUN.keys())
def test_the_detectors_notice_a_payload_that_runs(transactional_db, watched_page, markup):
    """The control: the same detectors, on markup that was not sanitised, do fire."""
    watched_page.goto("/robots.txt")  # any page of the live server, for its origin
    watched_page.set_content(f"<!doctype html><p>{markup}</p>")
    if "id=go" in markup:
        watched_page.click("#go")
    watched_page.wait_for_function("typeof window.__xss !== 'undefined'", timeout=5_000)
    assert watched_page.watch.problems(watched_page)["canary"]


def test_the_dialog_listener_notices_a_dialog(chromium_browser, live_server):
    """Where the canary did not reach (here: a page without it), the listener sees a dialog."""
    context = chromium_browser.new_context(base_url=live_server.url, bypass_csp=True)
    try:
        page = context.new_page()
        watch = Watch(page, live_server.url)
        page.set_content("<!doctype html><img src=x onerror=\"alert('not stopped')\">")
        for _ in range(50):  # events arrive while Playwright waits; give it a moment
            if watch.dialogs:
                break
            page.wait_for_timeout(20)
        assert watch.dialogs == ["alert: not stopped"]
    finally:
        context.close()
