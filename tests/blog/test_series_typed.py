"""Issue 23, series as people type them: a leading "#" is dropped, names compare without
case, empty series leave the lists, and slugs follow the names."""

import io
from pathlib import Path

import feedparser
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from blog.models import Post, Series
from tests.blog.markup import parse
from tests.factories import PostFactory

ADD = reverse("admin:blog_post_add")


def post_form(**overrides) -> dict:
    data = {
        "title": "Genzyme and the infusion",
        "slug": "genzyme-and-the-infusion",
        "summary": "",
        "body": "Text.",
        "tags": "",
        "status": "published",
        "published_at_0": "2025-03-01",
        "published_at_1": "09:30:00",
        "competing_interests": "CoI: multiple",
        "postscript": "",
        "comments_open": "on",
        "comments_close_at_0": "",
        "comments_close_at_1": "",
    }
    return data | overrides


def test_series_typed_as_the_site_shows_them_are_the_series(client, author):
    """The issue's steps: "#GenzymeSpeak, #MSBlog, #ResearchSpeak" in the post form."""
    Series.objects.create(name="ResearchSpeak", description="Plain-language notes.")
    client.force_login(author)
    response = client.post(ADD, post_form(tags="#GenzymeSpeak, #MSBlog, #ResearchSpeak"))
    assert response.status_code == 302
    post = Post.objects.get()
    assert sorted(post.tags.names()) == ["GenzymeSpeak", "MSBlog", "ResearchSpeak"]
    assert sorted(Series.objects.values_list("slug", flat=True)) == [
        "genzymespeak",
        "msblog",
        "researchspeak",
    ]
    html = client.get(post.get_absolute_url()).text
    assert "##" not in html and "#GenzymeSpeak" in html


def test_names_compare_without_case_and_without_hash(author):
    post = PostFactory(author=author)
    post.tags.add("MSBlog")
    other = PostFactory(author=author)
    other.tags.add("#msblog", "##MSBLOG", "  # MSBlog ")
    assert Series.objects.count() == 1
    assert list(other.tags.names()) == ["MSBlog"]


def test_a_name_that_is_only_hashes_is_no_series(author):
    post = PostFactory(author=author)
    post.tags.set(["#", "##", "#MSBlog"])
    assert list(post.tags.names()) == ["MSBlog"]


def test_the_database_refuses_a_second_series_in_another_case(db):
    Series.objects.create(name="MSBlog")
    with pytest.raises(IntegrityError), transaction.atomic():
        Series.objects.create(name="msblog", slug="msblog-other")


def test_a_new_series_whose_slug_is_taken_gets_no_underscore_leftover(db):
    Series.objects.create(name="C++")
    second = Series.objects.create(name="C#")
    assert second.slug == "c-2"


@pytest.fixture
def in_use_and_empty(author):
    used = Series.objects.create(name="ResearchSpeak")
    drafts_only = Series.objects.create(name="DraftsOnly")
    Series.objects.create(name="Nothing")
    PostFactory(author=author, tags=[used])
    PostFactory(author=author, tags=[drafts_only], draft=True)
    return used


def test_empty_series_leave_the_series_list_and_the_subscribe_page(client, in_use_and_empty):
    series_page = parse(client.get(reverse("blog:series_list")).text)
    assert [a.text for a in series_page.find_all("a", cls="hashtag")] == ["#ResearchSpeak"]
    subscribe = client.get(reverse("blog:subscribe")).text
    assert "#ResearchSpeak" in subscribe
    assert "#DraftsOnly" not in subscribe and "#Nothing" not in subscribe


def test_empty_series_are_in_no_feed(client, in_use_and_empty):
    feed = feedparser.parse(client.get(reverse("blog:feed")).content)
    categories = {tag.term for entry in feed.entries for tag in entry.get("tags", [])}
    assert categories == {"ResearchSpeak"}


def test_a_renamed_series_slug_follows_and_the_old_one_redirects(client, db):
    from blog.series import series_rename
    from tests.factories import SuperuserFactory

    series = Series.objects.create(name="MSBlog")
    PostFactory(tags=[series])
    renamed = series_rename(series=series, name="#MS Blog", actor=SuperuserFactory())
    assert (renamed.name, renamed.slug, renamed.former_slugs) == ("MS Blog", "ms-blog", ["msblog"])
    response = client.get("/series/msblog/")
    assert response.status_code == 301 and response["Location"] == "/series/ms-blog/"
    assert client.get("/series/ms-blog/").status_code == 200
    feed = client.get("/series/msblog/feed/")
    assert feed.status_code == 301 and feed["Location"] == "/series/ms-blog/feed/"


def test_an_imported_hashtag_category_is_the_existing_series(db, tmp_path):
    from django.core.management import call_command

    existing = Series.objects.create(name="MSBlog", description="Our blog's own.")
    minimal = (Path(__file__).parents[1] / "porting" / "fixtures" / "wxr-minimal.xml").read_text()
    tagged = minimal.replace(
        "<wp:post_type>post</wp:post_type>",
        "<wp:post_type>post</wp:post_type>"
        '<category domain="post_tag" nicename="msblog"><![CDATA[#msblog]]></category>'
        '<category domain="post_tag" nicename="genzymespeak"><![CDATA[#GenzymeSpeak]]></category>',
    )
    export = tmp_path / "export.xml"
    export.write_text(tagged)
    call_command("import_wxr", str(export), stdout=io.StringIO())
    post = Post.objects.get(slug="minimal")
    assert sorted(post.tags.names()) == ["GenzymeSpeak", "MSBlog"]
    assert Series.objects.get(name="MSBlog") == existing
    assert Series.objects.get(name="GenzymeSpeak").slug == "genzymespeak"
