"""Querysets compiled once (core/prepared.py) give the ORM's rows and objects, and refuse
what they cannot do the same way."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, FloatField, Max
from django.db.models.functions import Cast

from blog.models import Post
from core.prepared import Prepared, model_columns
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


def test_columns_the_orm_converts_are_converted_as_it_would(db):
    post = PostFactory(title="First")
    PostFactory(title="Second")

    def counted(slug):
        # A count (int()) and a cast to float: each comes back as the ORM gives it.
        return (
            Post.objects.filter(slug=slug)
            .values("status")
            .annotate(n=Count("id"), f=Cast(Max("id"), FloatField()))
            .values_list("n", "f")
        )

    rows = Prepared(counted, slug="x").rows(slug=post.slug)
    assert rows == list(counted(post.slug)) == [(1, float(post.pk))]
    assert type(rows[0][0]) is int and type(rows[0][1]) is float


def test_instances_are_the_orms_with_every_stored_column(db):
    post = PostFactory(title="First")

    def by_id(pk):
        return Post.objects.filter(pk=pk).values_list(*model_columns(Post))

    [found] = Prepared(by_id, pk=-1).instances(Post, pk=post.pk)
    expected = Post.objects.get(pk=post.pk)
    assert found == expected and not found._state.adding
    assert found.get_deferred_fields() == {"search_vector"}  # generated: for no page
    for column in model_columns(Post):
        assert getattr(found, column) == getattr(expected, column)


def test_only_values_list_querysets(db):
    with pytest.raises(ImproperlyConfigured, match="values_list"):
        Prepared(lambda slug: Post.objects.filter(slug=slug), slug="x").rows(slug="y")
