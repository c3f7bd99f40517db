"""The post admin: authors edit only their own posts; the readership chart."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from blog.charts import views_chart
from blog.models import Post
from tests.blog.markup import parse
from tests.factories import PostDailyViewsFactory, PostFactory

CHANGELIST = reverse("admin:blog_post_changelist")
ADD = reverse("admin:blog_post_add")


def _change_url(post) -> str:
    return reverse("admin:blog_post_change", args=[post.pk])


def _form_data(**overrides) -> dict:
    """What the admin's post form posts, as a browser would send it."""
    data = {
        "title": "A post from the admin",
        "slug": "a-post-from-the-admin",
        "summary": "",
        "body": "Written in the *admin*.",
        "tags": "",
        "status": "published",
        "published_at_0": "2025-03-01",
        "published_at_1": "09:30:00",
        "competing_interests": "",
        "postscript": "",
        "comments_open": "on",
        "comments_close_at_0": "",
        "comments_close_at_1": "",
    }
    data.update(overrides)
    return data


def _changelist_titles(response) -> set[str]:
    table = parse(response.text).find("table", id="result_list")
    return {row.find("th").text for row in table.find("tbody").find_all("tr")}


@pytest.fixture
def posts(author, other_author):
    return {
        "mine": PostFactory(title="Mine", author=author),
        "my draft": PostFactory(title="My draft", author=author, draft=True),
        "theirs": PostFactory(title="Theirs", author=other_author),
    }


def test_roles_migration_gives_authors_what_they_need_and_no_more(db):
    authors = Group.objects.get(name="Authors")
    codenames = set(authors.permissions.values_list("codename", flat=True))
    assert {"add_post", "change_post", "view_post"} <= codenames
    assert "delete_post" not in codenames
    assert "edit_any_post" not in codenames
    assert Group.objects.filter(name="Moderators").exists()


def test_author_sees_only_their_own_posts(client, author, posts):
    client.force_login(author)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert _changelist_titles(response) == {"Mine", "My draft"}


def test_superuser_sees_every_post(admin_client, posts):
    response = admin_client.get(CHANGELIST)
    assert _changelist_titles(response) == {"Mine", "My draft", "Theirs"}


def test_author_can_open_their_own_post(client, author, posts):
    client.force_login(author)
    response = client.get(_change_url(posts["mine"]))
    assert response.status_code == 200
    assert response.context["original"] == posts["mine"]


def test_author_cannot_open_another_authors_post(client, author, posts):
    client.force_login(author)
    response = client.get(_change_url(posts["theirs"]))
    # The admin treats a post outside the author's queryset as missing.
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response.url == reverse("admin:index")
    assert "Theirs" not in response.content.decode()


def test_author_cannot_change_another_authors_post_by_posting(client, author, posts):
    client.force_login(author)
    theirs = posts["theirs"]
    client.post(_change_url(theirs), _form_data(title="Hijacked", slug=theirs.slug))
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


def test_author_cannot_delete_a_post(client, author, posts):
    client.force_login(author)
    response = client.post(
        reverse("admin:blog_post_delete", args=[posts["mine"].pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Post.objects.filter(pk=posts["mine"].pk).exists()


def test_author_field_is_read_only_for_authors(client, author, other_author, posts):
    client.force_login(author)
    mine = posts["mine"]

    form = parse(client.get(_change_url(mine)).text)
    assert not form.find_all("select", name="author")

    response = client.post(
        _change_url(mine), _form_data(title="Mine, edited", slug=mine.slug, author=other_author.pk)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    mine.refresh_from_db()
    assert mine.title == "Mine, edited"
    assert mine.author == author


def test_author_creating_a_post_becomes_its_author(client, author, other_author):
    client.force_login(author)
    response = client.post(ADD, _form_data(author=other_author.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    post = Post.objects.get(slug="a-post-from-the-admin")
    assert post.author == author
    assert post.body_html == "<p>Written in the <em>admin</em>.</p>\n"


def test_superuser_can_assign_a_post_to_an_author(admin_client, author, other_author, posts):
    mine = posts["mine"]
    response = admin_client.post(
        _change_url(mine), _form_data(title="Mine", slug=mine.slug, author=other_author.pk)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    mine.refresh_from_db()
    assert mine.author == other_author


def test_superuser_adding_a_post_defaults_to_themselves(admin_client, admin_user):
    form = parse(admin_client.get(ADD).text)
    options = form.find("select", name="author").find_all("option")
    assert [option.attrs["value"] for option in options if "selected" in option.attrs] == [
        str(admin_user.pk)
    ]


def test_preview_shows_the_formatted_post(client, author):
    post = PostFactory(author=author, body="Some *Markdown* with [a link](https://example.org).")
    client.force_login(author)
    preview = parse(client.get(_change_url(post)).text).find("div", cls="colloquy-preview")
    assert preview.find("em").text == "Markdown"
    assert preview.find("a").attrs["href"] == "https://example.org"


# The views-by-day chart


def test_change_page_charts_views_by_day_and_marks_the_record(client, author):
    post = PostFactory(author=author)
    today = timezone.localdate()
    record_day = today - datetime.timedelta(days=3)
    PostDailyViewsFactory(post=post, date=today - datetime.timedelta(days=10), count=4)
    PostDailyViewsFactory(post=post, date=record_day, count=31)
    PostDailyViewsFactory(post=post, date=today, count=1)
    PostDailyViewsFactory(post=post, date=today - datetime.timedelta(days=90), count=500)
    PostDailyViewsFactory(post=PostFactory(author=author), date=today, count=999)
    client.force_login(author)

    response = client.get(_change_url(post))

    assert "Views by day" in response.content.decode()
    chart = parse(response.text).find("svg", role="img")
    assert chart.attrs["aria-label"] == f"Views per day; record 31 on {record_day:%a %d %b %Y}"
    bars = chart.find_all("rect")
    assert len(bars) == 42
    titles = [bar.find("title").text for bar in bars]
    assert titles[-1] == f"{today:%a %d %b %Y}: 1 view"
    assert titles[-4] == f"{record_day:%a %d %b %Y}: 31 views"
    assert titles[-11].endswith(": 4 views")
    assert titles[0].endswith(": 0 views")
    record_colour = bars[-4].attrs["fill"]
    assert all(bar.attrs["fill"] != record_colour for bar in bars if bar is not bars[-4])
    assert int(bars[-4].attrs["height"]) > int(bars[-11].attrs["height"]) > 0
    weekday_labels = {text.text for text in chart.find_all("text", font_size="9")}
    assert weekday_labels == {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}


def test_chart_of_a_post_nobody_has_read(client, author):
    post = PostFactory(author=author)
    client.force_login(author)
    chart = parse(client.get(_change_url(post)).text).find("svg", role="img")
    assert chart.attrs["aria-label"] == "Views per day; no views recorded yet"
    assert len({bar.attrs["fill"] for bar in chart.find_all("rect")}) == 1


def test_views_chart_puts_weekday_and_day_under_each_bar():
    monday = datetime.date(2025, 3, 3)
    days = [(monday + datetime.timedelta(days=offset), offset) for offset in range(7)]

    chart = parse(views_chart(days)).find("svg")

    labels = [text.text for text in chart.find_all("text")]
    assert labels[0::2] == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    assert labels[1::2] == ["3", "4", "5", "6", "7", "8", "9"]
    assert chart.attrs["aria-label"] == "Views per day; record 6 on Sun 09 Mar 2025"


def test_views_chart_without_days():
    assert "No views recorded yet." in views_chart([])
