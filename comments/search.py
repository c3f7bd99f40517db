"""Search over approved comments, for the site's search page.

``search_comments`` is registered with ``blog.discussion`` (comments/apps.py); blog's search
view calls it there (blog imports nothing from comments). Only approved comments on published
posts are searched, and only the newest ``blog.views.SEARCH_CANDIDATES`` matches ranked (a
common word among a million comments costs what a rare one does); each hit comes with a
highlighted snippet, the writer's label (as the post page gives it) and the comment's
permalink.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F
from django.utils.safestring import SafeString

from blog.models import Post
from blog.views import (
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
    _headline_source,
    highlight,
    newest_matches,
)

from .models import Comment
from .thread import labels_for_post

MAX_HITS = 20


@dataclass
class CommentHit:
    label: str
    role: str
    post_title: str
    url: str
    snippet_html: SafeString
    submitted_at: object


def search_comments(terms: str, *, limit: int = MAX_HITS) -> list[CommentHit]:
    query = SearchQuery(terms, search_type="websearch", config="english")
    searched = Comment.objects.visible().filter(post__in=Post.objects.published())
    found = list(
        Comment.objects.filter(pk__in=newest_matches(searched, query, newest="-submitted_at"))
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            snippet=SearchHeadline(
                _headline_source("body"),
                query,
                config="english",
                start_sel=HIGHLIGHT_START,
                stop_sel=HIGHLIGHT_STOP,
                max_words=30,
                min_words=12,
            ),
        )
        .select_related("post")
        .only("pk", "author_name", "role", "submitted_at", "post__title", "post__slug")
        .order_by("-rank", "-submitted_at")[:limit]
    )
    labels: dict[int, dict[int, str]] = {}
    hits = []
    for comment in found:
        label = comment.author_name
        if not label:
            if comment.post_id not in labels:
                labels[comment.post_id] = labels_for_post(comment.post_id)
            label = labels[comment.post_id].get(comment.pk, comment.display_name)
        hits.append(
            CommentHit(
                label=label,
                role=comment.role,
                post_title=comment.post.title,
                url=comment.get_absolute_url(),
                snippet_html=highlight(comment.snippet),
                submitted_at=comment.submitted_at,
            )
        )
    return hits
