"""Hostile and broken posts to POST /comments/post/<id>/: each gets a 4xx that says what was
wrong, and nothing stored changes (comments, revisions, audit events, the trees' shape).

Requests are sent as a browser sends the form (URL-encoded), or as raw bytes where the
point is the bytes: invalid UTF-8, NUL, thousands of fields, a wrong content type.
"""

import datetime
import re
from urllib.parse import quote, urlencode

import feedparser
import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from tests.blog.markup import Node, parse
from tests.factories import PostFactory

from .conftest import stored_state

FORM = "application/x-www-form-urlencoded"
UA = {"HTTP_USER_AGENT": "Mozilla/5.0 (security tests)"}
CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"
UNREADABLE_MIDDLEWARE = "config.middleware.UnreadableRequestMiddleware"
NOT_A_PARENT = "That is not a comment you can reply to."
NOT_UTF8 = "bytes that are not valid UTF-8"
NUL = "contains a NUL character"


def comment_url(post) -> str:
    return f"/comments/post/{post.pk}/"


def form(**fields) -> str:
    return urlencode(fields)


class World:
    """A post open for comments, with comments in every state, and the posts around it."""

    def __init__(self, make, other_post):
        self.post = make.post
        self.parent = make("Real words from a reader, about relapse rates.", name="Ruth")
        self.pending = make("Held for moderation.", status=Comment.Status.PENDING)
        self.removed = make("Taken down.", status=Comment.Status.REMOVED)
        self.spam = make("Cheap pills.", status=Comment.Status.SPAM)
        self.elsewhere = make("On another post.", post=other_post)
        self.closed = PostFactory(comments_open=False)
        self.expired = PostFactory(comments_close_at=timezone.now() - datetime.timedelta(days=1))
        self.draft = PostFactory(draft=True)


@pytest.fixture
def world(make, other_post) -> World:
    return World(make, other_post)


def error_summary(response) -> str:
    """The text of the form's error summary: what the reader is told."""
    summary = parse(response.content.decode()).find("div", cls="error-summary")
    return summary.text


def page_text(response) -> str:
    return " ".join(
        parse(response.content.decode("utf-8", errors="replace")).find("body").text.split()
    )


# -- the comments issue's list, and the fields' own limits ------------------------------

