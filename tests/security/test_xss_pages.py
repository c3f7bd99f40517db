"""Every public XSS payload, as a commenter's name, body and quote, on a real post page.

The page is read with the standard library's HTML parser, in one streaming pass (a tree of
thousands of comments costs seconds): nowhere on the page is there an event-handler
attribute, an inline script or a script URL; inside the discussion only the elements and
attributes of the thread's own markup exist, end tags close what they should, and each
comment shows its writer's name, quote and body as text, so nothing was silently dropped.
"""

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from comments.identity import name_refused
from comments.models import Comment, CommentRevision
from comments.policy import Assessment
from comments.services import Submission, comment_create_as_is, comment_submit
from comments.text import LINK_REL, clean_input, clean_line
from tests.blog.markup import VOID_ELEMENTS, url_scheme
from tests.factories import PostFactory

from .xss_corpus import needs_payloads, payloads, store_thread, stored_fields

ALLOWED_ELEMENTS = {
    "li", "article", "header", "span", "bdi", "a", "time", "blockquote", "p", "footer",
    "div", "br", "em", "strong", "ol", "section", "h2", "h3", "nav", "form", "label",
    "input", "textarea", "button",
}  # fmt: skip
# Every attribute the thread and the comment form use. aria-* and data-* are allowed by
# prefix: they run nothing, and the thread's own markup keeps gaining them (accessibility,
# collapsing). Where a payload's text goes (name, quote, body) no markup at all is allowed.
ALLOWED_ATTRIBUTES = {
    "id", "class", "href", "title", "rel", "datetime", "cite", "role", "tabindex", "hidden",
    "action", "method", "novalidate", "name", "type", "value", "autocomplete", "rows",
    "cols", "maxlength", "required", "for", "checked",
}  # fmt: skip
ALLOWED_PREFIXES = ("aria-", "data-")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "cite", "xlink:href", "poster", "data"}
SAFE_SCHEMES = {"http", "https", "mailto"}
PAYLOADS_PER_POST = 1_700


@dataclass
class Shown:
    """One comment as the page shows it: the text of its name, quote and body."""

    name: list[str] = field(default_factory=list)
    quote: list[str] | None = None
    body: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @staticmethod
    def words(parts: list[str] | None) -> str | None:
        return None if parts is None else " ".join("".join(parts).split())


