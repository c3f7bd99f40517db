"""The post an anonymous reader opens, in one prepared query.

The ORM's way (``Post.objects.published().for_listing().get(slug=…)``) is two queries,
the post with its author and their profile, then the series tags, and about 1.3 ms of CPU
to build and compile before either runs. This is the same rows in one query compiled once
per process (``core.prepared``): the series come along as one JSON column, in the
series' own order (by name, as ``post.tags`` gives them everywhere). The objects
are the ones the ORM would make, with the author, the profile and the series in place,
so the templates read them without a query.

``published_post_by_id`` is the post a comment is posted to, prepared the same way.
"""

import datetime
import functools
import json

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import OuterRef, Subquery, TextField
from django.db.models.functions import Cast, JSONObject
from django.utils import timezone

from core.prepared import Prepared, model_columns

from .models import AuthorProfile, Post, Series, TaggedPost

_STAND_IN_SLUG = "stand-in-slug-7654321"
_STAND_IN_NOW = datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)
_STAND_IN_TYPE = -7_654_321
_STAND_IN_ID = -7_654_321
_SERIES_FIELDS = ("id", "name", "slug", "description")


@functools.cache  # the models' fields: the same for the life of the process
def _post_columns() -> tuple[list[str], list[str], list[str]]:
    return (
        model_columns(Post),
        model_columns(get_user_model(), "author__"),
        model_columns(AuthorProfile, "author__author_profile__"),
    )


def _query(slug: str, now, post_type: int):
    series = (
        TaggedPost.objects.filter(object_id=OuterRef("pk"), content_type_id=post_type)
        .values("object_id")
        .annotate(
            series=JSONBAgg(
                JSONObject(**{name: f"tag__{name}" for name in _SERIES_FIELDS}),
                order_by=[f"tag__{name}" for name in Series._meta.ordering or ()],
            )
        )
        .values("series")
    )
    post, author, profile = _post_columns()
    return (
        Post.objects.published(now=now)
        .filter(slug=slug)
        .annotate(series_json=Cast(Subquery(series), TextField()))
        .values_list(*post, *author, *profile, "series_json")
    )


_POST = Prepared(_query, slug=_STAND_IN_SLUG, now=_STAND_IN_NOW, post_type=_STAND_IN_TYPE)


def published_post(slug: str) -> Post | None:
    """The published post with this slug, as ``Post.objects.published().for_listing()``
    would give it, or None."""
    post_type = ContentType.objects.get_for_model(Post).pk  # cached by Django
    rows = _POST.rows(slug=slug, now=timezone.now(), post_type=post_type)
    if not rows:
        return None
    row = rows[0]
    post_columns, author_columns, profile_columns = _post_columns()
    cut = [len(post_columns), len(author_columns), len(profile_columns)]
    values = iter(row)
    post = _make(Post, post_columns, [next(values) for _ in range(cut[0])])
    author = _make(get_user_model(), author_columns, [next(values) for _ in range(cut[1])])
    profile_values = [next(values) for _ in range(cut[2])]
    profile = None
    if profile_values[0] is not None:  # the author has a profile
        profile = _make(AuthorProfile, profile_columns, profile_values)
        AuthorProfile.user.field.set_cached_value(profile, author)
    AuthorProfile.user.field.remote_field.set_cached_value(author, profile)
    Post.author.field.set_cached_value(post, author)
    found = [
        Series.from_db("default", _SERIES_FIELDS, [one[name] for name in _SERIES_FIELDS])
        for one in json.loads(next(values) or "[]")
    ]
    post._prefetched_objects_cache = {post.tags.prefetch_cache_name: _prefetched(post, found)}
    return post


def _make(model, columns: list[str], values: list):
    names = [column.rpartition("__")[2] for column in columns]
    return model.from_db("default", names, values)


def _prefetched(post: Post, series: list[Series]):
    queryset = post.tags.get_queryset()  # only described, not built (PostSeriesManager)
    queryset._result_cache = series
    queryset._prefetch_done = True
    return queryset


def _by_id(post_id: int, now):
    return Post.objects.published(now=now).filter(pk=post_id).values_list(*_post_columns()[0])


_POST_BY_ID = Prepared(_by_id, post_id=_STAND_IN_ID, now=_STAND_IN_NOW)


def published_post_by_id(post_id: int) -> Post | None:
    """``Post.objects.published().filter(pk=post_id).first()``, compiled once per process:
    every comment posted looks its post up so (building the query cost more than running
    it). The post alone, no author or series."""
    found = _POST_BY_ID.instances(Post, post_id=post_id, now=timezone.now())
    return found[0] if found else None
