"""Search ranks only the newest matches, so a word in every post costs what a rare word
costs (issue 15): the best of the newest ``SEARCH_CANDIDATES``, and the page says so."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from blog import views
from tests.blog.markup import parse
from tests.factories import PostFactory


def _search(client, terms):
    response = client.get(reverse("blog:search"), {"q": terms})
    assert response.status_code == 200
    return response


def _titles(response) -> list[str]:
    posts = parse(response.text).find_all("ol", cls="search-results")[0]  # then comments'
    return [article.find("h2").text for article in posts.find_all("article")]


def _status(response) -> str:
    return parse(response.text).find("p", role="status").text


def _posts_days_ago(*titles_and_days):
    now = timezone.now()
    for title, days in titles_and_days:
        PostFactory(title=title, body="A trial.", published_at=now - datetime.timedelta(days=days))


@pytest.mark.parametrize("probe", [100, 2], ids=["picked from the probe", "walk by date"])
def test_a_common_word_ranks_the_newest_matches_only(client, db, monkeypatch, probe):
    monkeypatch.setattr(views, "SEARCH_CANDIDATES", 3)
    monkeypatch.setattr(views, "SEARCH_PROBE", probe)  # both ways give the same newest
    _posts_days_ago(("Trial, trial, trial", 40), ("Newest", 1), ("Trial news", 2), ("Older", 3))

    response = _search(client, "trial")

    # The best match of all is older than the newest three: it is not ranked.
    assert _titles(response) == ["Trial news", "Newest", "Older"]
    assert _status(response) == "The newest 3 posts found, best matches first"


def test_fewer_matches_than_the_cap_are_all_ranked_and_counted(client, db, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_CANDIDATES", 3)
    _posts_days_ago(("Trial, trial, trial", 40), ("Newest", 1))

    response = _search(client, "trial")

    assert _titles(response) == ["Trial, trial, trial", "Newest"]
    assert _status(response) == "2 posts found"


def test_search_takes_the_same_queries_for_few_and_many_matches(
    client, db, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(views, "SEARCH_CANDIDATES", 3)
    monkeypatch.setattr(views, "SEARCH_PROBE", 6)  # past 6 matches: the walk by date
    _posts_days_ago(("First trial", 1), ("Second trial", 2))
    # The posts' probe, count, page, series; the comments' probe (none match: no more).
    with django_assert_num_queries(5) as few:
        _search(client, "trial")
    _posts_days_ago(*[(f"Trial {n}", 10 + n) for n in range(10)])

    with django_assert_num_queries(len(few)):
        _search(client, "trial")
