"""Reading a post and its discussion in Chromium: typography, colour schemes, print, threads
on a small screen, collapsing, permalinks, relative times and "new since your last visit"."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from comments.services import comment_create_as_is
from tests.factories import PostFactory

from .conftest import CSP_LISTENER, DESKTOP, TIMEOUT_MS
from .test_accessibility import blocking_violations, report

LONG_BODY = """Most trial reports open with an *annualised relapse rate*: the number of relapses in
a group divided by the years everyone was followed up. A rate of 0.2 means one relapse every five
years on average, not that one person in five relapses, and the difference matters when you
decide whether a treatment is worth its side effects.

## Why the average hides people

A group average can fall because a few people who relapsed often stopped relapsing, while most
people saw no change at all. That is why we ask for the **proportion relapse-free** alongside the
rate, and why a trial that reports only one of the two deserves a second, slower reading.

### Three questions to ask

How long was follow-up? Rates from short trials are noisy, because a single relapse moves them a
long way. How was a relapse confirmed: by an examining neurologist, or by a telephone call made
weeks later? And what was the comparator, a placebo or an active drug that already works?

If you want the long version, the statistical appendix of most trials is public, and we are happy
to walk through one of them in the comments below, one table at a time."""


def add(post, body, *, parent=None, name="", hours_ago=1.0, quote="") -> Comment:
    """An approved comment written `hours_ago`."""
    return comment_create_as_is(
        post=post,
        parent=parent,
        body=body,
        quote=quote,
        status=Comment.Status.APPROVED,
        submitted_at=timezone.now() - datetime.timedelta(hours=hours_ago),
        source="test",
        author_name=name,
    )


@pytest.fixture
def post(transactional_db):
    return PostFactory(
        title="What a relapse rate really tells you", slug="relapse-rates", body=LONG_BODY
    )


@pytest.fixture
def thread(post) -> dict[str, Comment]:
    """Two threads: Ruth's with replies two deep (and a second reply), then Sam's."""
    made = {}
    made["ruth"] = add(post, "Is a lower rate always better?", name="Ruth", hours_ago=30)
    made["amara"] = add(
        post, "Not always: it is a trade-off.", parent=made["ruth"], name="Amara", hours_ago=20
    )
    made["marek"] = add(
        post, "Side effects matter more to me.", parent=made["amara"], name="Marek", hours_ago=10
    )
    made["joanna"] = add(post, "Same question here.", parent=made["ruth"], name="Joanna")
    made["sam"] = add(post, "Where is the appendix?", name="Sam", hours_ago=0.5)
    return made


def item(page, comment: Comment):
    return page.locator(f"#comment-{comment.pk}")


def luminance(page, selector: str, prop: str) -> float:
    """WCAG relative luminance of an element's computed colour `prop`."""
    return page.evaluate(
        """([selector, prop]) => {
          const value = getComputedStyle(document.querySelector(selector))[prop];
          const [r, g, b] = value.match(/[\\d.]+/g).slice(0, 3).map(Number).map((c) => {
            c /= 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        }""",
        [selector, prop],
    )


def contrast(one: float, other: float) -> float:
    light, dark = max(one, other), min(one, other)
    return (light + 0.05) / (dark + 0.05)


# Characters on each line of the element's text, line by line (from where each character is
# drawn), for every paragraph, list item and heading inside it.
LINE_LENGTHS = """(root) => {
  const blocks = root.querySelectorAll("p, li, h2, h3");
  const range = document.createRange();
  return [...blocks].map((block) => {
    const lineHeight = parseFloat(getComputedStyle(block).lineHeight);
    const top = block.getBoundingClientRect().top;
    const lines = [];
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getClientRects()[0];
        if (!box) { continue; }
        const line = Math.floor((box.top + box.height / 2 - top) / lineHeight);
        lines[line] = (lines[line] || 0) + 1;
      }
    }
    return { tag: block.tagName, lines: lines.filter(Boolean) };
  });
}"""


