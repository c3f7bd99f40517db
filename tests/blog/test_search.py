"""Full-text search: PostgreSQL ranking, websearch syntax, highlighted and escaped snippets."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.blog.markup import parse
from tests.factories import PostFactory

FILLER = "Patients and clinicians discuss the evidence at length in clinic every week."


def _search(client, terms, **params):
    response = client.get(reverse("blog:search"), {"q": terms, **params})
    assert response.status_code == 200
    return response


def _results(response) -> list[str]:
    results = parse(response.text).find_all("ol", cls="search-results")
    if not results:
        return []
    return [article.find("h2").text for article in results[0].find_all("article")]


def _snippets(response) -> list:
    return parse(response.text).find_all("p", cls="snippet")


def test_title_match_ranks_above_body_only_match(client, db):
    # The body-only post is newer and mentions the term more often: rank, not date, wins.
    PostFactory(title="Notes from clinic", body=f"{FILLER} Fatigue, fatigue and fatigue.")
    PostFactory(
        title="Fatigue after exercise",
        body=FILLER,
        published_at=timezone.now() - datetime.timedelta(days=30),
    )

    assert _results(_search(client, "fatigue")) == ["Fatigue after exercise", "Notes from clinic"]


def test_summary_match_ranks_between_title_and_body(client, db):
    PostFactory(title="Body", summary="Nothing here.", body=f"{FILLER} biosimilar")
    PostFactory(title="Summary", summary="All about a biosimilar.", body=FILLER)
    PostFactory(title="Biosimilar title", summary="Nothing here.", body=FILLER)

    assert _results(_search(client, "biosimilar")) == ["Biosimilar title", "Summary", "Body"]


def test_search_stems_english_words(client, db):
    PostFactory(title="Relapses", body="We counted relapses over two years.")
    assert _results(_search(client, "relapse")) == ["Relapses"]
    assert _results(_search(client, "relapsing")) == ["Relapses"]


def test_websearch_syntax_phrases_or_and_exclusion(client, db):
    PostFactory(title="Forest", body="How to read a forest plot in five minutes.")
    PostFactory(title="Plot", body="The plot of the forest thickens.")
    PostFactory(title="Trial", body="The trial reported in spring.")

    assert _results(_search(client, '"forest plot"')) == ["Forest"]
    assert sorted(_results(_search(client, "forest -thickens"))) == ["Forest"]
    assert sorted(_results(_search(client, "thickens or trial"))) == ["Plot", "Trial"]
    assert sorted(_results(_search(client, "forest plot"))) == ["Forest", "Plot"]


def test_snippet_highlights_matches_with_mark(client, db):
    PostFactory(title="Atrophy", body=f"{FILLER} Brain atrophy is measured on MRI. {FILLER}")

    snippet = _snippets(_search(client, "atrophy"))[0]

    assert [mark.text for mark in snippet.find_all("mark")] == ["atrophy"]
    assert "atrophy is measured on MRI" in snippet.text


def test_snippet_quotes_rendered_text_not_markdown(client, db):
    PostFactory(body="The **atrophy** measure, see [the paper](https://example.org/paper).")

    snippet = _snippets(_search(client, "atrophy"))[0]

    assert "**" not in snippet.text
    assert "https://example.org" not in snippet.text
    assert "the paper" in snippet.text


def test_html_in_a_post_body_is_escaped_and_kept_in_the_snippet(client, db):
    PostFactory(
        title="Markup",
        body="Use the `<details>` element; never <script>alert('boom')</script> in atrophy posts.",
    )

    response = _search(client, "atrophy")

    snippet_html = response.text.split('<p class="snippet">', 1)[1].split("</p>", 1)[0]
    assert "<script" not in snippet_html
    assert "<details>" not in snippet_html
    assert "&lt;details&gt;" in snippet_html
    assert "&lt;script&gt;alert(" in snippet_html
    assert "<mark>atrophy</mark>" in snippet_html
    assert _snippets(response)[0].text.startswith("Use the <details> element; never <script>")


@pytest.mark.parametrize(
    "terms", ['<script>alert("q")</script>', '"><img src=x onerror=alert(1)>', "<b>relapse</b>"]
)
def test_html_in_the_query_is_escaped_everywhere_it_is_echoed(client, db, terms):
    PostFactory(title="Relapse", body="Relapse rates over time.")

    response = _search(client, terms)

    assert terms not in response.content.decode()
    page = parse(response.text)
    assert page.find("h1").text == f"Results for “{terms}”"
    assert page.find("input", name="q").attrs["value"] == terms
    # Only our own static scripts, none made of the query.
    assert all(
        script.attrs.get("src", "").startswith("/static/") and not script.children
        for script in page.find_all("script")
    )
    assert not page.find_all("img")


def test_highlight_markers_in_a_post_cannot_forge_markup(client, db):
    # Search marks matches with two control characters; a post containing them must not
    # open a <mark> it never closes.
    PostFactory(body="Atrophy \x02 unbalanced and \x03 stray markers.")
    snippet_html = _search(client, "atrophy").text.split('<p class="snippet">', 1)[1]
    snippet_html = snippet_html.split("</p>", 1)[0]
    assert snippet_html.count("<mark>") == snippet_html.count("</mark>") == 1


def test_drafts_and_scheduled_posts_never_match(client, db):
    PostFactory(title="Published cladribine", body="cladribine")
    PostFactory(title="Draft cladribine", body="cladribine", draft=True)
    PostFactory(title="Scheduled cladribine", body="cladribine", scheduled=True)

    response = _search(client, "cladribine")

    assert _results(response) == ["Published cladribine"]
    assert parse(response.text).find("p", role="status").text == "1 post found"


def test_no_match(client, db):
    PostFactory(title="Relapse")
    response = _search(client, "ocrelizumab")
    assert _results(response) == []
    assert parse(response.text).find("p", role="status").text == "0 posts found"


@pytest.mark.parametrize("terms", ["", "   ", "the", '"', "-", "'&|!:*()"])
def test_empty_or_odd_queries_do_not_fail(client, db, terms):
    PostFactory(title="Relapse")
    response = _search(client, terms)
    assert _results(response) == []


def test_search_results_paginate_and_keep_the_query(client, db, settings):
    settings.POSTS_PER_PAGE = 2
    for number in range(3):
        PostFactory(title=f"Trial {number}", body="trial")

    first = _search(client, "trial")
    second = _search(client, "trial", page=2)

    assert len(_results(first)) == 2
    assert len(_results(second)) == 1
    next_link = parse(first.text).find("a", rel="next").attrs["href"]
    assert next_link == "?q=trial&page=2"


def test_search_page_is_not_indexed(client, db):
    meta = parse(_search(client, "anything").text).find("meta", name="robots")
    assert meta.attrs["content"] == "noindex"


def test_search_runs_a_bounded_number_of_queries(client, db, django_assert_max_num_queries):
    for number in range(8):
        PostFactory(title=f"Trial {number}", body="trial")
    with django_assert_max_num_queries(6):
        _search(client, "trial")
