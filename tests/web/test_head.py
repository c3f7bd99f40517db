"""What a page says about itself in its <head>: a description, its canonical address (from
SITE_URL, with the page number), a post's Open Graph and Twitter tags and its schema.org
``BlogPosting`` with the page's comments; the theme colours and the touch icon."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from tests.blog.markup import parse
from tests.factories import AuthorFactory, AuthorProfileFactory, PostFactory, SeriesFactory

SITE = "https://blog.example.org"
UA = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def author(db):
    user = AuthorFactory(username="amara")
    AuthorProfileFactory(user=user, display_name="Dr Amara Osei", slug="amara")
    return user


@pytest.fixture
def post(author):
    return PostFactory(
        title="Relapse rates, explained",
        slug="relapse-rates",
        author=author,
        summary="What a relapse rate measures, and what it leaves out.",
        tags=[SeriesFactory(name="ResearchSpeak", slug="researchspeak", description="")],
    )


def head_of(html: str):
    return parse(html).find("head")


def meta(head, **attribute) -> list[str]:
    ((key, value),) = attribute.items()
    return [node.attrs["content"] for node in head.find_all("meta") if node.attrs.get(key) == value]


def links(head, rel: str) -> list[str]:
    return [node.attrs["href"] for node in head.find_all("link") if node.attrs.get("rel") == rel]


def schema(head) -> dict:
    (block,) = [
        node for node in head.find_all("script") if node.attrs.get("type") == "application/ld+json"
    ]
    return json.loads(block.text)


def test_a_post_page_head_carries_description_canonical_open_graph_and_blog_posting(
    client, post, make
):
    first = make("Is the <b>trial</b> open?", name="Ruth")
    reply = make("Yes & it is recruiting.", parent=first, name="Dr Amara Osei's aide")
    make("Held for a moderator.", status=Comment.Status.PENDING, name="Held")

    head = head_of(client.get(post.get_absolute_url(), **UA).text)

    url = f"{SITE}/posts/relapse-rates/"
    assert meta(head, name="description") == [post.summary]
    assert links(head, "canonical") == [url]
    assert meta(head, property="og:type") == ["article"]
    assert meta(head, property="og:title") == ["Relapse rates, explained"]
    assert meta(head, property="og:url") == [url]
    assert meta(head, property="og:description") == [post.summary]
    assert meta(head, property="article:tag") == ["ResearchSpeak"]
    assert meta(head, property="article:author") == [f"{SITE}/authors/amara/"]
    assert meta(head, name="twitter:card") == ["summary"]
    data = schema(head)
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Relapse rates, explained"
    assert data["url"] == url
    assert data["author"] == {
        "@type": "Person",
        "name": "Dr Amara Osei",
        "url": f"{SITE}/authors/amara/",
    }
    published = datetime.datetime.fromisoformat(data["datePublished"])
    assert published == post.published_at.replace(microsecond=0)
    assert data["commentCount"] == 2  # approved only
    (comment,) = data["comment"]  # the reply is nested in the comment it answers
    assert comment["@type"] == "Comment"
    assert comment["url"] == f"{url}#comment-{first.pk}"
    assert comment["author"]["name"] == "Ruth"
    assert comment["text"] == "Is the <b>trial</b> open?"  # the reader's words, as text
    assert [answer["text"] for answer in comment["comment"]] == ["Yes & it is recruiting."]
    assert comment["comment"][0]["url"] == f"{url}#comment-{reply.pk}"
    assert "Held for a moderator." not in json.dumps(data)


def test_without_a_summary_the_description_is_the_first_paragraph_cut_at_a_word(client, author):
    words = "Relapse rates count attacks per patient-year across a whole trial population. " * 4
    post = PostFactory(author=author, summary="", body=f"## Why it matters\n\n{words}\n\nMore.")

    head = head_of(client.get(post.get_absolute_url(), **UA).text)

    (description,) = meta(head, name="description")
    assert description.startswith("Why it matters Relapse rates count attacks per patient-year")
    assert len(description) <= 160 and description.endswith("…")
    assert "More." not in description


def test_the_second_page_of_a_discussion_and_of_a_list_have_their_own_canonical_address(
    client, settings, post, make
):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    settings.POSTS_PER_PAGE = 1
    make("First thread.")
    make("Second thread.")
    PostFactory(author=post.author)

    discussion = head_of(client.get(post.get_absolute_url() + "?cpage=2", **UA).text)
    home = head_of(client.get("/?page=2", **UA).text)
    first = head_of(client.get("/?page=1&utm_source=x", **UA).text)

    assert links(discussion, "canonical") == [f"{SITE}/posts/relapse-rates/?cpage=2"]
    assert meta(discussion, property="og:url") == [f"{SITE}/posts/relapse-rates/?cpage=2"]
    assert links(home, "canonical") == [f"{SITE}/?page=2"]
    assert links(first, "canonical") == [f"{SITE}/"]


def test_lists_have_a_description_and_a_canonical_address(client, post):
    series = post.tags.get()
    profile = post.author.author_profile
    month = post.published_at.astimezone()
    pages = {
        "/": "Research, discussed in the open",
        reverse("blog:series_list"): "The series of posts on Colloquy",
        series.get_absolute_url(): "Posts in the series #ResearchSpeak on Colloquy.",
        profile.get_absolute_url(): "Posts by Dr Amara Osei on Colloquy.",
        reverse("blog:month_archive", args=[month.year, month.month]): "Posts from ",
        reverse("blog:subscribe"): "Follow Colloquy in a feed reader",
    }
    for path, description in pages.items():
        head = head_of(client.get(path, **UA).text)
        (said,) = meta(head, name="description")
        assert said.startswith(description), path
        assert links(head, "canonical") == [SITE + path], path


def test_every_page_has_theme_colours_color_scheme_and_a_touch_icon(client, post):
    head = head_of(client.get(post.get_absolute_url(), **UA).text)

    assert meta(head, name="color-scheme") == ["light dark"]
    assert len(meta(head, name="theme-color")) == 2  # light and dark
    (icon,) = links(head, "apple-touch-icon")
    response = client.get(icon)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_post_page_keeps_its_three_queries_with_the_schema_data(client, post, make):
    make("One.")
    make("Two.", parent=make("Three."))
    client.get(PostFactory(slug="warm-up", author=post.author).get_absolute_url(), **UA)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(post.get_absolute_url(), **UA)

    sql = [q["sql"] for q in queries.captured_queries if "dailyviews" not in q["sql"]]
    # The post; the discussion's shape and its page's texts (read once for head and thread).
    assert len(sql) == 3, sql
    assert schema(head_of(response.text))["commentCount"] == 3


def test_the_host_a_reader_sent_is_nowhere_in_a_page_others_are_served(client, settings, post):
    """Anonymous pages are cached and shared (here and by proxies): an address built from
    one reader's Host header would be served to every other reader."""
    settings.ALLOWED_HOSTS = ["blog.example.org", "evil.example"]
    paths = [
        post.get_absolute_url(),
        "/",
        reverse("blog:subscribe"),
        post.tags.get().get_absolute_url(),
    ]
    for path in paths:
        page = client.get(path, HTTP_HOST="evil.example", **UA).text
        assert "evil.example" not in page, path
        assert SITE in page, path


def test_readers_text_in_the_schema_data_cannot_end_it_or_hide_in_it(client, post, make):
    make("</script><script>alert(1)</script> & more", name="Eve\u202etxt.exe")

    html = client.get(post.get_absolute_url(), **UA).text
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]

    assert "<" not in block and "\u202e" not in block  # written as \u003C and \u202e
    (comment,) = json.loads(block)["comment"]
    assert comment["text"] == "</script><script>alert(1)</script> & more"
    assert comment["author"]["name"] == "Eve\u202etxt.exe"
