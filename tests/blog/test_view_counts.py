"""Daily view counts: one per reader's visit, none for bots or previews, exact under load."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from blog.models import PostDailyViews
from tests.factories import PostDailyViewsFactory, PostFactory


def _views(post, date=None) -> int:
    row = PostDailyViews.objects.filter(post=post, date=date or timezone.localdate()).first()
    return row.count if row else 0


def test_each_reader_visit_counts_once(reader, db):
    post = PostFactory()

    for expected in (1, 2, 3):
        assert reader.get(post.get_absolute_url()).status_code == 200
        assert _views(post) == expected


def test_views_are_counted_per_post_and_per_day(reader, db):
    post, other = PostFactory(), PostFactory()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    PostDailyViewsFactory(post=post, date=yesterday, count=40)

    reader.get(post.get_absolute_url())

    assert _views(post) == 1
    assert _views(post, yesterday) == 40
    assert _views(other) == 0
    assert PostDailyViews.objects.filter(post=post).count() == 2


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "curl/8.5.0",
        "Wget/1.21.4",
        "python-requests/2.32.3",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/126.0 Safari/537.36",
        "",
    ],
)
def test_bots_are_not_counted(client, db, user_agent):
    post = PostFactory()
    response = client.get(post.get_absolute_url(), headers={"User-Agent": user_agent})
    assert response.status_code == 200
    assert _views(post) == 0


def test_a_head_request_is_answered_but_not_counted(reader, db):
    post = PostFactory()
    response = reader.head(post.get_absolute_url())
    assert response.status_code == 200
    assert _views(post) == 0


def test_a_request_without_user_agent_is_not_counted(client, db):
    post = PostFactory()
    client.get(post.get_absolute_url())
    assert _views(post) == 0


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_staff_previews_are_not_counted(admin_client, browser_user_agent, state):
    post = PostFactory(**{state: True})
    response = admin_client.get(post.get_absolute_url(), headers={"User-Agent": browser_user_agent})
    assert response.status_code == 200
    assert not PostDailyViews.objects.filter(post=post).exists()


def test_hidden_posts_are_not_counted_for_readers_either(reader, db):
    post = PostFactory(draft=True)
    assert reader.get(post.get_absolute_url()).status_code == 404
    assert not PostDailyViews.objects.exists()


def test_record_counts_on_the_sites_local_date(db, settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    post = PostFactory()
    PostDailyViews.record(post)
    assert PostDailyViews.objects.get(post=post).date == timezone.localdate()


def test_record_takes_an_explicit_date(db):
    post = PostFactory()
    day = datetime.date(2025, 3, 8)
    PostDailyViews.record(post, day)
    PostDailyViews.record(post, day)
    assert _views(post, day) == 2


THREADS = 8
VIEWS_PER_THREAD = 25


def _in_threads(work) -> list[Exception]:
    """Run work(index) in THREADS threads released at once; each uses its own connection."""
    barrier = threading.Barrier(THREADS)
    errors: list[Exception] = []

    def run(index):
        try:
            barrier.wait(timeout=10)
            work(index)
        except Exception as error:  # reported by the test, in the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_records_give_the_exact_total():
    post = PostFactory()
    server_processes = set()

    def work(index):
        for _ in range(VIEWS_PER_THREAD):
            PostDailyViews.record(post)
        server_processes.add(connection.connection.info.backend_pid)

    assert _in_threads(work) == []
    assert len(server_processes) == THREADS, "threads shared a database connection"
    assert _views(post) == THREADS * VIEWS_PER_THREAD
    assert PostDailyViews.objects.filter(post=post).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_readers_of_the_post_page_are_all_counted(browser_user_agent):
    post = PostFactory()
    visits = 4

    def work(index):
        browser = Client(headers={"User-Agent": browser_user_agent})
        for _ in range(visits):
            assert browser.get(post.get_absolute_url()).status_code == 200

    assert _in_threads(work) == []
    assert _views(post) == THREADS * visits
