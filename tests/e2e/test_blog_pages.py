"""A reader's journeys through the blog pages, in Chromium at desktop and phone sizes.

Set E2E_SCREENSHOT_DIR=/some/dir to also save full-page screenshots of the demo content.
"""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from blog.demo import seed_posts
from blog.models import Post
from tests.factories import AuthorProfileFactory, PostFactory, SeriesFactory

# The kind of link readers and authors paste: a regulator's PDF whose file name alone is
# wider than a phone, with no hyphen or space to break at.
LONG_URL = (
    "https://www.ema.example.eu/documents/assessment-report/"
    "EMEA_H_C_004043_II_0042_Supplementary_Tables_Annualised_Relapse_Rates_by_Subgroup.pdf"
)


def scroll_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def save_screenshot(page, name: str) -> None:
    folder = os.environ.get("E2E_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)


LONG_LINK_POST = "where-to-find-the-regulators-assessment-tables"
QUOTE_POST = "reading-a-forest-plot-in-five-minutes"  # demo post with a blockquote and a P.S.


@pytest.fixture
def demo_posts(transactional_db) -> dict[str, Post]:
    """The demo site's posts, plus one with a long link, by slug."""
    # seed_posts() needs the groups the roles migration creates, and transactional tests
    # flush them. (serialized_rollback would restore them, but it collides with the content
    # types post_migrate recreates after another transactional test's flush.)
    for name in ("Authors", "Moderators"):
        Group.objects.get_or_create(name=name)
    posts = seed_posts()["posts"]
    posts[LONG_LINK_POST] = PostFactory(
        title="Where to find the regulator's assessment tables",
        slug=LONG_LINK_POST,
        summary=f"The tables are in {LONG_URL}",
        body=f"The supplementary tables are at {LONG_URL} (a large PDF).",
        competing_interests="CoI: none",
    )
    return posts


def test_reader_follows_a_post_from_the_home_page(desktop_page, live_server):
    series = SeriesFactory(name="ResearchSpeak", description="Plain-language notes on a paper.")
    author = AuthorProfileFactory(display_name="Dr Amara Osei")
    post = PostFactory(
        title="What a relapse rate really tells you",
        author=author.user,
        body="An *annualised relapse rate* is an average over people and years.",
        competing_interests="Advisory boards for two companies",
    )
    post.tags.add(series)
    other = PostFactory(title="Reading a forest plot in five minutes")

    page = desktop_page
    page.goto("/")
    posts = page.locator(".post-list .post-summary h2")
    expect(posts).to_have_text([other.title, post.title])  # newest first

    page.get_by_role("link", name=post.title).click()

    expect(page).to_have_url(live_server.url + post.get_absolute_url())
    expect(page).to_have_title(re.compile(re.escape(post.title)))
    expect(page.get_by_role("heading", level=1)).to_have_text(post.title)
    expect(page.locator(".post-meta")).to_contain_text("Dr Amara Osei")
    hashtag = page.locator(".post-meta a.hashtag")
    expect(hashtag).to_have_text("#ResearchSpeak")
    expect(hashtag).to_have_attribute("href", series.get_absolute_url())
    expect(page.locator(".series-notes")).to_contain_text("Plain-language notes on a paper.")
    expect(page.locator(".post-body em")).to_have_text("annualised relapse rate")
    expect(page.locator(".coi")).to_have_text(
        "Competing interests: Advisory boards for two companies"
    )


def test_header_search_finds_and_highlights_the_match(desktop_page):
    match = PostFactory(
        title="Reading a forest plot",
        body="Each square is one study. The diamond at the bottom is the pooled estimate.",
    )
    PostFactory(title="Travel on treatment", body="Plan trips around the infusion window.")

    page = desktop_page
    page.goto("/")
    search = page.get_by_role("search").get_by_role("searchbox", name="Search posts")
    search.fill("diamonds")
    search.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=diamonds$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Results for “diamonds”")
    expect(page.get_by_role("status")).to_have_text("1 post found")
    results = page.locator(".search-results > li")
    expect(results).to_have_count(1)
    expect(results.get_by_role("link", name=match.title)).to_be_visible()
    # Stemming: "diamonds" finds and marks "diamond".
    expect(results.locator(".snippet mark")).to_have_text("diamond")
    # The query stays in the box, ready to refine.
    expect(page.locator("#site-search")).to_have_value("diamonds")


@pytest.mark.parametrize("slug", [None, LONG_LINK_POST, QUOTE_POST], ids=["home", "link", "quote"])
def test_phone_has_no_horizontal_scroll(phone_page, demo_posts, slug):
    page = phone_page
    path = demo_posts[slug].get_absolute_url() if slug else "/"
    page.goto(path)
    expect(page.locator("main")).to_be_visible()

    assert page.viewport_size["width"] == 390
    assert scroll_width(page) <= 390, f"{path} scrolls sideways on a phone"
    save_screenshot(page, f"{slug or 'home'}-phone")


def test_desktop_shows_the_archive_beside_the_posts(desktop_page, demo_posts):
    page = desktop_page
    page.goto("/")
    posts = page.locator(".post-list").bounding_box()
    archive = page.locator(".archive").bounding_box()
    assert archive["x"] >= posts["x"] + posts["width"], "the archive is not beside the posts"
    assert scroll_width(page) <= 1280
    save_screenshot(page, "home-desktop")

    post = demo_posts[QUOTE_POST]
    page.goto(post.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(post.title)
    assert scroll_width(page) <= 1280
    save_screenshot(page, f"{QUOTE_POST}-desktop")


def test_skip_link_is_the_first_tab_stop_and_focuses_main(desktop_page):
    PostFactory()
    page = desktop_page
    page.goto("/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is off screen"

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()


def test_pages_have_no_console_errors_or_csp_violations(desktop_page, console_problems):
    series = SeriesFactory(name="TrialWatch")
    author = AuthorProfileFactory()
    post = PostFactory(
        author=author.user,
        body="A [link](https://example.org/), a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        postscript="Thanks for reading.",
    )
    post.tags.add(series)
    month = timezone.localtime(post.published_at)
    paths = [
        "/",
        post.get_absolute_url(),
        "/search/?q=link",
        "/series/",
        series.get_absolute_url(),
        f"/authors/{author.slug}/",
        f"/archive/{month:%Y}/{month.month}/",
    ]
    problems = {}
    for path in paths:
        response = desktop_page.goto(path)
        assert response.status == 200, path
        if console_problems:
            problems[path] = list(console_problems)
            console_problems.clear()
    assert problems == {}


def test_staff_preview_a_draft_that_readers_cannot_see(desktop_page, browser_login):
    draft = PostFactory(
        title="Notes on the autumn conference", status=Post.Status.DRAFT, published_at=None
    )
    url = draft.get_absolute_url()

    page = desktop_page
    assert page.goto(url).status == 404

    browser_login(page, draft.author)
    assert page.goto(url).status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(draft.title)
    expect(page.locator(".post-meta .badge-draft")).to_have_text("Draft")