class PageChecker(HTMLParser):
    """Streams through a post page, noting what must not be there and what each comment shows.

    Inside ``<section id="comments">``, the parts of a comment are found by their classes:
    ``span.comment-author`` and any ``span.visually-hidden`` label (text, or a ``<bdi>``
    with text), the first paragraph of
    ``blockquote.comment-quote`` (text only) and ``div.comment-body`` (paragraphs, line
    breaks and our own links).
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.comments: dict[str, Shown] = {}
        self.forms = 0
        self.stack: list[tuple[str, str | None]] = []  # (tag, the comment part it opens)
        self.part: str | None = None  # the innermost comment part we are in
        self.current: Shown | None = None
        self.in_section = False
        self.in_data_block = False

    # Everywhere on the page

    def _page_checks(self, tag: str, attrs: dict) -> None:
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if name in URL_ATTRIBUTES and value:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    self.problems.append(f"{name}={value!r} on <{tag}>")
        if tag == "script" and attrs.get("type") == "application/ld+json" and not attrs.get("src"):
            self.in_data_block = True  # schema.org data: never run; checked in handle_data
        elif tag == "script" and not (attrs.get("src") or "").startswith("/static/"):
            self.problems.append(f"<script {attrs}>")

    # Inside the discussion

    def _discussion_checks(self, tag: str, attrs: dict) -> None:
        if tag not in ALLOWED_ELEMENTS:
            self.problem(f"<{tag}> element")
        for name in attrs:
            if name not in ALLOWED_ATTRIBUTES and not name.startswith(ALLOWED_PREFIXES):
                self.problem(f"{name}= on <{tag}>")
        self.forms += tag == "form"

    def problem(self, message: str) -> None:
        (self.current.problems if self.current else self.problems).append(message)

    def _opens_part(self, tag: str, attrs: dict) -> str | None:
        classes = set((attrs.get("class") or "").split())
        if tag == "li" and "comment" in classes:
            self.current = self.comments.setdefault(attrs.get("id") or "", Shown())
            return "comment"
        if self.current is None:
            return None
        if tag == "span" and "comment-author" in classes:
            return "name"
        if tag == "span" and self.part == "comment" and "visually-hidden" in classes:
            return "label"  # e.g. "Reply to <name>" for screen readers
        if tag == "blockquote" and "comment-quote" in classes:
            return "quote-block"
        if tag == "p" and self.part == "quote-block" and self.current.quote is None:
            self.current.quote = []
            return "quote"
        if tag == "div" and "comment-body" in classes:
            return "body"
        return None

    def _inside_part(self, tag: str, attrs: dict) -> None:
        """Markup inside a name, quote or body: only what our renderer writes there."""
        if self.part in {"name", "label"}:
            if tag != "bdi" or self.stack[-1][1] != self.part:
                self.problem(f"<{tag}> in a {self.part}")
        elif self.part == "quote":
            self.problem(f"<{tag}> in a quote")
        elif self.part == "body":
            if tag == "a":
                if set(attrs) != {"href", "rel"} or attrs["rel"] != LINK_REL:
                    self.problem(f"link attributes {attrs}")
                elif url_scheme(attrs["href"] or "") not in SAFE_SCHEMES:
                    self.problem(f"link to {attrs['href']!r}")
            elif tag in {"p", "br"}:
                if attrs:
                    self.problem(f"<{tag} {attrs}> in a comment body")
                self.current.body.append(" ")  # paragraphs and breaks separate words
            else:
                self.problem(f"<{tag}> in a comment body")

    def handle_starttag(self, tag, attr_list):
        attrs = dict(attr_list)
        self._page_checks(tag, attrs)
        if tag == "section" and attrs.get("id") == "comments":
            self.in_section = True
        if not self.in_section:
            return
        self._discussion_checks(tag, attrs)
        if self.part in {"name", "label", "quote", "body"}:
            self._inside_part(tag, attrs)
        part = self._opens_part(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, part))
            self.part = part or self.part

    def handle_startendtag(self, tag, attr_list):
        self.handle_starttag(tag, attr_list)
        if self.in_section and tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if not self.in_section or tag in VOID_ELEMENTS:
            return
        if not self.stack or self.stack[-1][0] != tag:
            open_tags = [t for t, _ in self.stack[-3:]]
            self.problem(f"</{tag}> closes nothing open (open: {open_tags})")
            return
        _tag, part = self.stack.pop()
        if part == "comment":
            self.current = None
        parts = [p for _, p in self.stack if p]
        self.part = parts[-1] if parts else None
        if not self.stack:
            self.in_section = False

    def handle_data(self, data):
        if self.in_data_block:
            # Readers' text in the schema.org data is JSON with every "<" escaped: nothing
            # in it can end the element and start markup.
            self.in_data_block = False
            try:
                json.loads(data)
            except ValueError:
                self.problems.append(f"schema.org data that is not JSON: {data[:80]!r}")
            if "<" in data:
                self.problems.append(f"'<' in schema.org data: {data[:80]!r}")
            return
        if self.current is None:
            return
        if self.part == "name":
            self.current.name.append(data)
        elif self.part == "quote":
            self.current.quote.append(data)
        elif self.part == "body":
            self.current.body.append(data)


def check_post_page(client, post, shown: list[tuple]) -> None:
    """``shown``: (comment, the text it carries as name and body, the text it quotes or
    None), for every comment of ``post``."""
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    checker = PageChecker()
    checker.feed(response.text)
    checker.close()
    assert checker.problems == []
    assert checker.forms == 1, "the comment form, and no other"
    # Nothing broke out of its comment: exactly the stored comments, each in its own <li>.
    assert set(checker.comments) == {f"comment-{comment.pk}" for comment, *_ in shown}
    wrong = {}
    for comment, text, quoted in shown:
        fields = stored_fields(text)
        want = (
            " ".join(fields["author_name"].split()) or "Anonymous",
            None if quoted is None else " ".join(stored_fields(quoted)["quote"].split()),
            " ".join(fields["body"].split()),
        )
        found = checker.comments[f"comment-{comment.pk}"]
        seen = (found.words(found.name), found.words(found.quote), found.words(found.body))
        if seen != want or found.problems:
            wrong[text[:100]] = (seen, found.problems)
    assert wrong == {}


@pytest.fixture
def every_thread_on_one_page(settings):
    settings.COMMENTS_THREADS_PER_PAGE = 100_000


@needs_payloads
def test_every_payload_as_name_body_and_quote_renders_as_text(client, db, every_thread_on_one_page):
    texts = payloads()
    assert len(texts) > 6_500
    for start in range(0, len(texts), PAYLOADS_PER_POST):
        post = PostFactory()
        check_post_page(client, post, store_thread(post, texts[start : start + PAYLOADS_PER_POST]))


def test_the_checker_sees_what_it_looks_for():
    """The checker above, on markup a broken renderer could produce: it must object."""
    page = (
        '<a href="javascript:alert(1)">x</a><section id="comments"><ol>'
        '<li id="comment-1" class="comment"><article><header><span class="comment-author">'
        "<bdi>Ann<img src=x onerror=alert(1)></bdi></span></header>"
        '<div class="comment-body"><p>Hi <a href="data:text/html,x" rel="nofollow">x</a>'
        "<svg onload=alert(1)></svg></p></div><footer><a class=reply-link href=/r/>Reply"
        '<span class="visually-hidden"> to <em>Ann</em></span></a></footer></article></li>'
        "</ol></section>"
    )
    checker = PageChecker()
    checker.feed(page)
    shown = checker.comments["comment-1"]
    assert checker.problems == ["href='javascript:alert(1)' on <a>", "onerror= on <img>",
                                "href='data:text/html,x' on <a>", "onload= on <svg>"]  # fmt: skip
    assert shown.problems == [
        "<img> element", "src= on <img>", "onerror= on <img>", "<img> in a name",
        "link attributes {'href': 'data:text/html,x', 'rel': 'nofollow'}",
        "<svg> element", "onload= on <svg>", "<svg> in a comment body", "<em> in a label",
    ]  # fmt: skip
    assert (shown.words(shown.name), shown.words(shown.body)) == ("Ann", "Hi x")


# The bulk insert above stores what the services store; checked here, service by service.


@needs_payloads
def test_the_services_store_payloads_as_the_bulk_insert_does(client, db, every_thread_on_one_page):
    texts = [text for text in payloads() if "\x00" not in text][::100]
    post = PostFactory()
    shown = []
    for text in texts:
        root = comment_create_as_is(
            post=post, parent=None, body=text, status=Comment.Status.APPROVED,
            submitted_at=post.published_at, source="test", author_name=text,
        )  # fmt: skip
        reply = comment_create_as_is(
            post=post, parent=root, body=text, status=Comment.Status.APPROVED,
            submitted_at=post.published_at, source="test", author_name=text, quote=text,
        )  # fmt: skip
        shown += [(root, text, None), (reply, text, text)]
        expected = stored_fields(text)
        for comment, quote in ((root, ""), (reply, expected["quote"])):
            comment.refresh_from_db()
            stored = (comment.author_name, comment.body, comment.quote)
            assert stored == (expected["author_name"], expected["body"], quote)
    check_post_page(client, post, shown)


def approve_everything(*, comment, honeypot=""):
    return Assessment(Comment.Status.APPROVED)


@needs_payloads
def test_reader_submissions_of_payloads_render_as_text(
    client, db, settings, every_thread_on_one_page
):
    """Through comment_submit, the reader's path (with a policy that approves at once; a
    signed-in user's name comes from the account, so these come from readers)."""
    settings.COMMENTS_POLICY = f"{__name__}.approve_everything"
    texts = [text for text in payloads() if len(clean_input(text)) <= 80][::80]
    texts = [text for text in texts if not name_refused(clean_line(text))]
    post = PostFactory()
    shown = []
    for text in texts:
        root = comment_submit(post=post, submission=Submission(body=text, author_name=text))
        reply = comment_submit(
            post=post,
            submission=Submission(body=text, author_name=text, quote=text),
            parent=root,
        )
        assert root.status == reply.status == Comment.Status.APPROVED
        shown += [(root, text, None), (reply, text, text)]
    check_post_page(client, post, shown)
    assert CommentRevision.objects.filter(comment__post=post).count() == 2 * len(texts)


def test_create_as_is_cleans_the_quote(db, make):
    parent = make('<scr\x00ipt>alert("XSS")</scr\x00ipt>')
    reply = make("Answer", parent=parent, quote="<scr\x00ipt>alert")
    assert reply.quote == "<script>alert"
