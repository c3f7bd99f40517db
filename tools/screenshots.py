"""`make screenshots`: the demo site's pages in Chromium, at a phone's and a desktop's size.

    python -m config.devdb -- python -m tools.screenshots [--out DIR] [--only NAME ...]

Needs ``DATABASE_URL`` (``config.devdb`` provides an embedded server). A scratch database
is created next to it, migrated and seeded with ``seed_demo``, served by
``manage.py runserver`` on a free port, photographed into ``docs/screenshots/`` as
``<page>-<phone|desktop>.png``, and dropped again. The browser is the tests' one: a
``chromium`` on ``PATH`` (Debian's package), else Playwright's own build.

Full-page shots are cut off after a few screens (``MAX_SCREENS``): enough to show a page's
layout without committing megabytes of a long discussion.
"""

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
MAX_SCREENS = {"phone": 4, "desktop": 3}
SETTINGS = "config.settings.dev"
DEEP_THREAD = "what-a-relapse-rate-really-tells-you"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
# The demo reader's "last visit" to the deep thread: before its latest eight comments, so
# the post's shot shows "New since your last visit" marks and the control; and one thread
# (Joanna's question, with one reply) folded.
NEW_COMMENTS_SHOWN = 8
FOLDED_THREAD = "Could you write about how relapses are confirmed?"


@dataclass
class Demo:
    """What the shots need from the seeded database."""

    post: str
    series: str
    author: str
    reply_target: int  # an approved reply to a reply, quoting the comment it answers
    moderator: str
    password: str
    citing_post: str = ""  # a post where a comment cites another by its label


def scratch_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_database(name: str) -> None:
    from django.db import connection

    # The maintenance-database cursor Django's own test-database creation uses.
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    from django.db import connection, connections

    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(name: str) -> Demo:
    """Point Django at the scratch database, migrate, seed, and read what the shots need."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from blog.demo import DEMO_PASSWORD
    from blog.models import AuthorProfile, Post
    from comments.models import Comment

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=io.StringIO())
    post = Post.objects.get(slug=DEEP_THREAD)
    target = (
        Comment.objects.filter(post=post, status=Comment.Status.APPROVED, level__gte=2)
        .exclude(quote="")
        .order_by("tree_id", "lft")
        .first()
    )
    demo = Demo(
        post=post.get_absolute_url(),
        series=post.tags.order_by("name").first().get_absolute_url(),
        author=AuthorProfile.objects.get(user=post.author).get_absolute_url(),
        reply_target=target.pk,
        moderator="moderator",
        password=DEMO_PASSWORD,
    )
    demo.citing_post = add_citation(exclude=post)
    connections.close_all()
    return demo


def add_citation(*, exclude) -> str:
    """A reader's comment citing an anonymous one by time, as the model blog's readers do
    ("Anon 6:45pm"), on a post other than the deep thread (so its shots stay as they were).
    Returns that post's address."""
    import datetime

    from django.utils import timezone

    from blog.models import Post
    from comments.models import Comment
    from comments.services import comment_create_as_is

    anonymous = Comment.objects.filter(status=Comment.Status.APPROVED, author_name="")
    post = Post.objects.filter(comments__in=anonymous).exclude(pk=exclude.pk).distinct().first()
    cited = anonymous.filter(post=post).order_by("submitted_at").first()
    local = timezone.localtime(cited.submitted_at)
    hour = local.hour % 12 or 12
    written = f"Anon {hour}:{local.minute:02d}{'pm' if local.hour >= 12 else 'am'}"
    latest = post.comments.order_by("-submitted_at").first().submitted_at
    comment_create_as_is(
        post=post, parent=None, status=Comment.Status.APPROVED, source="screenshots",
        body=f"{written}, the same happened to me: my clinic asked for a letter too.",
        submitted_at=latest + datetime.timedelta(hours=1), author_name="Joanna K",
    )  # fmt: skip
    return post.get_absolute_url()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database_url: str, port: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DEBUG="true",  # runserver serves the static files
        POST_PAGE_CACHE_SECONDS="0",
    )
    server = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"runserver stopped:\n{server.stderr.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):  # noqa: S310
                return server
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("runserver did not answer within 60 seconds")


# The reader's last visit to the post, a moment before its NEW_COMMENTS_SHOWN latest
# comments (the storage format is reading.js's).
BACKDATE_VISIT = """(count) => {
  const times = [...document.querySelectorAll(".comment-list .comment-permalink time")]
    .map((time) => Date.parse(time.getAttribute("datetime"))).sort((a, b) => a - b);
  const at = times[Math.max(0, times.length - count)] - 60000;
  const post = document.getElementById("comments").dataset.post;
  localStorage.setItem("colloquy.visit." + post, JSON.stringify({ at: at, since: null }));
}"""


def shoot(page, path: Path, screens: int) -> None:
    page.evaluate("document.fonts.ready")
    page.evaluate("window.scrollTo(0, 0)")
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    full = page.evaluate("document.documentElement.scrollHeight")
    clip = {"x": 0, "y": 0, "width": width, "height": min(full, height * screens)}
    page.screenshot(path=path, full_page=True, clip=clip, animations="disabled")


