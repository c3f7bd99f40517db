"""factory_boy factories shared by every test module."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from blog.models import AuthorProfile, Post, PostDailyViews, Series
from comments.models import Comment
from comments.services import comment_create_as_is


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Staff comment under their account's name, so every test user has one.
    first_name = factory.LazyAttribute(lambda user: user.username.capitalize())
    last_name = "Example"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AuthorFactory(UserFactory):
    """A staff user in the "Authors" group that the roles migration creates."""

    is_staff = True

    @factory.post_generation
    def in_authors_group(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name="Authors"))


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class AuthorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuthorProfile

    user = factory.SubFactory(UserFactory, is_staff=True)
    display_name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"author-{n}")
    bio = ""


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Series{n}")
    slug = factory.LazyAttribute(lambda series: series.name.lower())
    description = "A series for testing."


class PostFactory(factory.django.DjangoModelFactory):
    """A published post, one day old. Traits: ``draft``, ``scheduled`` (publishes tomorrow).

    ``PostFactory(tags=[series, ...])`` puts the post in those series.
    """

    class Meta:
        model = Post
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Post number {n}")
    author = factory.SubFactory(UserFactory, is_staff=True)
    summary = "A short summary."
    body = "Some *Markdown* text."
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    class Params:
        draft = factory.Trait(status=Post.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
        )

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(list(extracted))


class PostDailyViewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostDailyViews

    post = factory.SubFactory(PostFactory)
    date = factory.LazyFunction(timezone.localdate)
    count = 1


class CommentMaker:
    """Comments stored as they are, a minute apart: make("text", parent=c, status=...)."""

    def __init__(self, post):
        self.post = post
        self.clock = timezone.now() - datetime.timedelta(days=30)

    def __call__(self, body="A comment.", *, parent=None, status=Comment.Status.APPROVED,
                 name="", post=None, quote="", email="", ip="", submitted_at=None,
                 user_agent=""):  # fmt: skip
        self.clock += datetime.timedelta(minutes=1)
        return comment_create_as_is(
            post=post or self.post,
            parent=parent,
            body=body,
            status=status,
            submitted_at=submitted_at or self.clock,
            source="test",
            author_name=name,
            author_email=email,
            quote=quote,
            ip=ip,
            user_agent=user_agent,
        )