# (id, request built from the world: (post, body); status; what the reader is told)
FORM_CASES = [
    ("parent on another post",
     lambda w: (w.post, form(body="Reply", parent=w.elsewhere.pk)), 400,
     "The comment you are replying to is not available."),
    ("parent that does not exist",
     lambda w: (w.post, form(body="Reply", parent=987654321)), 400,
     "The comment you are replying to is not available."),
    ("parent held for moderation",
     lambda w: (w.post, form(body="Reply", parent=w.pending.pk)), 400,
     "The comment you are replying to is not available."),
    ("parent removed",
     lambda w: (w.post, form(body="Reply", parent=w.removed.pk)), 400,
     "The comment you are replying to is not available."),
    ("parent marked as spam",
     lambda w: (w.post, form(body="Reply", parent=w.spam.pk)), 400,
     "The comment you are replying to is not available."),
    ("closed post",
     lambda w: (w.closed, form(body="Hello")), 403, "Comments are closed on this post."),
    ("post whose comments closed yesterday",
     lambda w: (w.expired, form(body="Hello")), 403, "Comments are closed on this post."),
    ("body over 10,000 characters",
     lambda w: (w.post, form(body="x" * 10_001)), 400,
     "Your comment is 10001 characters long; the limit is 10000."),
    ("1 MB body",
     lambda w: (w.post, form(body="x" * 1_000_000)), 400,
     "Your comment is 1000000 characters long; the limit is 10000."),
    ("100 KB name",
     lambda w: (w.post, form(body="Hello", author_name="n" * 100_000)), 400,
     "Names can be at most 80 characters; this one has 100000."),
    ("quote not in the parent",
     lambda w: (w.post, form(body="Reply", parent=w.parent.pk, quote="words never written")),
     400, "The quote is not in the comment you are replying to."),
    ("quote without a parent",
     lambda w: (w.post, form(body="Reply", quote="relapse rates")), 400,
     "A quote needs a comment to reply to."),
    ("quote over 2,000 characters",
     lambda w: (w.post, form(body="Reply", parent=w.parent.pk, quote="q" * 2_001)), 400,
     "Quotes can be at most 2000 characters; this one has 2001."),
    ("empty body",
     lambda w: (w.post, form(body=" \n\t ")), 400, "Please write a comment."),
    ("body of control characters only",
     lambda w: (w.post, form(body="\x01\x02\x1b\x7f")), 400, "Please write a comment."),
    ("notify without an email",
     lambda w: (w.post, form(body="Hello", notify_replies="on")), 400,
     "Give an email address to hear about replies."),
    ("negative parent id",
     lambda w: (w.post, form(body="Reply", parent=-1)), 400, NOT_A_PARENT),
    ("parent id zero",
     lambda w: (w.post, form(body="Reply", parent=0)), 400, NOT_A_PARENT),
    ("parent id past bigint",
     lambda w: (w.post, form(body="Reply", parent=2**63)), 400, NOT_A_PARENT),
    ("parent id of 300 digits",
     lambda w: (w.post, form(body="Reply", parent="9" * 300)), 400, NOT_A_PARENT),
    ("parent id not a number",
     lambda w: (w.post, form(body="Reply", parent="1 OR 1=1")), 400, NOT_A_PARENT),
    ("parent id as a float",
     lambda w: (w.post, form(body="Reply", parent="1e3")), 400, NOT_A_PARENT),
    # Raw bytes: what Django decodes as U+FFFD or would hand PostgreSQL as a NUL.
    ("invalid UTF-8 in the body",
     lambda w: (w.post, "body=Caf%E9%FF%FE+au+lait"), 400, NOT_UTF8),
    ("invalid UTF-8 in the name",
     lambda w: (w.post, "body=Hello&author_name=%C3%28"), 400, NOT_UTF8),
    ("invalid UTF-8 in the quote",
     lambda w: (w.post, f"body=Reply&parent={w.parent.pk}&quote=relapse%ED%A0%80"), 400,
     NOT_UTF8),
    ("overlong UTF-8 for '<'",
     lambda w: (w.post, "body=%C0%BCscript%C0%BE"), 400, NOT_UTF8),
    ("raw byte 0xFF, not percent-encoded",
     lambda w: (w.post, b"body=abc\xff"), 400, NOT_UTF8),
    ("NUL in the body",
     lambda w: (w.post, "body=Hello%00world"), 400, NUL),
    ("NUL in the name",
     lambda w: (w.post, "body=Hello&author_name=Ann%00"), 400, NUL),
    ("NUL in the quote",
     lambda w: (w.post, f"body=Reply&parent={w.parent.pk}&quote=relapse%00"), 400, NUL),
    ("NUL in the email",
     lambda w: (w.post, "body=Hello&author_email=a%00@example.org"), 400,
     "Null characters are not allowed."),
    ("NUL in the parent id",
     lambda w: (w.post, f"body=Reply&parent={w.parent.pk}%00"), 400, NOT_A_PARENT),
]  # fmt: skip


@pytest.mark.parametrize(
    ("build", "status", "message"),
    [case[1:] for case in FORM_CASES],
    ids=[case[0] for case in FORM_CASES],
)
def test_refused_with_a_clear_message_and_nothing_stored(client, world, build, status, message):
    post, body = build(world)
    before = stored_state()

    response = client.post(comment_url(post), body, content_type=FORM, **UA)

    assert response.status_code == status
    assert message in error_summary(response)
    assert stored_state() == before
    assert before["tree problems"] == []


def test_refused_text_is_kept_for_the_reader(client, world):
    body = "Caf%C3%A9 %E9 and " + quote("<b>my</b> long thoughts")
    response = client.post(
        comment_url(world.post), f"body={body}&author_name=Ruth", content_type=FORM, **UA
    )
    textarea = parse(response.content.decode()).find("textarea", name="body")
    assert textarea.text == "Café \ufffd and <b>my</b> long thoughts"
    assert (
        parse(response.content.decode()).find("input", name="author_name").attrs["value"] == "Ruth"
    )


def test_other_control_characters_are_stripped_not_refused(client, world):
    """Pasted text brings form feeds and escape codes; the reader never meant them."""
    response = client.post(
        comment_url(world.post), "body=Dose%0C+one%1B+two&author_name=Ann%07", content_type=FORM
    )
    assert response.status_code == 302
    comment = Comment.objects.latest("pk")
    assert (comment.body, comment.author_name) == ("Dose one two", "Ann")


def test_valid_utf8_in_every_plane_is_accepted(client, world):
    text = "Grüße, 東京, עברית, 😀 and \u00a0non-breaking"
    response = client.post(comment_url(world.post), form(body=text), content_type=FORM)
    assert response.status_code == 302
    assert Comment.objects.latest("pk").body == text


@pytest.mark.parametrize("post_of", [lambda w: 987654321, lambda w: w.draft.pk],
                         ids=["unknown post", "draft post"])  # fmt: skip
