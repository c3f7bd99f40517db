"""The reader's pages: home, post, series, author, monthly archive, robots.txt and sitemap."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Series
from tests.blog.markup import parse
from tests.blog.sitemap import sitemap_locations
from tests.factories import AuthorProfileFactory, PostFactory, SeriesFactory


def _titles(response) -> list[str]:
    """Post titles listed on a page, in order."""
    articles = parse(response.text).find_all("article", cls="post-summary")
    return [article.find("h2").text for article in articles]


def _at(year, month, day, hour=12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def research_speak(db):
    return SeriesFactory(
        name="ResearchSpeak",
        slug="researchspeak",
        description="Plain-language notes on a new paper.",
    )


@pytest.fixture
def industry_speak(db):
    return SeriesFactory(
        name="Industry Speak",
        slug="industryspeak",
        description="A post for people who work at pharmaceutical companies.",
    )


def test_home_lists_published_posts_newest_first(client, db):
    PostFactory(title="Older", published_at=timezone.now() - datetime.timedelta(days=3))
    PostFactory(title="Newest", published_at=timezone.now() - datetime.timedelta(hours=1))
    PostFactory(title="Middle", published_at=timezone.now() - datetime.timedelta(days=2))

    response = client.get(reverse("blog:post_list"))

    assert response.status_code == 200
    assert _titles(response) == ["Newest", "Middle", "Older"]


def test_home_paginates(client, db, settings):
    settings.POSTS_PER_PAGE = 2
    for day in range(5):
        PostFactory(title=f"Day {day}", published_at=timezone.now() - datetime.timedelta(days=day))

    first = client.get(reverse("blog:post_list"))
    last = client.get(reverse("blog:post_list"), {"page": 3})

    assert _titles(first) == ["Day 0", "Day 1"]
    assert "Page 1 of 3" in parse(first.text).find("nav", cls="pagination").text
    assert _titles(last) == ["Day 4"]
    # A page number past the end shows the last page rather than an error.
    assert _titles(client.get(reverse("blog:post_list"), {"page": 99})) == ["Day 4"]


def _pager(response) -> tuple[str, str | None, str | None]:
    """The pager's "Page …" text and its Newer and Older links (None when absent)."""
    nav = parse(response.text).find("nav", cls="pagination")
    links = {a.attrs["rel"]: a.attrs["href"] for a in nav.find_all("a")}
    return nav.find("span").text, links.get("prev"), links.get("next")


@pytest.mark.parametrize("series", [False, True])
def test_a_long_list_is_paged_without_a_total_and_every_page_is_reached(
    client, research_speak, settings, monkeypatch, series
):
    """Only PAGES_AHEAD pages past the shown one are counted: "Page N" and an Older link
    until the count reaches the end, "Page N of M" from there; Older leads to every post."""
    settings.POSTS_PER_PAGE = 2
    monkeypatch.setattr("core.pagination.PAGES_AHEAD", 1)
    for day in range(9):
        PostFactory(
            title=f"Day {day}",
            tags=[research_speak],
            published_at=timezone.now() - datetime.timedelta(days=day),
        )
    url = research_speak.get_absolute_url() if series else reverse("blog:post_list")

    seen, pagers, query = [], [], ""
    while query is not None:
        response = client.get(url + query)
        seen += _titles(response)
        label, newer, query = _pager(response)
        pagers.append((label, newer))

    assert seen == [f"Day {day}" for day in range(9)]
    assert pagers == [
        ("Page 1", None),
        ("Page 2", "?page=1"),
        ("Page 3", "?page=2"),
        ("Page 4 of 5", "?page=3"),
        ("Page 5 of 5", "?page=4"),
    ]
    # Straight to a page past the end: the last page, its total known.
    assert _titles(client.get(url, {"page": 99})) == ["Day 8"]
    assert _pager(client.get(url, {"page": 99}))[0] == "Page 5 of 5"


def test_a_short_list_says_how_many_pages(client, db, settings):
    settings.POSTS_PER_PAGE = 2
    for day in range(3):
        PostFactory(published_at=timezone.now() - datetime.timedelta(days=day))
    assert _pager(client.get(reverse("blog:post_list")))[0] == "Page 1 of 2"


def test_a_series_page_counts_its_posts_only_a_few_pages_ahead(
    client, research_speak, settings, django_assert_num_queries
):
    """The count is a COUNT over a LIMIT subquery: as cheap for a series of thousands of
    posts as for one of fifty (issue 15)."""
    settings.POSTS_PER_PAGE = 2
    for day in range(14):
        PostFactory(
            tags=[research_speak], published_at=timezone.now() - datetime.timedelta(days=day)
        )
    with django_assert_num_queries(4) as captured:
        response = client.get(research_speak.get_absolute_url(), {"page": 2})
    counts = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"]]
    assert len(counts) == 1
    assert "LIMIT 13" in counts[0]  # (2 + PAGES_AHEAD) pages of 2, and one more
    assert _pager(response)[0] == "Page 2"


