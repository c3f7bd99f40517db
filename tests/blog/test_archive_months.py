"""The sidebar's list of months, found one index probe a month (issue 15): every month with
a published post once, newest first, in the site's time zone."""

import datetime

from django.urls import reverse
from django.utils import timezone

from tests.blog.markup import parse
from tests.factories import PostFactory


def _at(*parts) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*parts))


def _months(client) -> list[str]:
    nav = parse(client.get(reverse("blog:post_list")).text).find("aside", cls="archive")
    return [a.attrs["href"] for a in nav.find_all("a")]


def test_every_month_with_posts_once_newest_first_however_far_apart(client, db):
    for day in (1, 15, 28):
        PostFactory(published_at=_at(2025, 2, day, 12))
    PostFactory(published_at=_at(2025, 1, 31, 23, 59))
    PostFactory(published_at=_at(2019, 7, 1, 0, 0))
    PostFactory(draft=True, published_at=_at(2024, 5, 5))

    assert _months(client) == ["/archive/2025/2/", "/archive/2025/1/", "/archive/2019/7/"]


def test_months_start_at_midnight_in_the_sites_time_zone(client, db, settings):
    settings.TIME_ZONE = "Europe/London"
    # 00:30 on 1 April in London (summer time) is 23:30 on 31 March in UTC: April.
    PostFactory(published_at=_at(2025, 4, 1, 0, 30))
    # 23:30 on 31 March in London is 22:30 UTC: March.
    PostFactory(published_at=_at(2025, 3, 31, 23, 30))

    assert _months(client) == ["/archive/2025/4/", "/archive/2025/3/"]


def test_no_published_posts_no_months(client, db):
    PostFactory(draft=True)
    PostFactory(published_at=timezone.now() + datetime.timedelta(days=3))

    assert _months(client) == []


def test_a_post_in_a_new_month_shows_at_once(client, db):
    # The links are cached by their list of months: a new month is a new list.
    PostFactory(published_at=_at(2025, 2, 1, 12))
    assert _months(client) == ["/archive/2025/2/"]

    PostFactory(published_at=_at(2025, 3, 1, 12))

    assert _months(client) == ["/archive/2025/3/", "/archive/2025/2/"]