def test_unknown_or_unpublished_post_is_not_found(client, world, post_of):
    before = stored_state()
    response = client.post(
        f"/comments/post/{post_of(world)}/", form(body="Hello"), content_type=FORM
    )
    assert response.status_code == 404
    assert "We could not find that page" in page_text(response)
    assert stored_state() == before


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '{"body": "Hello", "author_name": "Bot"}'),
        ("text/plain", "body=Hello"),
        ("application/xml", "<comment><body>Hello</body></comment>"),
    ],
)
def test_wrong_content_type_is_refused_with_415(client, world, content_type, body):
    before = stored_state()
    response = client.post(comment_url(world.post), body, content_type=content_type)
    assert response.status_code == 415
    assert f"This request was sent as “{content_type}”" in error_summary(response)
    assert "Please write a comment" not in error_summary(response)
    assert stored_state() == before


def test_multipart_form_is_accepted(client, world):
    # Django's test client sends multipart/form-data: a form may be sent either way.
    response = client.post(comment_url(world.post), {"body": "Sent as multipart."})
    assert response.status_code == 302


# -- CSRF ---------------------------------------------------------------------------------


def csrf_client(world) -> tuple[Client, str]:
    strict = Client(enforce_csrf_checks=True)
    # The post page holds no token (it is the same for every reader): comments.js fetches it.
    token = strict.get("/comments/token/").json()["token"]
    return strict, token


@pytest.mark.parametrize(
    "forge",
    ["no token, no cookie", "no token", "token from another session", "garbage token"],
)
def test_forged_csrf_is_refused(world, forge):
    strict, token = csrf_client(world)
    fields = {"body": "Click here to win"}
    if forge == "no token, no cookie":
        strict.cookies.clear()
    elif forge == "token from another session":
        _other, fields["csrfmiddlewaretoken"] = csrf_client(world)
    elif forge == "garbage token":
        fields["csrfmiddlewaretoken"] = "x" * 64
    before = stored_state()

    response = strict.post(comment_url(world.post), form(**fields), content_type=FORM)

    assert response.status_code == 403
    assert "Your session expired before your comment was sent." in page_text(response)
    assert stored_state() == before


def test_genuine_csrf_token_is_accepted(world):
    strict, token = csrf_client(world)
    response = strict.post(
        comment_url(world.post), form(body="Hello", csrfmiddlewaretoken=token), content_type=FORM
    )
    assert response.status_code == 302


# -- requests Django will not read ----------------------------------------------------------


@pytest.fixture
def unreadable_requests_answered(settings):
    """The middleware where settings should have it (test_unreadable_request_middleware_is
    _installed says whether they do)."""
    if UNREADABLE_MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(middleware.index(CSRF_MIDDLEWARE), UNREADABLE_MIDDLEWARE)
        settings.MIDDLEWARE = middleware


def test_unreadable_request_middleware_is_installed():
    middleware = django_settings.MIDDLEWARE
    assert UNREADABLE_MIDDLEWARE in middleware
    assert middleware.index(UNREADABLE_MIDDLEWARE) < middleware.index(CSRF_MIDDLEWARE)


@pytest.mark.parametrize("enforce_csrf", [False, True], ids=["test client", "as a browser"])
def test_ten_thousand_fields_get_a_clear_400(world, unreadable_requests_answered, enforce_csrf):
    sender, token = csrf_client(world) if enforce_csrf else (Client(), "")
    fields = [f"field{number}=x" for number in range(10_000)]
    body = "&".join([f"csrfmiddlewaretoken={token}", "body=Hello", *fields])
    before = stored_state()

    response = sender.post(comment_url(world.post), body, content_type=FORM)

    assert response.status_code == 400
    text = page_text(response)
    assert "Your browser sent more form fields than any form on this site has" in text
    assert f"the limit is {django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}" in text
    assert "Content-Security-Policy" in response.headers
    assert stored_state() == before


@pytest.mark.parametrize("enforce_csrf", [False, True], ids=["test client", "as a browser"])
def test_body_over_the_upload_limit_gets_a_clear_413(
    world, unreadable_requests_answered, enforce_csrf
):
    sender, token = csrf_client(world) if enforce_csrf else (Client(), "")
    size = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    before = stored_state()

    response = sender.post(
        comment_url(world.post),
        form(csrfmiddlewaretoken=token, body="x" * size),
        content_type=FORM,
    )

    assert response.status_code == 413
    text = page_text(response)
    assert "What your browser sent is larger than this site accepts (2.5 MB)" in text
    assert "the limit is 10000 characters" in text
    assert stored_state() == before