def pages(demo: Demo):
    """(name, needs the moderator, how to get there) for every shot, in README order."""

    def visit(path):
        return lambda page: page.goto(path)

    def post_with_new_comments(page):
        page.goto(demo.post)
        page.evaluate(BACKDATE_VISIT, NEW_COMMENTS_SHOWN)
        page.reload()
        page.locator(".new-comments").wait_for()
        folded = page.locator(".comment-list > li").filter(has_text=FOLDED_THREAD).first
        folded.locator("> article .thread-toggle").click()

    def post_in_the_dark(page):
        page.emulate_media(color_scheme="dark")
        post_with_new_comments(page)

    def form_with_errors(page):
        page.goto(demo.post)
        form = page.locator("#comment-form")
        form.get_by_label("Name").fill("Ruth")
        form.get_by_label("Email", exact=True).fill("ruth@example")
        form.get_by_role("button", name="Post comment").click()
        page.get_by_role("alert").wait_for()
        page.evaluate("document.activeElement.blur()")

    def citation_on_hover(page):
        page.goto(demo.citing_post)
        link = page.locator("a.citation").first
        link.evaluate("(link) => window.scrollTo(0, link.getBoundingClientRect().top"
                      " + window.scrollY - window.innerHeight / 3)")  # fmt: skip
        link.hover()
        page.locator(".citation-popover").wait_for()
        return "viewport"

    def own_comment_with_edit_link(page):
        page.goto(demo.citing_post)
        form = page.locator("#comment-form")
        form.get_by_label("Comment", exact=True).fill(
            "In my trial arm the dose was 5 mg twice a day, if that helps anyone."
        )
        form.get_by_role("button", name="Post comment").click()
        mine = page.locator(".comment-pending").last
        mine.wait_for()
        mine.evaluate("(item) => window.scrollTo(0, item.getBoundingClientRect().top"
                      " + window.scrollY - 80)")  # fmt: skip
        return "viewport"

    def edit_inline(page):
        page.goto(demo.citing_post)
        link = page.locator(".edit-link").last
        link.click()  # with JavaScript: the form opens inside the comment
        form = page.locator(".own-edit-inline")
        form.wait_for()
        form.evaluate("(form) => window.scrollTo(0, form.getBoundingClientRect().top"
                      " + window.scrollY - 120)")  # fmt: skip
        return "viewport"

    def edit_page(page):  # without JavaScript the link leads here
        page.goto(demo.citing_post)
        page.goto(page.locator(".edit-link").last.get_attribute("href"))
        page.get_by_role("heading", name="Correct your comment").wait_for()

    return [
        ("home", False, visit("/")),
        ("post", False, post_with_new_comments),
        ("post-dark", False, post_in_the_dark),
        ("series", False, visit(demo.series)),
        ("author", False, visit(demo.author)),
        ("search", False, visit("/search/?q=trial")),
        ("comment-errors", False, form_with_errors),
        ("reply", False, visit(f"/comments/{demo.reply_target}/reply/")),
        ("sign-in", False, visit(f"/accounts/login/?next={demo.post}")),
        ("subscribe", False, visit("/subscribe/")),
        # Signed in (the demo moderator): "Commenting as Nia Kowalski · Moderator".
        ("reply-signed-in", True, visit(f"/comments/{demo.reply_target}/reply/")),
        ("moderation-queue", True, visit("/admin/moderation/pendingcomment/")),
        ("comment-change", True, visit(f"/admin/comments/comment/{demo.reply_target}/change/")),
        # Issue 23: a citation's cited comment on hover; a writer's own comment, still
        # theirs to correct, and the page where they correct it.
        ("citation", False, citation_on_hover),
        ("edit-link", False, own_comment_with_edit_link),
        ("edit-inline", False, edit_inline),
        ("edit", False, edit_page),
    ]


def log_in(context, base_url: str, demo: Demo) -> None:
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("Username").fill(demo.moderator)
    page.get_by_label("Password").fill(demo.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/admin/")
    page.close()


def take_all(base_url: str, demo: Demo, out: Path, only: set[str]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
        )
        for size, (width, height) in SIZES.items():
            contexts = {}
            for moderated in (False, True):
                context = browser.new_context(
                    base_url=base_url,
                    viewport={"width": width, "height": height},
                    locale="en-GB",
                    color_scheme="light",
                    reduced_motion="reduce",
                )
                context.set_default_timeout(15_000)
                if moderated:
                    log_in(context, base_url, demo)
                contexts[moderated] = context
            for name, moderated, go in pages(demo):
                if only and name not in only:
                    continue
                page = contexts[moderated].new_page()
                how = go(page)
                path = out / f"{name}-{size}.png"
                if how == "viewport":  # the screen the reader is looking at, as it is
                    page.screenshot(path=path, animations="disabled")
                else:
                    shoot(page, path, MAX_SCREENS[size])
                written.append(path)
                print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
                page.close()
            for context in contexts.values():
                context.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNGs")
    parser.add_argument("--only", nargs="*", default=[], help="page names to take")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("DATABASE_URL is not set: run python -m config.devdb -- python -m tools.screenshots")
        return 2
    name = f"colloquy_screenshots_{os.getpid()}"
    setup_django(url)
    create_database(name)
    server = None
    try:
        demo = seed(name)
        port = free_port()
        server = start_server(scratch_url(url, name), port)
        print(f"Screenshots of {name} served on 127.0.0.1:{port}:")
        take_all(f"http://127.0.0.1:{port}", demo, args.out.resolve(), set(args.only))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        drop_database(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
