"""The compose "scale" profile's nginx keeps anonymous pages and revalidates them: an
approved comment shows through it within PAGE_CACHE_S_MAXAGE seconds.

Runs deploy/nginx.conf with Debian's nginx on a loopback port, adapted only where the
compose network differs (the replicas' address, the listening port, the cache folder),
in front of a live test server.
"""

import socket
import subprocess
import time
import urllib.request
from unittest import mock

import pytest
from django.core.cache import cache

from comments.services import Submission, comment_submit
from core import pagecache
from deploy.local_stack import NGINX, free_port, nginx_config
from moderation.services import comment_approve
from tests.factories import PostFactory
from tests.services import needs_nginx

S_MAXAGE = 2

pytestmark = needs_nginx


@pytest.fixture
def nginx(live_server, tmp_path, settings):
    settings.POST_PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_S_MAXAGE = S_MAXAGE
    settings.PAGE_CACHE_STALE_WHILE_REVALIDATE = 30
    cache.clear()
    port = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        nginx_config(tmp_path, port=port, upstreams=[int(live_server.url.rsplit(":", 1)[1])])
    )
    check = subprocess.run(
        [NGINX, "-t", "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-c", str(conf), "-e", str(tmp_path / "error.log")])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    cache.clear()


def fetch(url: str, **headers) -> tuple[str, str]:
    request = urllib.request.Request(url, headers={"User-Agent": "Mozilla/5.0", **headers})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return response.headers.get("X-Cache-Status", ""), response.read().decode()


def test_approval_shows_through_nginx_within_s_maxage(nginx, transactional_db):
    post = PostFactory(title="Through the proxy", slug="through-the-proxy")
    held = comment_submit(post=post, submission=Submission(body="Held, then approved."))
    url = nginx + post.get_absolute_url()

    first_status, first = fetch(url)
    second_status, second = fetch(url)
    assert (first_status, second_status) == ("MISS", "HIT")
    assert first == second and "Held, then approved." not in second
    # A reader with a session passes by the cache.
    assert fetch(url, Cookie="sessionid=abc")[0] == "BYPASS"
    assert fetch(url, Cookie="comments_mine=1:abc")[0] == "BYPASS"  # their own held comment
    assert fetch(url, Cookie="django_language=fr")[0] == "BYPASS"  # a language of their own

    comment_approve(comment=held, actor=post.author)  # commits at once: bumps the version
    approved_at = time.monotonic()
    statuses = []
    while time.monotonic() - approved_at < S_MAXAGE + 5:
        status, page = fetch(url)
        statuses.append(status)
        if "Held, then approved." in page:
            break
        time.sleep(0.2)
    waited = time.monotonic() - approved_at
    assert "Held, then approved." in page, statuses
    # Kept for s-maxage, then one stale answer while nginx revalidates in the background.
    assert waited <= S_MAXAGE + 2, (waited, statuses)
    assert statuses[0] in ("HIT", "STALE", "UPDATING")  # the old copy, from the cache


def test_unchanged_page_is_revalidated_with_a_304(nginx, transactional_db):
    post = PostFactory(title="Nothing new", slug="nothing-new")
    url = nginx + post.get_absolute_url()
    _, original = fetch(url)
    with mock.patch.object(pagecache, "not_modified", wraps=pagecache.not_modified) as answered:
        statuses, deadline = [], time.monotonic() + S_MAXAGE + 10
        while time.monotonic() < deadline and (not statuses or statuses[-1] == "HIT"):
            time.sleep(0.2)
            status, page = fetch(url)
            statuses.append(status)
            assert page == original
        # Expired: served stale (or held) while nginx asked the app with If-None-Match.
        assert statuses[-1] in ("STALE", "UPDATING", "REVALIDATED"), statuses
        while time.monotonic() < deadline and not answered.called:
            time.sleep(0.1)
    assert answered.called, "nginx never revalidated with the ETag (no 304 from the app)"
    # nginx finishes the background update once the app's 304 has reached it.
    while time.monotonic() < deadline and (after := fetch(url))[0] == "UPDATING":
        time.sleep(0.05)
    assert after == ("HIT", original)