@pytest.mark.parametrize(
    ("content_type", "body", "reason"),
    [
        (f"{FORM}; charset=iso-8859-1", "body=Caf%E9",
         "content type must be UTF-8 encoded"),
        ("multipart/form-data", "--x\r\n", "Invalid boundary in multipart"),
        ("multipart/form-data; boundary=x", "no parts at all", ""),
    ],
    ids=["form in Latin-1", "multipart without a boundary", "multipart without parts"],
)  # fmt: skip
def test_unreadable_forms_get_a_clear_400(
    client, world, unreadable_requests_answered, content_type, body, reason
):
    before = stored_state()
    response = client.post(comment_url(world.post), body, content_type=content_type)
    assert response.status_code == 400
    text = page_text(response)
    assert "Your browser sent a form this site could not read" in text or (
        "Please write a comment." in error_summary(response)
    )
    assert reason in text
    assert stored_state() == before


def test_a_normal_post_passes_the_unreadable_request_check(world, unreadable_requests_answered):
    strict, token = csrf_client(world)
    response = strict.post(
        comment_url(world.post), form(body="Hello", csrfmiddlewaretoken=token), content_type=FORM
    )
    assert response.status_code == 302


# -- names that play tricks with text direction or invisibility ----------------------------

TRICKY_NAMES = {
    "right-to-left override": "Eve\u202e gnp.exe",
    "left-to-right override left open": "\u202dMallory",
    "isolate left open": "\u2067Bob",
    "pop without a push": "Trent\u202c\u2069",
    "zero-width characters": "A\u200bd\u200ba",  # "Admin" is refused: a role
    "zero-width joiner and BOM": "Ru\u200dth\ufeff",
    "right-to-left mark": "\u200fSara",
    "Hebrew name": "שרה כהן",
}
BIDI_AND_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def nodes_with_text(node: Node, ancestors=()) -> list[tuple[str, tuple]]:
    found = []
    for child in node.children:
        if isinstance(child, str):
            found.append((child, ancestors))
        else:
            found += nodes_with_text(child, (*ancestors, child))
    return found


def test_tricky_names_are_stored_as_typed(client, world):
    """Through the form: none of these characters is a control character, so none is
    stripped; what the page does with them is the next tests' business."""
    for number, (label, name) in enumerate(TRICKY_NAMES.items(), start=1):
        response = client.post(
            comment_url(world.post),
            form(body=f"Comment by {label}.", author_name=name),
            content_type=FORM,
            REMOTE_ADDR=f"192.0.2.{number}",
        )
        assert response.status_code == 302, label
        assert Comment.objects.latest("pk").author_name == name, label


@pytest.fixture
def tricky_comments(world, make):
    """One approved comment per tricky name, each answered (and quoted) by Ruth."""
    comments = {}
    for label, name in TRICKY_NAMES.items():
        comments[label] = make(f"Comment by {label}.", name=name)
        make("Answer.", name="Ruth", parent=comments[label], quote=label)
    return comments


def test_tricky_names_are_shown_isolated(client, world, tricky_comments):
    html = client.get(world.post.get_absolute_url()).content.decode()
    document = parse(html)
    for label, comment in tricky_comments.items():
        item = document.find("li", id=f"comment-{comment.pk}")
        author = item.find("span", cls="comment-author")
        # The name alone inside a <bdi>: the browser isolates it from the text around it.
        assert [node.tag for node in author.iter()] == ["span", "bdi"]
        assert author.children[0].children == [TRICKY_NAMES[label]]
    # Quoting shows the name isolated too.
    assert html.count("quoting <bdi>") >= len(TRICKY_NAMES)


def test_every_direction_control_on_the_page_is_inside_a_bdi(client, world, tricky_comments):
    document = parse(client.get(world.post.get_absolute_url()).content.decode())
    outside = [
        text
        for text, ancestors in nodes_with_text(document)
        if BIDI_AND_INVISIBLE.search(text) and "bdi" not in [node.tag for node in ancestors]
    ]
    assert outside == []


def test_tricky_names_are_isolated_on_the_reply_page(client, tricky_comments):
    for label, comment in tricky_comments.items():
        html = client.get(f"/comments/{comment.pk}/reply/").content.decode()
        assert f"Reply to <bdi>{TRICKY_NAMES[label]}</bdi>" in html, label


def test_tricky_names_are_plain_text_in_the_comment_feed(client, world, tricky_comments):
    """Issue 11: a feed reader shows titles as text, where direction controls are invisible
    and turn the words around them; the feed drops them and keeps the visible name."""
    feed = feedparser.parse(client.get(f"/comments/feed/{world.post.slug}/").content)
    titles = [entry.title for entry in feed.entries]
    assert not any(BIDI_AND_INVISIBLE.search(title) for title in titles)
    for name in TRICKY_NAMES.values():
        visible = " ".join(BIDI_AND_INVISIBLE.sub("", name).split())
        assert any(title.startswith(visible + " ") for title in titles), name
