"""factory_boy factories shared by every test module."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from blog.models import AuthorProfile, Post, Series


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AuthorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuthorProfile

    user = factory.SubFactory(UserFactory, is_staff=True)
    display_name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"author-{n}")


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Series{n}")
    slug = factory.LazyAttribute(lambda series: series.name.lower())
    description = "A series for testing."


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"Post number {n}")
    author = factory.SubFactory(UserFactory, is_staff=True)
    summary = "A short summary."
    body = "Some *Markdown* text."
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))