def test_post_text_has_a_comfortable_measure_leading_and_headings(desktop_page, post):
    page = desktop_page
    page.goto(post.get_absolute_url())
    body = page.locator(".post-body")
    blocks = body.evaluate(LINE_LENGTHS)
    # Every line of a paragraph but its last is a full one: those set the measure.
    full = [n for block in blocks if block["tag"] == "P" for n in block["lines"][:-1]]
    assert len(full) >= 8, blocks
    average = sum(full) / len(full)
    assert 60 <= average <= 78, f"{average:.0f} characters a line: {full}"
    assert max(full) <= 85, full

    def style(selector: str) -> dict:
        return page.locator(selector).first.evaluate(
            """(el) => {
              const s = getComputedStyle(el);
              return { size: parseFloat(s.fontSize), leading: parseFloat(s.lineHeight),
                       before: parseFloat(s.marginTop), after: parseFloat(s.marginBottom) };
            }"""
        )

    text, h1 = style(".post-body p"), style("h1")
    h2, h3 = style(".post-body h2"), style(".post-body h3")
    assert 16 <= text["size"] <= 20
    assert 1.5 <= text["leading"] / text["size"] <= 1.8
    assert h1["size"] > h2["size"] > h3["size"] > text["size"]
    for heading in (h1, h2, h3):
        assert heading["leading"] / heading["size"] < text["leading"] / text["size"]
    # A heading sits closer to the text it introduces than to the text before it.
    assert h2["before"] > h2["after"] and h3["before"] > h3["after"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colour_scheme_follows_the_reader(desktop_page, post, thread, scheme):
    page = desktop_page
    page.emulate_media(color_scheme=scheme)
    page.goto(post.get_absolute_url())
    background = luminance(page, "body", "backgroundColor")
    text = luminance(page, "body", "color")
    if scheme == "dark":
        assert background < 0.05, "the page is not dark"
        assert text > 0.6
    else:
        assert background > 0.9, "the page is not light"
        assert text < 0.05
    assert contrast(background, text) >= 7  # AAA for long reading
    # The discussion follows: a comment's card and the form are drawn in the same scheme.
    card = luminance(page, "#comment-form", "backgroundColor")
    assert (card < 0.05) if scheme == "dark" else (card > 0.9)


def test_print_shows_the_article_without_the_site_around_it(desktop_page, post, thread):
    page = desktop_page
    page.goto(post.get_absolute_url())
    page.emulate_media(media="print")
    for selector in (
        ".site-header",
        ".site-footer",
        "#comment-form",
        ".search-form",
        ".reply-link",
        ".thread-toggle",
        ".discussion-links",
    ):
        expect(page.locator(selector).first).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".post-body")).to_be_visible()
    expect(page.locator(".coi")).to_be_visible()
    ruth = item(page, thread["ruth"])
    expect(ruth.locator(".comment-body")).to_be_visible()
    # On paper a time is the time it was written, not "30 hours ago".
    expect(ruth.locator(".time-relative")).to_be_hidden()
    expect(ruth.locator("> article .comment-permalink time")).to_be_visible()
    expect(ruth.locator("> article .comment-permalink time")).to_have_text(
        server_time(thread["ruth"])
    )
    assert luminance(page, "body", "backgroundColor") == 1.0

    page.emulate_media(media="screen")
    expect(page.locator(".site-header")).to_be_visible()
    expect(page.locator("#comment-form")).to_be_visible()


def page_box(locator) -> dict:
    """Where the element is on the page (not the viewport), to the pixel."""
    return locator.evaluate(
        """(el) => {
          const box = el.getBoundingClientRect();
          return { x: Math.round(box.x), y: Math.round(box.y + window.scrollY),
                   width: Math.round(box.width), height: Math.round(box.height) };
        }"""
    )