def test_home_of_an_empty_blog(client, db):
    response = client.get(reverse("blog:post_list"))
    assert response.status_code == 200
    assert "No posts yet." in parse(response.text).find("main").text


# Series


def test_series_page_shows_hashtag_description_and_only_its_published_posts(
    client, research_speak, industry_speak
):
    PostFactory(title="In the series", tags=[research_speak])
    PostFactory(title="In both series", tags=[research_speak, industry_speak])
    PostFactory(title="Other series", tags=[industry_speak])
    PostFactory(title="No series")
    PostFactory(title="Draft in the series", tags=[research_speak], draft=True)

    response = client.get(reverse("blog:series", kwargs={"slug": "researchspeak"}))

    assert response.status_code == 200
    page = parse(response.text)
    header = page.find("header", cls="page-header")
    assert header.find("h1").text == "#ResearchSpeak"
    assert header.find("p", cls="lead").text == "Plain-language notes on a new paper."
    assert sorted(_titles(response)) == ["In both series", "In the series"]
    assert page.find("title").text.startswith("#ResearchSpeak")


def test_series_hashtag_drops_spaces(client, industry_speak):
    response = client.get(industry_speak.get_absolute_url())
    assert parse(response.text).find("h1").text == "#IndustrySpeak"


def test_series_without_posts(client, research_speak):
    response = client.get(research_speak.get_absolute_url())
    assert response.status_code == 200
    assert "No posts in this series yet." in parse(response.text).find("main").text


def test_unknown_series_is_404(client, db):
    assert client.get(reverse("blog:series", kwargs={"slug": "nope"})).status_code == 404


def test_series_list_shows_every_series_with_its_description(
    client, research_speak, industry_speak
):
    # Series with a published post (issue 23: empty ones are not listed).
    PostFactory(title="In both", tags=[research_speak, industry_speak])
    response = client.get(reverse("blog:series_list"))

    assert response.status_code == 200
    entries = parse(response.text).find("dl", cls="series-list")
    hashtags = [(a.text, a.attrs["href"]) for a in entries.find_all("a", cls="hashtag")]
    assert hashtags == [
        ("#IndustrySpeak", "/series/industryspeak/"),
        ("#ResearchSpeak", "/series/researchspeak/"),
    ]
    descriptions = [dd.text for dd in entries.find_all("dd")]
    assert descriptions == [industry_speak.description, research_speak.description]


def test_series_list_when_there_are_none(client, db):
    response = client.get(reverse("blog:series_list"))
    assert response.status_code == 200
    main = parse(response.text).find("main")
    assert "No series yet." in main.text
    assert not main.find_all("dl")


def test_series_with_a_non_ascii_name_has_working_pages(client, db):
    """taggit keeps accents in slugs; the series' URLs must still resolve both ways."""
    series = Series.objects.create(name="Études", description="En français.")
    post = PostFactory(title="Bonjour", tags=[series])

    assert series.slug == "études"
    for url in [
        reverse("blog:post_list"),
        post.get_absolute_url(),
        series.get_absolute_url(),
        reverse("blog:series_feed", kwargs={"slug": series.slug}),
        reverse("blog:series_list"),
        "/sitemap.xml",
    ]:
        assert client.get(url).status_code == 200, url
    assert parse(client.get(series.get_absolute_url()).text).find("h1").text == "#Études"


def test_series_named_without_letters_still_gets_a_url(client, db):
    series = Series.objects.create(name="!!!")
    assert series.slug
    assert client.get(series.get_absolute_url()).status_code == 200


# Post page


def test_post_page_shows_hashtags_series_descriptions_and_declarations(
    client, author, research_speak, industry_speak
):
    post = PostFactory(
        title="Why we publish our negative results",
        author=author,
        tags=[research_speak, industry_speak],
        competing_interests="multiple",
        postscript="Thanks to the readers who asked.",
    )

    response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    page = parse(response.text)
    article = page.find("article", cls="post")
    assert article.find("h1").text == "Why we publish our negative results"
    meta = article.find("p", cls="post-meta")
    assert {(a.text, a.attrs["href"]) for a in meta.find_all("a", cls="hashtag")} == {
        ("#ResearchSpeak", "/series/researchspeak/"),
        ("#IndustrySpeak", "/series/industryspeak/"),
    }
    assert meta.find("a", rel="author").text == "Dr Amara Osei"
    notes = [li.text for li in article.find("ul", cls="series-notes").find_all("li")]
    assert sorted(notes) == [
        "#IndustrySpeak A post for people who work at pharmaceutical companies.",
        "#ResearchSpeak Plain-language notes on a new paper.",
    ]
    assert article.find("p", cls="coi").text == "Competing interests: multiple"
    assert "Thanks to the readers who asked." in article.find("aside", cls="postscript").text


