"""Migration blog 0004 tidies the series people made before names lost their "#": the
"##" duplicates merge into the real series, posts and all, and "_1" slugs go."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from blog.models import Post, Series
from tests.factories import PostFactory
from tests.migrations import latest, migrate

BEFORE = [("blog", "0003_scale_indexes")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_hash_and_case_duplicates_and_frees_the_slugs():
    leaves = latest()
    first, second, third = PostFactory(), PostFactory(), PostFactory()
    apps = migrate(BEFORE)
    OldSeries = apps.get_model("blog", "Series")
    OldTaggedPost = apps.get_model("blog", "TaggedPost")
    post_type = ContentType.objects.get_for_model(Post).pk

    def series(name, slug, *posts, description=""):
        made = OldSeries.objects.create(name=name, slug=slug, description=description)
        for post in posts:
            OldTaggedPost.objects.create(tag=made, content_type_id=post_type, object_id=post.pk)
        return made.pk

    # What the author typed, then fixed: "#GenzymeSpeak" came first.
    hashed = series("#GenzymeSpeak", "genzymespeak", first, second)
    real = series("GenzymeSpeak", "genzymespeak_1", second, third, description="For industry.")
    doubled = series("##ResearchSpeak", "researchspeak", first)
    plain = series("ResearchSpeak", "researchspeak_1", third)
    cased = series("MSBlog", "msblog", first, second)
    lower = series("msblog", "msblog_1", third)
    chosen = series("Industry Speak", "industryspeak", first)

    migrate(leaves)

    assert sorted(Series.objects.values_list("name", "slug")) == [
        ("GenzymeSpeak", "genzymespeak"),
        ("Industry Speak", "industryspeak"),  # a slug someone chose stays
        ("MSBlog", "msblog"),
        ("ResearchSpeak", "researchspeak"),
    ]
    genzyme = Series.objects.get(name="GenzymeSpeak")
    assert genzyme.pk == real  # the one typed without "#" is kept
    assert genzyme.description == "For industry."
    assert "genzymespeak_1" in genzyme.former_slugs and "genzymespeak" not in genzyme.former_slugs
    assert not Series.objects.filter(pk=hashed).exists()
    research = Series.objects.get(name="ResearchSpeak")
    assert research.pk == plain and research.former_slugs == ["researchspeak_1"]
    assert not Series.objects.filter(pk=doubled).exists()
    assert Series.objects.get(name="MSBlog").pk == cased  # the one with more posts
    assert not Series.objects.filter(pk=lower).exists()
    assert Series.objects.get(pk=chosen).slug == "industryspeak"
    names = {post.pk: sorted(post.tags.names()) for post in (first, second, third)}
    assert names == {
        first.pk: ["GenzymeSpeak", "Industry Speak", "MSBlog", "ResearchSpeak"],
        second.pk: ["GenzymeSpeak", "MSBlog"],
        third.pk: ["GenzymeSpeak", "MSBlog", "ResearchSpeak"],
    }
    moderators = Group.objects.get(name="Moderators")
    assert moderators.permissions.filter(codename="change_series").exists()