def test_opening_the_reply_form_moves_nothing_the_reader_is_looking_at(
    desktop_page, post, thread, console_problems
):
    page = desktop_page
    page.goto(post.get_absolute_url())
    ruth = item(page, thread["ruth"])
    # The answered comment near the top of the screen, the end of the post just above it.
    ruth.evaluate("(el) => window.scrollTo(0, el.getBoundingClientRect().top + scrollY - 250)")
    watched = {
        "post body": page.locator(".post-body"),
        "heading": page.locator("#comments-heading"),
        "answered comment": ruth.locator("> article > .comment-body"),
    }
    before = {name: page_box(locator) for name, locator in watched.items()}
    scrolled = page.evaluate("scrollY")

    ruth.get_by_role("link", name="Reply").click()
    form = page.locator("#comment-form")
    expect(ruth.locator("> #comment-form")).to_be_visible()
    expect(form.get_by_label("Comment", exact=True)).to_be_focused()
    # Nothing above the form moved on the page...
    assert {name: page_box(locator) for name, locator in watched.items()} == before
    # ...and the window scrolled just far enough to show the whole form, Post button
    # included: no further, so the comment being answered stays in view.
    expect(ruth.locator("> article > .comment-header")).to_be_in_viewport()
    form_box = form.bounding_box()
    assert form_box["y"] >= 0 and form_box["y"] + form_box["height"] <= DESKTOP["height"] + 1
    if page.evaluate("scrollY") != scrolled:
        assert abs(form_box["y"] + form_box["height"] - DESKTOP["height"]) <= 2, form_box

    form.get_by_role("button", name="Cancel reply").click()
    expect(page.locator("#comments > #comment-form")).to_be_visible()
    assert {name: page_box(locator) for name, locator in watched.items()} == before
    assert list(console_problems) == []


@pytest.fixture
def small_phone(chromium_browser, live_server, console_problems):
    """360×740: the narrowest phone screen in common use."""
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="en-GB"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    console_problems.watch(page)
    yield page
    context.close()


def test_a_deep_thread_fits_a_360px_screen(small_phone, post, settings, console_problems):
    """Six levels (an import can bring deeper threads than COMMENTS_MAX_DEPTH allows): the
    indent stops at the third, the deeper replies say whom they answer, and nothing is wider
    than the screen."""
    assert settings.COMMENTS_MAX_VISUAL_DEPTH == 3
    names = ["Ruth", "Amara", "Marek", "Joanna", "Priya", "Ben"]
    chain, parent = [], None
    for depth, name in enumerate(names):
        text = (
            f"Level {depth}: the regulator's tables are at https://www.ema.example.eu/documents/"
            "EMEA_H_C_004043_II_0042_Supplementary_Tables_Annualised_Relapse_Rates.pdf "
            "and I read every one of them."
        )
        parent = add(post, text, parent=parent, name=name, hours_ago=10 - depth)
        chain.append(parent)
    assert [comment.level for comment in chain] == list(range(6))

    page = small_phone
    page.goto(post.get_absolute_url())
    expect(page.locator(".comment-list > li")).to_have_count(6)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360

    boxes = [item(page, comment).locator(".comment-body").bounding_box() for comment in chain]
    lefts = [round(box["x"]) for box in boxes]
    assert lefts[0] < lefts[1] < lefts[2] < lefts[3] == lefts[4] == lefts[5], lefts
    # The deepest reply keeps most of the width the top-level comment has.
    assert boxes[5]["width"] >= 0.8 * boxes[0]["width"], boxes
    for box in boxes:
        assert box["x"] + box["width"] <= 360
    for deeper, answered in zip(chain[4:], chain[3:5], strict=True):
        in_reply_to = item(page, deeper).locator(".in-reply-to")
        expect(in_reply_to).to_have_text(f"in reply to {answered.author_name}")
        expect(in_reply_to.get_by_role("link")).to_have_attribute("href", f"#comment-{answered.pk}")
    for shallow in chain[:4]:
        expect(item(page, shallow).locator(".in-reply-to")).to_have_count(0)
    assert list(console_problems) == []