def test_post_page_without_declarations(client, db):
    post = PostFactory(competing_interests="", postscript="")
    article = parse(client.get(post.get_absolute_url()).text).find("article", cls="post")
    assert article.find("p", cls="coi").text == "Competing interests: none declared"
    assert not article.find_all("aside", cls="postscript")
    assert not article.find_all("ul", cls="series-notes")


def test_post_page_renders_the_markdown_body(client, db):
    post = PostFactory(body="A *relapse rate* is [a number](https://example.org/rates).")
    body = parse(client.get(post.get_absolute_url()).text).find("div", cls="post-body")
    assert body.find("em").text == "relapse rate"
    assert body.find("a").attrs["href"] == "https://example.org/rates"


def test_post_without_author_profile_shows_username(client, db):
    post = PostFactory(author__username="ghostwriter")
    meta = parse(client.get(post.get_absolute_url()).text).find("p", cls="post-meta")
    assert "ghostwriter" in meta.text
    assert not meta.find_all("a", rel="author")


def test_posts_get_unique_slugs_from_their_titles(db):
    first = PostFactory(title="An update")
    second = PostFactory(title="An update")
    untitled = PostFactory(title="日本語")

    assert first.slug == "an-update"
    assert second.slug == "an-update-2"
    assert untitled.slug == "post"
    assert untitled.get_absolute_url() == "/posts/post/"


# Author page


def test_author_page_shows_bio_and_only_their_published_posts(client, author, other_author):
    author.author_profile.bio = "Neurologist; runs the relapse clinic."
    author.author_profile.save()
    PostFactory(title="Mine", author=author)
    PostFactory(title="Mine too", author=author)
    PostFactory(title="My draft", author=author, draft=True)
    PostFactory(title="Someone else's", author=other_author)

    response = client.get(reverse("blog:author", kwargs={"slug": "amara"}))

    assert response.status_code == 200
    header = parse(response.text).find("header", cls="page-header")
    assert header.find("h1").text == "Dr Amara Osei"
    assert header.find("p", cls="lead").text == "Neurologist; runs the relapse clinic."
    assert sorted(_titles(response)) == ["Mine", "Mine too"]


def test_author_page_links_from_post(client, db):
    profile = AuthorProfileFactory(display_name="Tomás Reyes", slug="tomas")
    post = PostFactory(author=profile.user)
    meta = parse(client.get(post.get_absolute_url()).text).find("p", cls="post-meta")
    assert meta.find("a", rel="author").attrs["href"] == "/authors/tomas/"


def test_unknown_author_is_404(client, db):
    assert client.get(reverse("blog:author", kwargs={"slug": "nobody"})).status_code == 404


# Monthly archive


def test_month_archive_lists_only_that_months_posts(client, db):
    PostFactory(title="Start of March", published_at=_at(2025, 3, 1, 0))
    PostFactory(title="End of March", published_at=_at(2025, 3, 31, 23))
    PostFactory(title="February", published_at=_at(2025, 2, 28, 23))
    PostFactory(title="April", published_at=_at(2025, 4, 1, 0))
    PostFactory(title="March a year later", published_at=_at(2026, 3, 15))

    response = client.get(reverse("blog:month_archive", kwargs={"year": 2025, "month": 3}))

    assert response.status_code == 200
    page = parse(response.text)
    assert page.find("h1").text == "Posts from March 2025"
    assert page.find("title").text == "Posts from March 2025 · Colloquy"
    assert _titles(response) == ["End of March", "Start of March"]


def test_month_archive_uses_the_sites_time_zone(client, db, settings):
    # 00:30 on 1 April in London is still 31 March in UTC: the post belongs to April.
    settings.TIME_ZONE = "Europe/London"
    PostFactory(title="Just after midnight", published_at=_at(2025, 4, 1, 0).replace(minute=30))

    march = client.get(reverse("blog:month_archive", kwargs={"year": 2025, "month": 3}))
    april = client.get(reverse("blog:month_archive", kwargs={"year": 2025, "month": 4}))

    assert _titles(march) == []
    assert _titles(april) == ["Just after midnight"]


