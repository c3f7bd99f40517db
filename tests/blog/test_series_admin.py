"""Issue 23: moderators (and authors, for series only their posts use) rename and merge
series in the admin; a merge moves the posts and deletes the merged series
(``blog.series.series_merge``)."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from blog.models import Series
from blog.series import series_merge
from tests.blog.markup import parse
from tests.factories import PostFactory, UserFactory

CHANGELIST = reverse("admin:blog_series_changelist")


def change_url(series) -> str:
    return reverse("admin:blog_series_change", args=[series.pk])


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mod", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def messy(author, other_author):
    """What the issue found: a "##" duplicate beside the real series, and an old one."""
    real = Series.objects.create(name="ResearchSpeak", description="Plain-language notes.")
    # Made before names lost their "#" (the migration tidies such rows; here, made as-is).
    Series.objects.filter(pk=real.pk).update(slug="researchspeak_1")
    copy = Series.objects.create(name="Research Speak", slug="researchspeak")
    mine, shared = PostFactory(author=author, tags=[real]), PostFactory(author=author)
    shared.tags.set([real, copy])
    theirs = PostFactory(author=other_author, tags=[copy])
    return {"real": real, "copy": copy, "mine": mine, "shared": shared, "theirs": theirs}


def merge(client, chosen, into=None):
    data = {"action": "merge_series", "_selected_action": [s.pk for s in chosen]}
    if into is not None:
        data["into"] = into.pk
    return client.post(CHANGELIST, data)


def test_a_moderator_merges_two_series_from_the_list(client, moderator, messy):
    client.force_login(moderator)
    question = merge(client, [messy["real"], messy["copy"]])
    assert question.status_code == 200
    choices = parse(question.text).find_all("input", type="radio", name="into")
    assert {int(choice.attrs["value"]) for choice in choices} == {
        messy["real"].pk,
        messy["copy"].pk,
    }
    done = merge(client, [messy["real"], messy["copy"]], into=messy["real"])
    assert done.status_code == 302
    kept = Series.objects.get()
    assert (kept.pk, kept.name, kept.description) == (
        messy["real"].pk,
        "ResearchSpeak",
        "Plain-language notes.",
    )
    # The plain slug was the merged series'; the survivor takes it, "_1" is gone.
    assert kept.slug == "researchspeak"
    assert "researchspeak_1" in kept.former_slugs
    for post in (messy["mine"], messy["shared"], messy["theirs"]):
        assert list(post.tags.names()) == ["ResearchSpeak"]
    assert client.get("/series/researchspeak_1/")["Location"] == "/series/researchspeak/"
    followed = client.get(CHANGELIST, follow=True).text
    assert "Merged “Research Speak” into #ResearchSpeak: its posts moved" in followed


def test_a_moderator_renames_a_series_and_its_slug_follows(client, moderator, messy):
    client.force_login(moderator)
    response = client.post(
        change_url(messy["copy"]), {"name": "#IndustrySpeak", "description": "For industry."}
    )
    assert response.status_code == 302
    renamed = Series.objects.get(pk=messy["copy"].pk)
    assert (renamed.name, renamed.slug) == ("IndustrySpeak", "industryspeak")
    assert renamed.former_slugs == ["researchspeak"]


def test_a_rename_onto_another_series_name_says_to_merge(client, moderator, messy):
    client.force_login(moderator)
    response = client.post(change_url(messy["copy"]), {"name": "#researchspeak"})
    assert response.status_code == 200
    assert "There is already a series #ResearchSpeak: merge into it instead." in response.text
    assert Series.objects.get(pk=messy["copy"].pk).name == "Research Speak"


def test_an_author_manages_only_series_that_only_their_posts_use(client, author, messy):
    client.force_login(author)
    # "copy" is on another author's post: not theirs to rename or merge.
    assert client.get(change_url(messy["copy"])).status_code == 200  # may look
    refused = client.post(change_url(messy["copy"]), {"name": "Mine now"})
    assert refused.status_code == 403
    merge(client, [messy["real"], messy["copy"]], into=messy["real"])
    assert Series.objects.count() == 2
    # "real" is on their posts only: theirs to rename.
    renamed = client.post(change_url(messy["real"]), {"name": "ResearchNotes"})
    assert renamed.status_code == 302
    assert Series.objects.get(pk=messy["real"].pk).slug == "researchnotes"


def test_merging_is_a_service_with_a_permission(author, other_author, messy):
    with pytest.raises(PermissionDenied):
        series_merge(merged=[messy["copy"]], into=messy["real"], actor=author)
    own = Series.objects.create(name="AmaraNotes")
    PostFactory(author=author, tags=[own])
    kept = series_merge(merged=[own], into=messy["real"], actor=author)
    assert kept == messy["real"]
    assert not Series.objects.filter(name="AmaraNotes").exists()


def test_staff_without_a_role_may_not_manage_series(client, messy):
    clerk = UserFactory(username="clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get(change_url(messy["real"])).status_code == 403


def test_a_rename_retires_the_cached_pages_of_its_posts(
    client, moderator, messy, django_capture_on_commit_callbacks, settings
):
    settings.POST_PAGE_CACHE_SECONDS = 300  # the shared page cache, on as in production
    page = client.get(messy["theirs"].get_absolute_url()).text
    assert "#ResearchSpeak" in page  # "Research Speak", shown as a hashtag
    admin = type(client)()
    admin.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(change_url(messy["copy"]), {"name": "IndustrySpeak", "description": ""})
    page = client.get(messy["theirs"].get_absolute_url()).text
    assert "#IndustrySpeak" in page and "/series/industryspeak/" in page


def test_the_series_list_shows_hashtags_and_post_counts(client, moderator, messy):
    client.force_login(moderator)
    response = client.get(CHANGELIST + "?o=3")  # by post count
    assert response.status_code == 200
    rows = parse(response.text).find("table", id="result_list").find("tbody").find_all("tr")
    # The first cell is the action's checkbox: then the slug, the posts, the description.
    cells = sorted(
        (row.find("th").text, *(c.text for c in row.find_all("td")[1:3])) for row in rows
    )
    assert cells == [
        ("#ResearchSpeak", "researchspeak", "2"),
        ("#ResearchSpeak", "researchspeak_1", "2"),
    ]