def test_collapse_and_expand_a_thread(desktop_page, post, thread, console_problems):
    page = desktop_page
    page.goto(post.get_absolute_url())
    ruth, amara, marek, joanna, sam = (
        item(page, thread[key]) for key in ("ruth", "amara", "marek", "joanna", "sam")
    )
    expect(sam.get_by_role("button", name=re.compile("replies"))).to_have_count(0)  # none
    expect(marek.get_by_role("button", name=re.compile("replies"))).to_have_count(0)
    toggle = ruth.locator("> article .thread-toggle")
    expect(toggle).to_have_text("Hide replies")
    expect(toggle).to_have_attribute("aria-expanded", "true")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_text("Show replies")
    expect(ruth.locator(".replies-hidden")).to_have_text("3 replies hidden")
    expect(ruth).to_have_class(re.compile(r"\bis-collapsed\b"))
    for hidden in (amara, marek, joanna):
        expect(hidden).to_be_hidden()
    expect(ruth.locator(".comment-body")).to_be_visible()
    expect(sam).to_be_visible()  # the next thread is not part of it

    toggle.click()
    for shown in (amara, marek, joanna):
        expect(shown).to_be_visible()
    expect(ruth.locator(".replies-hidden")).to_be_hidden()

    # A folded reply stays folded while its thread is folded and unfolded around it; the
    # keyboard works the buttons as well as the mouse.
    amara_toggle = amara.locator(".thread-toggle")
    amara_toggle.focus()
    page.keyboard.press("Enter")
    expect(amara.locator(".replies-hidden")).to_have_text("1 reply hidden")
    expect(marek).to_be_hidden()
    toggle.focus()
    page.keyboard.press("Space")
    expect(amara).to_be_hidden()
    page.keyboard.press("Space")
    expect(amara).to_be_visible()
    expect(joanna).to_be_visible()
    expect(marek).to_be_hidden()
    amara_toggle.click()
    expect(marek).to_be_visible()
    assert list(console_problems) == []


def test_jump_to_parent_highlights_and_shows_it(desktop_page, post, thread):
    page = desktop_page
    page.goto(post.get_absolute_url())
    expect(item(page, thread["ruth"]).locator(".parent-link")).to_have_count(0)  # top level
    marek = item(page, thread["marek"])
    jump = marek.get_by_role("link", name="Jump to parent")
    expect(jump).to_have_attribute("href", f"#comment-{thread['amara'].pk}")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    jump.click()
    amara = item(page, thread["amara"])
    expect(page).to_have_url(re.compile(rf"#comment-{thread['amara'].pk}$"))
    expect(amara).to_have_class(re.compile(r"\bcomment-target\b"))
    expect(amara).to_be_in_viewport()
    expect(page.locator(".comment-target")).to_have_count(1)


@pytest.fixture
def long_discussion(post, thread) -> Comment:
    """Twenty more threads (one page holds 25), so the last comment is far below the first
    screen."""
    for number in range(20):
        add(post, f"Thread {number}: another question about relapse rates.", hours_ago=0.4)
    return add(post, "The last word.", name="Olu", hours_ago=0.1)


def test_the_comment_in_the_url_is_highlighted_and_scrolled_to(
    desktop_page, post, thread, long_discussion
):
    page = desktop_page
    page.goto(f"{post.get_absolute_url()}#comment-{long_discussion.pk}")
    last = item(page, long_discussion)
    expect(last).to_have_class(re.compile(r"\bcomment-target\b"))
    expect(last).to_be_in_viewport()
    expect(item(page, thread["ruth"])).not_to_be_in_viewport()

    # A permalink into a folded thread unfolds the way to it.
    page.goto(post.get_absolute_url())
    ruth = item(page, thread["ruth"])
    ruth.locator("> article .thread-toggle").click()
    item(page, thread["amara"]).locator(".thread-toggle").evaluate("(button) => button.click()")
    marek = item(page, thread["marek"])
    expect(marek).to_be_hidden()
    page.evaluate(f"location.hash = '#comment-{thread['marek'].pk}'")
    expect(marek).to_be_visible()
    expect(marek).to_have_class(re.compile(r"\bcomment-target\b"))
    expect(marek).to_be_in_viewport()
    expect(ruth.locator(".thread-toggle")).to_have_attribute("aria-expanded", "true")
    expect(item(page, thread["amara"]).locator(".thread-toggle")).to_have_attribute(
        "aria-expanded", "true"
    )
    expect(page.locator(".comment-target")).to_have_count(1)


def server_time(comment: Comment) -> str:
    moment = timezone.localtime(comment.submitted_at)
    return f"{moment.day} {moment:%b} {moment.year}, {moment:%H:%M}"