def test_december_archive_ends_with_the_year(client, db):
    PostFactory(title="New Year's Eve", published_at=_at(2024, 12, 31, 23))
    PostFactory(title="New Year's Day", published_at=_at(2025, 1, 1, 0))

    december = client.get(reverse("blog:month_archive", kwargs={"year": 2024, "month": 12}))
    january = client.get(reverse("blog:month_archive", kwargs={"year": 2025, "month": 1}))

    assert _titles(december) == ["New Year's Eve"]
    assert _titles(january) == ["New Year's Day"]


def test_archive_navigation_lists_months_with_published_posts(client, db):
    PostFactory(published_at=_at(2025, 3, 10))
    PostFactory(published_at=_at(2025, 3, 12))
    PostFactory(published_at=_at(2024, 11, 5))
    PostFactory(draft=True)
    PostFactory(published_at=timezone.now() + datetime.timedelta(days=400))

    nav = parse(client.get(reverse("blog:post_list")).text).find("aside", cls="archive")

    assert [(a.text, a.attrs["href"]) for a in nav.find_all("a")] == [
        ("March 2025", "/archive/2025/3/"),
        ("November 2024", "/archive/2024/11/"),
    ]


def test_empty_month_is_a_page_not_an_error(client, db):
    response = client.get(reverse("blog:month_archive", kwargs={"year": 2020, "month": 1}))
    assert response.status_code == 200
    assert "No posts in this month." in parse(response.text).find("main").text


@pytest.mark.parametrize("path", ["/archive/2025/13/", "/archive/2025/0/", "/archive/0/5/",
                                  "/archive/10000/1/", "/archive/2025/march/"])  # fmt: skip
def test_invalid_month_is_404(client, db, path):
    assert client.get(path).status_code == 404


# robots.txt and sitemap


def test_robots_txt_disallows_admin_and_names_the_sitemap(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_sitemap_lists_published_posts_and_their_series_only(client, research_speak):
    published = PostFactory(tags=[research_speak])
    draft = PostFactory(draft=True)
    scheduled = PostFactory(scheduled=True)
    SeriesFactory(name="OnlyDrafts", slug="onlydrafts")
    draft.tags.add(Series.objects.get(slug="onlydrafts"))

    locations = set(sitemap_locations(client))

    assert locations == {
        "http://testserver" + published.get_absolute_url(),
        "http://testserver/series/researchspeak/",
    }
    assert "http://testserver" + draft.get_absolute_url() not in locations
    assert "http://testserver" + scheduled.get_absolute_url() not in locations


# Text from authors is text, not markup


def test_series_description_author_bio_and_titles_are_escaped(client, db):
    series = SeriesFactory(name="Evil", slug="evil", description="<script>alert('d')</script>")
    profile = AuthorProfileFactory(slug="mallory", bio="<img src=x onerror=alert('b')>")
    post = PostFactory(
        title="<b>Bold</b> title",
        summary="<script>alert('s')</script>",
        author=profile.user,
        tags=[series],
        competing_interests="<i>none</i>",
    )

    for url in [
        reverse("blog:post_list"),
        post.get_absolute_url(),
        series.get_absolute_url(),
        reverse("blog:series_list"),
        profile.get_absolute_url(),
    ]:
        response = client.get(url)
        page = parse(response.text)
        scripts = page.find_all("script")
        # schema.org data is the one script with text: data (never run), with every "<"
        # of the author's text escaped so it cannot end the element.
        assert not [
            s for s in scripts if s.text and s.attrs.get("type") != "application/ld+json"
        ], url
        assert not [s for s in scripts if "<" in s.text], url
        assert not page.find_all("img"), url
        assert not page.find("main").find_all("b"), url
    post_page = parse(client.get(post.get_absolute_url()).text)
    assert post_page.find("h1").text == "<b>Bold</b> title"
    assert "<script>alert('d')</script>" in post_page.find("ul", cls="series-notes").text
    assert post_page.find("p", cls="coi").text == "Competing interests: <i>none</i>"


# Query budgets: listing pages stay flat however many posts they show


@pytest.mark.parametrize(
    "url",
    ["/", "/series/researchspeak/", "/authors/amara/", "/archive/2025/3/", "/search/?q=trial"],
)
def test_listing_pages_use_a_constant_number_of_queries(
    client, author, research_speak, industry_speak, url, django_assert_max_num_queries
):
    for day in range(10):
        PostFactory(
            author=author,
            body="trial",
            tags=[research_speak, industry_speak],
            published_at=_at(2025, 3, day + 1),
        )
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200
