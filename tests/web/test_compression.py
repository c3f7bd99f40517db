"""deploy/nginx.conf compresses pages and feeds for clients that accept gzip, and serves
the cached copy compressed too. Runs the file with Debian's nginx as tests/deploy does."""

import gzip
import subprocess
import time
import urllib.request

import pytest
from django.core.cache import cache
from django.urls import reverse

from deploy.local_stack import NGINX, free_port, nginx_config
from tests.factories import PostFactory
from tests.services import needs_nginx

pytestmark = needs_nginx


@pytest.fixture
def proxy(live_server, tmp_path, settings):
    settings.POST_PAGE_CACHE_SECONDS = 300
    cache.clear()
    port = free_port()
    upstream = int(live_server.url.rsplit(":", 1)[1])
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_config(tmp_path, port=port, upstreams=[upstream]))
    process = subprocess.Popen([NGINX, "-c", str(conf), "-e", str(tmp_path / "error.log")])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=1)  # noqa: S310
            break
        except OSError:
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    cache.clear()


def fetch(url: str, **headers):
    request = urllib.request.Request(url, headers={"User-Agent": "Mozilla/5.0", **headers})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return response.headers, response.read()


def test_pages_and_feeds_are_sent_compressed_to_clients_that_accept_gzip(proxy, transactional_db):
    post = PostFactory(title="Compressed", slug="compressed", body="A paragraph. " * 400)
    for path in [post.get_absolute_url(), post.get_absolute_url(), "/", reverse("blog:feed")]:
        headers, body = fetch(proxy + path, **{"Accept-Encoding": "gzip"})
        assert headers["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in headers["Vary"], path
        plain_headers, plain = fetch(proxy + path)
        assert plain_headers.get("Content-Encoding") is None, path
        assert gzip.decompress(body) == plain, path
        assert len(body) < len(plain) / 2, path
