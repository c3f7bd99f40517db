"""Comment search ranks only the newest matching comments (issue 15): a word in most of a
million comments costs what a rare word costs."""

import datetime

from django.utils import timezone

from blog import views
from comments.search import search_comments


def test_comment_search_ranks_only_the_newest_matches(make, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_CANDIDATES", 2)
    start = timezone.now() - datetime.timedelta(days=3)
    at = [start + datetime.timedelta(hours=hours) for hours in range(3)]
    make("Fatigue, fatigue, fatigue: fatigue.", name="Oldest, best match", submitted_at=at[0])
    make("Some fatigue after the infusion.", name="Middle", submitted_at=at[1])
    make("Fatigue was mild.", name="Newest", submitted_at=at[2])

    labels = sorted(hit.label for hit in search_comments("fatigue"))

    assert labels == ["Middle", "Newest"]
