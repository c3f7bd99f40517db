"""Comment search ranks only the newest matching comments (issue 15): a word in most of a
million comments costs what a rare word costs."""

import datetime

import pytest
from django.contrib.postgres.search import SearchQuery
from django.utils import timezone

from blog import views
from comments.models import Comment
from comments.search import search_comments
from tests.plans import plan


def test_comment_search_ranks_only_the_newest_matches(make, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_CANDIDATES", 2)
    start = timezone.now() - datetime.timedelta(days=3)
    at = [start + datetime.timedelta(hours=hours) for hours in range(3)]
    make("Fatigue, fatigue, fatigue: fatigue.", name="Oldest, best match", submitted_at=at[0])
    make("Some fatigue after the infusion.", name="Middle", submitted_at=at[1])
    make("Fatigue was mild.", name="Newest", submitted_at=at[2])

    labels = sorted(hit.label for hit in search_comments("fatigue"))

    assert labels == ["Middle", "Newest"]


@pytest.mark.parametrize("probe", [100, 4], ids=["picked from the probe", "walk by date"])
def test_held_comments_newer_than_the_matches_change_nothing(make, monkeypatch, probe):
    monkeypatch.setattr(views, "SEARCH_CANDIDATES", 2)
    monkeypatch.setattr(views, "SEARCH_PROBE", probe)
    start = timezone.now() - datetime.timedelta(days=3)
    for hours, name in enumerate(["Oldest", "Old", "Middle", "Newer", "Newest"]):
        make("Fatigue was mild.", name=name, submitted_at=start + datetime.timedelta(hours=hours))
    for minutes in range(5):  # a spam wave, newer than every match
        make("Fatigue pills.", status=Comment.Status.PENDING,
             submitted_at=start + datetime.timedelta(days=1, minutes=minutes))  # fmt: skip

    assert sorted(hit.label for hit in search_comments("fatigue")) == ["Newer", "Newest"]


def test_the_probe_sends_back_only_the_newest_ids_and_how_many_it_read(make, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_CANDIDATES", 2)
    monkeypatch.setattr(views, "SEARCH_PROBE", 5)
    start = timezone.now() - datetime.timedelta(days=3)
    made = [
        make("Fatigue.", submitted_at=start + datetime.timedelta(hours=hours)) for hours in range(4)
    ]
    matching = Comment.objects.visible().filter(search_vector=SearchQuery("fatigue"))

    assert views._probe(matching, "-submitted_at") == ([made[3].pk, made[2].pk], 4)
    assert views._probe(matching, "submitted_at") == ([made[0].pk, made[1].pk], 4)
    for hours in range(4, 8):
        make("Fatigue.", submitted_at=start + datetime.timedelta(hours=hours))
    assert views._probe(matching, "-submitted_at")[1] == 6  # SEARCH_PROBE + 1: "more"


def test_the_walk_by_date_reads_the_approved_comments_index(make):
    make("Fatigue.")
    walk = (
        Comment.objects.visible()
        .filter(search_vector=SearchQuery("fatigue"))
        .order_by("-submitted_at", "-pk")
        .values("pk")[:200]
    )
    sql, params = walk.query.sql_with_params()
    explained = plan(
        sql, params, table="comments_comment", keep="comment_approved_newest",
        drop_on=("status", "submitted_at"),
    )  # fmt: skip
    assert "Index Scan Backward using comment_approved_newest" in explained
