"""Querysets compiled once (blog/prepared.py) give the ORM's rows, and refuse what they
cannot do the same way."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, FloatField
from django.db.models.functions import Cast

from blog.models import Post
from blog.prepared import Prepared
from tests.factories import PostFactory


def titles(slug):
    return Post.objects.filter(slug=slug).values_list("id", "title")


def test_rows_are_the_orms_for_each_value(db):
    first, second = PostFactory(title="First"), PostFactory(title="Second")
    prepared = Prepared(titles, slug="stand-in")
    for post in (first, second, first):
        assert prepared.rows(slug=post.slug) == list(titles(post.slug))
    assert prepared.rows(slug="nothing") == []


def test_a_stand_in_missing_from_the_sql_is_refused(db):
    with pytest.raises(ImproperlyConfigured, match="Stand-ins not among"):
        Prepared(lambda slug: Post.objects.values_list("id"), slug="x").rows(slug="y")


def test_rows_needing_the_orms_conversion_are_refused(db):
    def floats(slug):
        return Post.objects.filter(slug=slug).values_list(Cast(F("id"), FloatField()))

    with pytest.raises(ImproperlyConfigured, match="converters"):
        Prepared(floats, slug="x").rows(slug="y")


def test_only_values_list_querysets(db):
    with pytest.raises(ImproperlyConfigured, match="values_list"):
        Prepared(lambda slug: Post.objects.filter(slug=slug), slug="x").rows(slug="y")
