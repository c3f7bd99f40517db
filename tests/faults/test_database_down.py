"""PostgreSQL is unreachable while readers get post pages from the cache: the pages are
served, and the views they count are kept until the database answers again."""

import contextlib
import copy
import logging
import socket

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client

from blog.models import PostDailyViews
from tests.factories import PostFactory

UA = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


@contextlib.contextmanager
def database_unreachable():
    """Close this process's connection and point it at a port where nothing listens."""
    saved = copy.deepcopy(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    connection.settings_dict["OPTIONS"].pop("host", None)  # the embedded server's socket
    try:
        with pytest.raises(OperationalError):
            connection.ensure_connection()  # really gone
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def views(post) -> int:
    return sum(PostDailyViews.objects.filter(post=post).values_list("count", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_is_served_while_the_database_is_down_and_its_views_kept(settings, caplog):
    settings.POST_PAGE_CACHE_SECONDS = 300
    settings.VIEW_COUNT_FLUSH_EVERY = 1  # every view is written at once, when it can be
    settings.VIEW_COUNT_FLUSH_SECONDS = 3600
    cache.clear()
    post = PostFactory(title="Served without a database")
    url = post.get_absolute_url()
    assert Client().get(url, **UA).status_code == 200  # rendered and cached
    assert views(post) == 1

    with database_unreachable(), caplog.at_level(logging.WARNING, logger="blog.viewcount"):
        for _ in range(3):
            response = Client().get(url, **UA)
            assert response.status_code == 200
            assert "Served without a database" in response.text
    # One failed try; the next two views waited for the clock instead of the database.
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1, messages
    assert messages[0].startswith("post views not written (") and messages[0].endswith("; 1 kept")
    assert views(post) == 1  # nothing written while it was down

    settings.VIEW_COUNT_FLUSH_SECONDS = 0  # time for the next try
    assert Client().get(url, **UA).status_code == 200
    assert views(post) == 5  # the three views of the outage, kept, and this one
    cache.clear()