def test_relative_times_sit_beside_the_time_of_day(phone_page, post, thread):
    """Issue 11: the date and time of day stay in the page at every width, no hover needed;
    the relative time is only added beside them."""
    page = phone_page
    page.goto(post.get_absolute_url())
    times = {
        "ruth": "yesterday",  # 30 hours ago
        "amara": "20 hours ago",
        "joanna": "1 hour ago",
        "sam": "30 minutes ago",
    }
    for key, relative in times.items():
        permalink = item(page, thread[key]).locator("> article .comment-permalink")
        time = permalink.locator("time")
        expect(time).to_have_text(server_time(thread[key]))
        expect(time).to_be_visible()
        expect(permalink.locator(".time-relative")).to_have_text(relative)
        expect(permalink.locator(".time-relative")).to_be_visible()
        expect(time).to_have_attribute(
            "datetime", timezone.localtime(thread[key].submitted_at).isoformat(timespec="seconds")
        )
        box = time.bounding_box()
        assert box["width"] > 50 and box["x"] + box["width"] <= 390, box


def test_times_follow_the_site_zone_and_the_readers_language(
    chromium_browser, live_server, post, thread, settings
):
    settings.TIME_ZONE = "America/New_York"
    # Only English ships; a site that adds German gets its readers' times in German.
    settings.LANGUAGES = [("en-gb", "English"), ("de", "Deutsch")]
    context = chromium_browser.new_context(base_url=live_server.url, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(post.get_absolute_url())
        expect(page.locator("html")).to_have_attribute("lang", "de")
        time = item(page, thread["amara"]).locator("> article .comment-permalink time")
        expect(time.locator("xpath=following-sibling::span[@class='time-relative']")).to_have_text(
            "vor 20 Stunden"
        )
        local = timezone.localtime(thread["amara"].submitted_at, timezone.get_default_timezone())
        assert str(local.tzinfo) == "America/New_York"
        expect(time).to_have_attribute("datetime", local.isoformat(timespec="seconds"))
        # Day, translated month, year and time of day in New York.
        expect(time).to_have_text(re.compile(rf"^{local.day} \w+\.? {local.year}, {local:%H:%M}$"))
    finally:
        context.close()


def set_last_visit(page, at: datetime.datetime) -> None:
    """Pretend this browser last read the post at `at` (and not within the last 30 min)."""
    page.evaluate(
        """([post, at]) => localStorage.setItem(
             "colloquy.visit." + post, JSON.stringify({ at: at, since: null }))""",
        [page.locator("#comments").get_attribute("data-post"), at.timestamp() * 1000],
    )


def tab_to(page, selector: str, *, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_comments_new_since_the_last_visit_are_marked_and_stepped_through(
    desktop_page, post, thread, long_discussion, console_problems
):
    page = desktop_page
    page.goto(post.get_absolute_url())
    # A first visit marks nothing: everything would be new.
    expect(page.locator(".comment-new")).to_have_count(0)
    expect(page.locator(".new-comments")).to_be_hidden()

    # Last here 15 hours ago: Marek (10 h), Joanna (1 h), Sam (30 min), the twenty threads
    # and Olu are new since.
    set_last_visit(page, timezone.now() - datetime.timedelta(hours=15))
    page.reload()
    fresh = page.locator(".comment-new")
    expect(fresh).to_have_count(24)
    marek, joanna = item(page, thread["marek"]), item(page, thread["joanna"])
    for old in ("ruth", "amara"):
        expect(item(page, thread[old])).not_to_have_class(re.compile(r"\bcomment-new\b"))
    expect(marek.locator(".badge-new")).to_have_text("New")
    expect(marek.locator(".badge-new")).to_be_visible()
    bar = page.locator(".new-comments")
    expect(bar).to_be_visible()
    expect(bar.locator(".new-summary")).to_have_text("New since your last visit: 24")

    # From the keyboard: the button keeps focus, so Enter steps on; each new comment comes
    # into view, highlighted, and the status says where we are. A folded thread opens.
    item(page, thread["amara"]).locator(".thread-toggle").click()
    expect(marek).to_be_hidden()
    page.locator("h1").click()  # start tabbing from the top of the post
    tab_to(page, ".next-new")
    page.keyboard.press("Enter")
    expect(marek).to_be_visible()
    expect(marek).to_have_class(re.compile(r"\bcomment-target\b"))
    expect(marek).to_be_in_viewport()
    expect(bar.get_by_role("status")).to_have_text("1 of 24")
    page.keyboard.press("Enter")
    expect(joanna).to_have_class(re.compile(r"\bcomment-target\b"))
    expect(bar.get_by_role("status")).to_have_text("2 of 24")
    expect(page.locator(".next-new")).to_be_focused()
    for _ in range(22):
        page.keyboard.press("Enter")
    last = item(page, long_discussion)
    expect(last).to_have_class(re.compile(r"\bcomment-target\b"))
    expect(last).to_be_in_viewport()
    expect(bar).to_be_in_viewport()  # the bar stays on screen while stepping
    page.keyboard.press("Enter")  # round again
    expect(bar.get_by_role("status")).to_have_text("1 of 24")
    expect(page.locator(".comment-target")).to_have_count(1)

    # Reloading within the same visit keeps the marks; the next visit counts from the last
    # page view of this one.
    page.reload()
    expect(fresh).to_have_count(24)
    page.evaluate(
        """() => { for (const key of Object.keys(localStorage)) {
             const visit = JSON.parse(localStorage.getItem(key));
             visit.at -= 31 * 60 * 1000;
             localStorage.setItem(key, JSON.stringify(visit));
           } }"""
    )
    page.reload()
    expect(fresh).to_have_count(22)  # Sam's, the twenty threads and Olu's: under 31 min old
    expect(marek).not_to_have_class(re.compile(r"\bcomment-new\b"))
    expect(joanna).not_to_have_class(re.compile(r"\bcomment-new\b"))
    expect(bar.locator(".new-summary")).to_have_text("New since your last visit: 22")
    assert list(console_problems) == []


def test_reading_controls_pass_axe(desktop_page, post, thread):
    """The controls this adds, in use: the new-comments bar, a folded thread, the time tip."""
    page = desktop_page
    page.goto(post.get_absolute_url())
    set_last_visit(page, timezone.now() - datetime.timedelta(hours=15))
    problems = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.reload()
        expect(page.locator(".new-comments")).to_be_visible()
        page.locator(".next-new").click()
        item(page, thread["ruth"]).locator("> article .thread-toggle").click()
        item(page, thread["sam"]).locator(".comment-permalink").focus()
        if found := blocking_violations(page):
            problems[scheme] = found
    assert not problems, report(problems)


def test_script_words_come_from_the_page(desktop_page, post, thread, console_problems):
    """reading.js has no words of its own: the reader sees what the page's data- attributes
    say, as the template translated them (here rewritten in French on the way in)."""
    french = {
        "Hide replies": "Masquer les réponses",
        "Show replies": "Afficher les réponses",
        "3 replies hidden": "3 réponses masquées",
        "New": "Nouveau",
        "%(index)s of %(count)s": "%(index)s sur %(count)s",
    }

    def translated(route):
        response = route.fetch()
        html = response.text()
        for english, words in french.items():
            assert f'="{english}"' in html, english
            html = html.replace(f'="{english}"', f'="{words}"')
        route.fulfill(response=response, body=html)

    page = desktop_page
    page.route(f"**{post.get_absolute_url()}", translated)
    page.goto(post.get_absolute_url())
    set_last_visit(page, timezone.now() - datetime.timedelta(hours=15))
    page.reload()
    ruth = item(page, thread["ruth"])
    toggle = ruth.locator("> article .thread-toggle")
    expect(toggle).to_have_text("Masquer les réponses")
    toggle.click()
    expect(toggle).to_have_text("Afficher les réponses")
    expect(ruth.locator(".replies-hidden")).to_have_text("3 réponses masquées")
    expect(item(page, thread["sam"]).locator(".badge-new")).to_have_text("Nouveau")
    page.locator(".next-new").click()
    expect(page.locator(".new-position")).to_have_text("1 sur 3")
    assert list(console_problems) == []
